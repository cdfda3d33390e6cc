/**
 * Energy-based talker detection with hysteresis in level and in time, for the audio mixer.
 *
 * Levels are in dBov, the scale of RFC 6464 §3 (0 dBov is the overload point of a 16-bit
 * signal, so a full-scale square wave reads 0 and a full-scale sine about -3), floored at -127
 * like the RFC 6464 audio-level field.
 *
 * @packageDocumentation
 */

/** Lowest level reported (digital silence), dBov (RFC 6464 §3). */
export const SILENCE_DBOV = -127;

/** RMS level of `samples[0 .. count)` in dBov, floored at {@link SILENCE_DBOV}. */
export function levelDbov(samples: Int16Array, count = samples.length): number {
  if (count <= 0) return SILENCE_DBOV;
  let acc = 0;
  for (let i = 0; i < count; i++) {
    const v = samples[i];
    acc += v * v;
  }
  if (acc === 0) return SILENCE_DBOV;
  const db = 10 * Math.log10(acc / count / (32768 * 32768));
  return db < SILENCE_DBOV ? SILENCE_DBOV : db;
}

/** Settings of a {@link TalkerDetector}. @internal */
export interface TalkerSettings {
  /** Start threshold, dBov. */
  readonly threshold: number;
  /** Stop threshold is `threshold - hysteresisDb`. */
  readonly hysteresisDb: number;
  /** Time above the start threshold before talking starts, ms. */
  readonly attackMs: number;
  /** Time below the stop threshold before talking stops, ms. */
  readonly releaseMs: number;
}

/**
 * Decides "talking" from one level per frame: starts after `attackMs` at or above the
 * threshold, stops after `releaseMs` below threshold minus hysteresis, so a voice that
 * dips between syllables, or hovers at the threshold, does not flap. @internal
 */
export class TalkerDetector {
  readonly #s: TalkerSettings;
  #talking = false;
  #runMs = 0;

  /** @param settings - thresholds and times */
  constructor(settings: TalkerSettings) {
    this.#s = settings;
  }

  /** Current decision. */
  get talking(): boolean {
    return this.#talking;
  }

  /** Feed one frame's level; returns true when the decision changed. */
  update(level: number, frameMs: number): boolean {
    const s = this.#s;
    if (!this.#talking) {
      this.#runMs = level >= s.threshold ? this.#runMs + frameMs : 0;
      if (this.#runMs >= s.attackMs) {
        this.#talking = true;
        this.#runMs = 0;
        return true;
      }
      return false;
    }
    this.#runMs = level < s.threshold - s.hysteresisDb ? this.#runMs + frameMs : 0;
    if (this.#runMs >= s.releaseMs) {
      this.#talking = false;
      this.#runMs = 0;
      return true;
    }
    return false;
  }

  /** Forget the state (participant left). */
  reset(): void {
    this.#talking = false;
    this.#runMs = 0;
  }
}
