/**
 * One participant of the audio mixer: its input queue (resampled to the room clock), its
 * contribution to the mix (gain, mute, fades), its talker detector and its output queue
 * (resampled to whatever rate the reader asks). Internal to the mixer.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../../util/index.js';
import { createResampler } from '../audio/sinc-resampler.js';
import type { Resampler } from '../audio/resample.js';
import type { AudioSink, AudioSource } from '../audio/source.js';
import { allocFrame } from './frame-slab.js';
import { MixerFifo } from './mixer-fifo.js';
import { levelDbov, SILENCE_DBOV, TalkerDetector } from './talker-detector.js';
import type { TalkerSettings } from './talker-detector.js';
import type { MixerParticipant, MixerParticipantStats } from './mixer-types.js';

/** Largest gain accepted. */
export const MAX_GAIN = 16;

/** Room geometry shared by every lane of one mixer. @internal */
export interface LaneGeometry {
  readonly sampleRate: number;
  readonly frameSamples: number;
  readonly frameMs: number;
  /** Queue fill at which reading starts, samples (frame + cushion). */
  readonly targetSamples: number;
  /** Queue bound, samples. */
  readonly capacitySamples: number;
  readonly talker: TalkerSettings;
}

function checkGain(gain: number): number {
  if (typeof gain !== 'number' || !(gain >= 0 && gain <= MAX_GAIN)) {
    throw new InvalidArgumentError('gain', `must be a number in [0, ${MAX_GAIN}], got ${String(gain)}`);
  }
  return gain;
}

/**
 * Fill `x[got .. F)` with the signal mirrored back from its last real sample (the previous
 * frame `prev` standing before `x`), faded linearly to zero: the value continues without a
 * step and dies out within the frame.
 */
function concealTail(x: Int16Array, got: number, prev: Int16Array, F: number): void {
  const n = F - got;
  for (let j = 0; j < n; j++) {
    const src = got - 1 - j;
    const v = src >= 0 ? x[src] : prev[F + src];
    x[got + j] = Math.round(v * (1 - (j + 1) / n));
  }
}

/** A participant's internals; the object handed out as {@link MixerParticipant}. @internal */
export class MixerLane implements MixerParticipant {
  readonly id: string;
  readonly sink: AudioSink;
  readonly source: AudioSource;
  readonly #g: LaneGeometry;
  readonly #in: MixerFifo;
  readonly #out: MixerFifo;
  readonly #detector: TalkerDetector;
  /** Input frames, double-buffered: this tick's and the last one (for concealment). */
  readonly #frames: readonly [Int16Array, Int16Array];
  #cur = 0;
  /** Whether the last tick contributed real input (a sudden stop then fades out). */
  #hadInput = false;
  /** This tick's contribution to the mix (after gain and fades). */
  readonly contrib: Int32Array;
  /** Whether `contrib` is all zero this tick (nothing is added or subtracted). */
  silent = true;
  #gain: number;
  #muted: boolean;
  /** Gain applied at the end of the last frame (fades ramp from it). Starts at 0: a fade-in. */
  #applied = 0;
  #leaving = false;
  #inputClosed = false;
  #outputClosed = false;
  #level = SILENCE_DBOV;
  // Input conversion.
  #inRate = 0;
  #inResampler: Resampler | undefined;
  #inScratch = new Int16Array(0);
  // Output conversion.
  #outRate = 0;
  #outResampler: Resampler | undefined;
  #roomScratch = new Int16Array(0);
  #conv = new Int16Array(0);
  #convLength = 0;

  /**
   * @param id - participant id
   * @param geometry - the room's rate, frame and queue sizes
   * @param gain - initial gain
   * @param muted - initially muted
   */
  constructor(id: string, geometry: LaneGeometry, gain: number, muted: boolean) {
    this.id = id;
    this.#g = geometry;
    this.#gain = checkGain(gain);
    this.#muted = muted;
    this.#in = new MixerFifo(geometry.capacitySamples, geometry.targetSamples);
    this.#out = new MixerFifo(geometry.capacitySamples, geometry.targetSamples);
    this.#detector = new TalkerDetector(geometry.talker);
    this.#frames = [new Int16Array(geometry.frameSamples), new Int16Array(geometry.frameSamples)];
    this.contrib = new Int32Array(geometry.frameSamples);
    const lane = this;
    this.sink = {
      write(frame: Int16Array, sampleRate: number): void {
        lane.#write(frame, sampleRate);
      },
      close(): Promise<void> {
        lane.#inputClosed = true;
        lane.#in.clear();
        return Promise.resolve();
      },
    };
    this.source = {
      sampleRate: geometry.sampleRate,
      read(frameSamples: number, sampleRate: number): Int16Array | null {
        return lane.#read(frameSamples, sampleRate);
      },
      close(): void {
        lane.#outputClosed = true;
        lane.#out.clear();
      },
    };
  }

  get gain(): number {
    return this.#gain;
  }

  set gain(value: number) {
    this.#gain = checkGain(value);
  }

  get muted(): boolean {
    return this.#muted;
  }

  set muted(value: boolean) {
    this.#muted = value === true;
  }

  get talking(): boolean {
    return this.#detector.talking;
  }

  get level(): number {
    return this.#level;
  }

  get stats(): MixerParticipantStats {
    return {
      inputDropped: this.#in.dropped,
      inputUnderruns: this.#in.underruns,
      outputDropped: this.#out.dropped,
      outputUnderruns: this.#out.underruns,
      inputQueued: this.#in.length,
      outputQueued: this.#out.length,
    };
  }

  /** Whether the lane is fading out after removal. */
  get leaving(): boolean {
    return this.#leaving;
  }

  /** Removed from the room: fade out on the next tick, end the output now. */
  leave(): void {
    this.#leaving = true;
    this.#outputClosed = true;
    this.#out.clear();
    if (this.#detector.talking) this.#detector.reset();
  }

  /** Whether a fade-out is still due (false once the contribution reached zero). */
  get fading(): boolean {
    return this.#applied !== 0;
  }

  /**
   * Mixer step 1: take one frame of input, measure it, and add this lane's contribution
   * (gain, mute and fades applied) to `total`. Returns true when the talker decision changed.
   */
  contribute(total: Int32Array): boolean {
    const F = this.#g.frameSamples;
    const prev = this.#frames[this.#cur];
    this.#cur ^= 1;
    const x = this.#frames[this.#cur];
    const real = this.#inputClosed ? 0 : this.#in.read(x, 0, F);
    let got = real;
    if (got < F) {
      if (this.#hadInput) {
        // The input stopped (stall, leave, underrun): fade out what came last instead of cutting.
        concealTail(x, got, prev, F);
        got = F;
        this.#hadInput = false;
      } else {
        x.fill(0, got);
      }
    } else {
      this.#hadInput = true;
    }
    if (got === 0) {
      this.#applied = 0; // input resumes with a fade-in
      this.silent = true;
      return this.#measure(x, real, -1);
    }
    const g0 = this.#applied;
    const g1 = this.#leaving || this.#muted ? 0 : this.#gain;
    this.#applied = this.#hadInput ? g1 : 0;
    if (g0 === 0 && g1 === 0) {
      this.silent = true;
      return this.#measure(x, real, -1);
    }
    this.silent = false;
    const c = this.contrib;
    if (g0 === g1 && g1 === 1 && real === F) {
      // The common case: unity gain, a full frame; the talker energy comes with the same pass.
      let energy = 0;
      for (let i = 0; i < F; i++) {
        const v = x[i];
        c[i] = v;
        total[i] += v;
        energy += v * v;
      }
      return this.#measure(x, real, energy);
    }
    if (g0 === g1) {
      for (let i = 0; i < F; i++) {
        const v = Math.round(x[i] * g1);
        c[i] = v;
        total[i] += v;
      }
    } else {
      // Linear ramp from the previous gain to the new one across the frame: no click.
      const step = (g1 - g0) / F;
      for (let i = 0; i < F; i++) {
        const v = Math.round(x[i] * (g0 + step * (i + 1)));
        c[i] = v;
        total[i] += v;
      }
    }
    return this.#measure(x, real, -1);
  }

  /**
   * Level and talker decision from the `real` input samples of `x` (before concealment, gain
   * and mute); `energy` is their sum of squares when already computed, else -1.
   * Returns true when the talker decision changed.
   */
  #measure(x: Int16Array, real: number, energy: number): boolean {
    if (this.#leaving) return false;
    if (real === 0) this.#level = SILENCE_DBOV;
    else if (energy < 0) this.#level = levelDbov(x, real);
    else this.#level = energy === 0 ? SILENCE_DBOV : Math.max(SILENCE_DBOV, 10 * Math.log10(energy / real / (32768 * 32768)));
    return this.#detector.update(this.#level, this.#g.frameMs);
  }

  /** Mixer step 2: queue `total` minus this lane's own contribution, saturated to 16 bits. */
  emit(total: Int32Array, scratch: Int16Array): void {
    if (this.#outputClosed) return;
    const F = this.#g.frameSamples;
    if (this.silent) {
      for (let i = 0; i < F; i++) {
        const v = total[i];
        scratch[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    } else {
      const c = this.contrib;
      for (let i = 0; i < F; i++) {
        const v = total[i] - c[i];
        scratch[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
    this.#out.push(scratch.subarray(0, F));
  }

  #write(frame: Int16Array, sampleRate: number): void {
    if (this.#inputClosed || this.#leaving || frame.length === 0) return;
    if (sampleRate === this.#g.sampleRate) {
      this.#in.push(frame);
      return;
    }
    if (sampleRate !== this.#inRate || this.#inResampler === undefined) {
      this.#inResampler = createResampler(sampleRate, this.#g.sampleRate);
      this.#inRate = sampleRate;
    }
    const r = this.#inResampler;
    const max = r.maxOutput(frame.length);
    if (this.#inScratch.length < max) this.#inScratch = new Int16Array(max);
    const n = r.processInto(frame, this.#inScratch);
    this.#in.push(this.#inScratch.subarray(0, n));
  }

  #read(frameSamples: number, sampleRate: number): Int16Array | null {
    if (this.#outputClosed) return null;
    const out = allocFrame(frameSamples); // the reader owns the frame; silence where short
    if (sampleRate === this.#g.sampleRate) {
      this.#out.read(out, 0, frameSamples);
      return out;
    }
    if (sampleRate !== this.#outRate || this.#outResampler === undefined) {
      this.#outResampler = createResampler(this.#g.sampleRate, sampleRate);
      this.#outRate = sampleRate;
      this.#convLength = 0;
    }
    const r = this.#outResampler;
    const ratio = this.#g.sampleRate / sampleRate;
    while (this.#convLength < frameSamples) {
      const need = Math.max(1, Math.ceil((frameSamples - this.#convLength) * ratio));
      if (this.#roomScratch.length < need) this.#roomScratch = new Int16Array(need);
      const got = this.#out.read(this.#roomScratch, 0, need);
      if (got === 0) break;
      const max = this.#convLength + r.maxOutput(got);
      if (this.#conv.length < max) {
        const grown = new Int16Array(max);
        grown.set(this.#conv.subarray(0, this.#convLength));
        this.#conv = grown;
      }
      this.#convLength += r.processInto(this.#roomScratch.subarray(0, got), this.#conv.subarray(this.#convLength));
      if (got < need) break;
    }
    const n = Math.min(frameSamples, this.#convLength);
    out.set(this.#conv.subarray(0, n));
    this.#conv.copyWithin(0, n, this.#convLength);
    this.#convLength -= n;
    return out;
  }
}
