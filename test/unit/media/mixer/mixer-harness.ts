/** Test harness for the audio mixer: tone generators and a lock-step driver. */
import type { AudioMixer, MixerParticipant } from '../../../../src/media/index.js';

/** A continuous sine (or constant, when freq is 0) generator at a given rate, phase in cycles. */
export class Tone {
  #t = 0;
  constructor(
    readonly freq: number,
    readonly rate: number,
    readonly amplitude = 6000,
    readonly phase = 0,
  ) {}
  /** Value of sample index i of this stream. */
  at(i: number): number {
    return Math.round(this.amplitude * Math.cos(2 * Math.PI * (this.freq * (i / this.rate) + this.phase))) + 0; // no -0
  }
  /** The next `n` samples. */
  next(n: number): Int16Array {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = this.at(this.#t + i);
    this.#t += n;
    return out;
  }
}

/** One participant of a lock-step run: what it says, at which rate it writes and reads. */
export interface Party {
  readonly p: MixerParticipant;
  readonly tone: Tone | undefined;
  readonly inRate: number;
  readonly outRate: number;
  /** Everything read from its source. */
  readonly heard: number[];
}

/** Make a party. */
export function party(p: MixerParticipant, tone: Tone | undefined, inRate = 8000, outRate = inRate): Party {
  return { p, tone, inRate, outRate, heard: [] };
}

/**
 * Run `ticks` lock-step ticks of 20 ms: every party writes one frame, the mixer mixes once,
 * every party reads one frame. `each(tick)` runs before each tick (joins, leaves, changes).
 */
export function run(mixer: AudioMixer, parties: () => readonly Party[], ticks: number, each?: (tick: number) => void): void {
  for (let t = 0; t < ticks; t++) {
    each?.(t);
    const ps = parties();
    for (const q of ps) if (q.tone) q.p.sink.write(q.tone.next(q.inRate / 50), q.inRate);
    mixer.mixOnce();
    for (const q of ps) {
      const f = q.p.source.read(q.outRate / 50, q.outRate);
      if (f) for (const v of f) q.heard.push(v);
    }
  }
}

/** Largest absolute difference between consecutive samples of `xs[from .. to)`. */
export function maxStep(xs: ArrayLike<number>, from = 1, to = xs.length): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(xs[i] - xs[i - 1]));
  return m;
}

/** Largest possible sample-to-sample step of a sine: 2A sin(pi f / fs). */
export function sineStep(amplitude: number, freq: number, rate: number): number {
  return 2 * amplitude * Math.sin((Math.PI * freq) / rate);
}
