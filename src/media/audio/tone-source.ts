import { InvalidArgumentError } from '../../util/index.js';
import type { AudioSource } from './source.js';

/** Options of a {@link ToneSource}. */
export interface ToneOptions {
  /** One frequency, or several summed (dual-tone, e.g. DTMF `[697, 1209]`), Hz. */
  readonly frequency: number | readonly number[];
  /** Peak amplitude of each component, 0..32767 (default 8000, about -12 dBFS). */
  readonly amplitude?: number;
  /** Play for this long and then end; omitted: play until closed. */
  readonly durationMs?: number;
}

/**
 * A sine (or sum of sines) generator. Phase is continuous across frames and
 * across changes of the requested sample rate (it advances in time, not in
 * samples), so 20 ms frames join without clicks.
 */
export class ToneSource implements AudioSource {
  /** Tones are synthesised at whatever rate is asked; 8000 is nominal. */
  readonly sampleRate = 8000;
  readonly #freqs: readonly number[];
  readonly #amplitude: number;
  readonly #durationSec: number;
  /** Phases in cycles (0..1), one per component. */
  readonly #phase: Float64Array;
  #elapsedSec = 0;
  #closed = false;

  /** @throws InvalidArgumentError for a negative frequency, an amplitude out of range or a bad duration */
  constructor(options: ToneOptions) {
    const freqs = typeof options.frequency === 'number' ? [options.frequency] : [...options.frequency];
    if (freqs.length === 0 || freqs.some((f) => !Number.isFinite(f) || f < 0)) {
      throw new InvalidArgumentError('frequency', 'must be one or more non-negative numbers');
    }
    const amplitude = options.amplitude ?? 8000;
    if (!(amplitude >= 0 && amplitude * freqs.length <= 32767)) {
      throw new InvalidArgumentError('amplitude', `must keep the sum within 16 bits, got ${amplitude}`);
    }
    const d = options.durationMs;
    if (d !== undefined && !(d >= 0)) throw new InvalidArgumentError('durationMs', 'must be >= 0');
    this.#freqs = freqs;
    this.#amplitude = amplitude;
    this.#durationSec = d === undefined ? Infinity : d / 1000;
    this.#phase = new Float64Array(freqs.length);
  }

  read(frameSamples: number, sampleRate: number): Int16Array | null {
    if (this.#closed || this.#elapsedSec >= this.#durationSec - 1e-9) return null;
    const out = new Int16Array(frameSamples);
    const remaining = Math.round((this.#durationSec - this.#elapsedSec) * sampleRate);
    const n = Math.min(frameSamples, remaining);
    const amp = this.#amplitude;
    for (let c = 0; c < this.#freqs.length; c++) {
      const inc = this.#freqs[c] / sampleRate;
      let ph = this.#phase[c];
      for (let i = 0; i < n; i++) {
        out[i] += Math.round(amp * Math.sin(2 * Math.PI * ph));
        ph += inc;
        if (ph >= 1) ph -= 1;
      }
      // Advance by the whole frame so the phase stays tied to time.
      this.#phase[c] = (this.#phase[c] + inc * frameSamples) % 1;
    }
    this.#elapsedSec += frameSamples / sampleRate;
    return out;
  }

  close(): void {
    this.#closed = true;
  }
}

/** Endless (or timed) digital silence. */
export class SilenceSource implements AudioSource {
  /** Nominal; silence is produced at any rate. */
  readonly sampleRate = 8000;
  readonly #durationSec: number;
  #elapsedSec = 0;
  #closed = false;

  /** @param durationMs - end after this long; omitted: until closed */
  constructor(durationMs?: number) {
    if (durationMs !== undefined && !(durationMs >= 0)) throw new InvalidArgumentError('durationMs', 'must be >= 0');
    this.#durationSec = durationMs === undefined ? Infinity : durationMs / 1000;
  }

  read(frameSamples: number, sampleRate: number): Int16Array | null {
    if (this.#closed || this.#elapsedSec >= this.#durationSec - 1e-9) return null;
    this.#elapsedSec += frameSamples / sampleRate;
    return new Int16Array(frameSamples);
  }

  close(): void {
    this.#closed = true;
  }
}
