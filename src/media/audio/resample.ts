/**
 * Sample-rate conversion for the media engine.
 *
 * - 8 kHz <-> 16 kHz (G.711 <-> G.722 transcoding, mixing): a 63-tap half-band
 *   FIR low-pass, Kaiser-windowed sinc (beta 7, about 70 dB stop-band
 *   attenuation, pass band to about 3.4 kHz, stop band from about 4.6 kHz),
 *   computed in polyphase form so only the non-zero taps are evaluated. Delay:
 *   31 samples at 16 kHz (1.94 ms).
 * - Any other pair of rates (44.1 kHz or 48 kHz WAV files, for instance): the
 *   band-limited windowed-sinc interpolator of {@link SincResampler}.
 *
 * All resamplers are stateful across frames (feed consecutive frames of one
 * stream to one instance) and allocation-free in the hot path when used through
 * `processInto`. References: R. E. Crochiere and L. R. Rabiner, "Multirate
 * Digital Signal Processing" (1983), §4.3 (polyphase) and §5.5 (half-band
 * filters); J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh
 * window function" (1974).
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../../util/index.js';

/** A stateful converter of one PCM stream from {@link Resampler.inputRate} to {@link Resampler.outputRate}. */
export interface Resampler {
  /** Sample rate of the input, Hz. */
  readonly inputRate: number;
  /** Sample rate of the output, Hz. */
  readonly outputRate: number;
  /** Largest number of output samples `inputLength` input samples can produce in one call. */
  maxOutput(inputLength: number): number;
  /** Convert one chunk; the result may differ by one sample from chunk to chunk for non-integer ratios. */
  process(input: Int16Array): Int16Array;
  /** Allocation-free variant: write into `out` (at least {@link Resampler.maxOutput} long); returns samples written. */
  processInto(input: Int16Array, out: Int16Array): number;
  /** Forget the history (start of a new stream). */
  reset(): void;
}

/** Zeroth-order modified Bessel function of the first kind (power series), for the Kaiser window. */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser window value at `t` in [-1, 1] (J. F. Kaiser, 1974). */
export function kaiser(t: number, beta: number): number {
  if (t <= -1 || t >= 1) return 0;
  return besselI0(beta * Math.sqrt(1 - t * t)) / besselI0(beta);
}

/** Number of taps of the half-band filter (odd; centre tap at index 31). */
export const HALF_BAND_TAPS = 63;
const CENTER = (HALF_BAND_TAPS - 1) >> 1;

/**
 * The half-band low-pass prototype: cut-off at a quarter of the higher rate,
 * h[CENTER] = 0.5, taps an even distance from the centre exactly zero, unity DC gain.
 */
export const HALF_BAND_COEFFS: Float64Array = (() => {
  const h = new Float64Array(HALF_BAND_TAPS);
  let sum = 0;
  for (let i = 0; i < HALF_BAND_TAPS; i++) {
    const d = i - CENTER;
    if (d === 0) h[i] = 0.5;
    else if (d % 2 === 0) h[i] = 0;
    else h[i] = (Math.sin((Math.PI * d) / 2) / (Math.PI * d)) * kaiser(d / (CENTER + 1), 7);
    sum += h[i];
  }
  for (let i = 0; i < HALF_BAND_TAPS; i++) if (i !== CENTER) h[i] /= sum;
  // Renormalising all taps but the centre keeps the zero taps zero and h[CENTER] = 0.5 within 1e-4.
  return h;
})();

/** Odd-offset taps h[CENTER + 1], h[CENTER + 3], ... (the non-zero side taps), for the polyphase loops. */
const SIDE = (() => {
  const s = new Float64Array((CENTER + 1) >> 1);
  for (let k = 0; k < s.length; k++) s[k] = HALF_BAND_COEFFS[CENTER + 1 + 2 * k];
  return s;
})();

function toInt16(v: number): number {
  const r = Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/**
 * 16 kHz -> 8 kHz (or any 2:1): half-band low-pass, then keep every second
 * sample. Odd-length chunks are fine: the decimation phase carries over.
 */
export class HalfBandDownsampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Delay line written twice (at i and i + N) so a window is always contiguous. */
  readonly #line = new Float64Array(2 * HALF_BAND_TAPS);
  #pos = 0;
  #phase = 0;

  /** @param inputRate - the higher rate, Hz (default 16000); output is half of it */
  constructor(inputRate = 16000) {
    this.inputRate = inputRate;
    this.outputRate = inputRate / 2;
  }

  maxOutput(inputLength: number): number {
    return (inputLength + 1) >> 1;
  }

  process(input: Int16Array): Int16Array {
    const out = new Int16Array(this.maxOutput(input.length));
    const n = this.processInto(input, out);
    return n === out.length ? out : out.slice(0, n);
  }

  processInto(input: Int16Array, out: Int16Array): number {
    const line = this.#line;
    const N = HALF_BAND_TAPS;
    let pos = this.#pos;
    let phase = this.#phase;
    let o = 0;
    for (let i = 0; i < input.length; i++) {
      const v = input[i];
      line[pos] = v;
      line[pos + N] = v;
      pos = pos + 1 === N ? 0 : pos + 1;
      phase ^= 1;
      if (phase === 0) {
        // Window: line[pos .. pos + N - 1], oldest first; centre at pos + CENTER.
        const c = pos + CENTER;
        let acc = 0.5 * line[c];
        for (let k = 0; k < SIDE.length; k++) {
          const d = 2 * k + 1;
          acc += SIDE[k] * (line[c - d] + line[c + d]);
        }
        out[o++] = toInt16(acc);
      }
    }
    this.#pos = pos;
    this.#phase = phase;
    return o;
  }

  reset(): void {
    this.#line.fill(0);
    this.#pos = 0;
    this.#phase = 0;
  }
}

/**
 * 8 kHz -> 16 kHz (or any 1:2): insert zeros, then the half-band low-pass with
 * gain 2, computed as two polyphase branches (one is a pure delay).
 */
export class HalfBandUpsampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Input delay line (32 samples), written twice for contiguous windows. */
  readonly #line = new Float64Array(2 * (CENTER + 1));
  #pos = 0;

  /** @param inputRate - the lower rate, Hz (default 8000); output is twice it */
  constructor(inputRate = 8000) {
    this.inputRate = inputRate;
    this.outputRate = inputRate * 2;
  }

  maxOutput(inputLength: number): number {
    return inputLength * 2;
  }

  process(input: Int16Array): Int16Array {
    const out = new Int16Array(input.length * 2);
    this.processInto(input, out);
    return out;
  }

  processInto(input: Int16Array, out: Int16Array): number {
    const line = this.#line;
    const L = CENTER + 1; // 32 input samples span the filter
    const half = SIDE.length; // 16
    let pos = this.#pos;
    let o = 0;
    for (let i = 0; i < input.length; i++) {
      const v = input[i];
      line[pos] = v;
      line[pos + L] = v;
      pos = pos + 1 === L ? 0 : pos + 1;
      // Window line[pos .. pos + L - 1], oldest first. The interpolated sample lies
      // between window entries half - 1 and half; side taps pair symmetrically.
      let acc = 0;
      for (let k = 0; k < half; k++) acc += SIDE[k] * (line[pos + half - 1 - k] + line[pos + half + k]);
      out[o++] = toInt16(2 * acc);
      out[o++] = toInt16(line[pos + half]);
    }
    this.#pos = pos;
    return o;
  }

  reset(): void {
    this.#line.fill(0);
    this.#pos = 0;
  }
}

/** Passes samples through unchanged (same input and output rate). */
export class IdentityResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** @param rate - the common rate, Hz */
  constructor(rate: number) {
    this.inputRate = rate;
    this.outputRate = rate;
  }
  maxOutput(inputLength: number): number {
    return inputLength;
  }
  process(input: Int16Array): Int16Array {
    return input.slice();
  }
  processInto(input: Int16Array, out: Int16Array): number {
    out.set(input);
    return input.length;
  }
  reset(): void {}
}

/** Validate a sample rate argument. */
export function checkRate(name: string, rate: number): void {
  if (!Number.isInteger(rate) || rate < 1000 || rate > 384000) {
    throw new InvalidArgumentError(name, `sample rate ${rate} is not an integer in [1000, 384000]`);
  }
}
