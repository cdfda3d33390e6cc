/**
 * Three or more sessions (or a conference room): an `AudioMixer` from the media engine decodes
 * every participant, mixes at the room clock, and plays each participant the mix of everyone but
 * itself (mix-minus). Each session records into its mixer participant's sink and plays its
 * participant's source; the session's own pacer sends it.
 *
 * @module
 * @internal
 */
import createDebug from 'debug';
import { AudioMixer } from '../media/index.js';
import type { MixerParticipant } from '../media/index.js';
import type { RecordingHandle } from '../session/index.js';
import type { BridgeLeg } from './bridge-leg.js';

const debug = createDebug('sipline:advanced');

interface Attached {
  readonly participant: MixerParticipant;
  readonly recording: RecordingHandle;
  readonly playing: Promise<void>;
}

/** The mixer of one bridge. @internal */
export class MixRoute {
  /** The room clock. */
  readonly sampleRate: 8000 | 16000;
  readonly #mixer: AudioMixer;
  readonly #attached = new Map<BridgeLeg, Attached>();
  #stopped = false;

  /**
   * Start a mixer.
   * @param sampleRate - the room clock
   * @param onTalking - called when a participant starts or stops talking
   * @param talkerThreshold - dBov above which a participant is talking
   */
  constructor(sampleRate: 8000 | 16000, onTalking: (id: string, talking: boolean) => void, talkerThreshold?: number) {
    this.sampleRate = sampleRate;
    this.#mixer = new AudioMixer({ sampleRate, ...(talkerThreshold === undefined ? {} : { talkerThreshold }) });
    this.#mixer.on('talking', (id, talking) => onTalking(id, talking));
    this.#mixer.start();
  }

  /** True when `leg` is mixed. */
  has(leg: BridgeLeg): boolean {
    return this.#attached.has(leg);
  }

  /** The mixer participant of `leg` (talking, level), when mixed. */
  participant(leg: BridgeLeg): MixerParticipant | undefined {
    return this.#attached.get(leg)?.participant;
  }

  /** Mixer statistics (ticks, late ticks). */
  get stats(): AudioMixer['stats'] {
    return this.#mixer.stats;
  }

  /**
   * Mix `leg`: its received audio goes into the mix, it hears everyone else.
   * @returns false when the session's media is gone (it is ending)
   */
  add(leg: BridgeLeg): boolean {
    if (this.#stopped || this.#attached.has(leg)) return !this.#stopped;
    const participant = this.#mixer.addParticipant(leg.id, { gain: leg.gain, muted: leg.muted });
    let recording: RecordingHandle;
    try {
      recording = leg.engine.record(participant.sink);
    } catch (err) {
      debug('%s cannot be mixed: %O', leg.id, err);
      this.#mixer.removeParticipant(leg.id);
      return false;
    }
    const playing = leg.engine.play(participant.source).catch((err: unknown) => debug('%s: mix playback ended: %O', leg.id, err));
    this.#attached.set(leg, { participant, recording, playing });
    return true;
  }

  /** Apply `leg.muted` and `leg.gain` to its participant. */
  update(leg: BridgeLeg): void {
    const p = this.#attached.get(leg)?.participant;
    if (p === undefined) return;
    p.muted = leg.muted;
    p.gain = leg.gain;
  }

  /** Stop mixing `leg`: it stops hearing the room (silence) and the room stops hearing it. */
  remove(leg: BridgeLeg): void {
    const a = this.#attached.get(leg);
    if (a === undefined) return;
    this.#attached.delete(leg);
    a.recording.stop().catch((err: unknown) => debug('%s: stopping the mix input failed: %O', leg.id, err));
    if (!leg.ending) leg.engine.stopPlayback();
    this.#mixer.removeParticipant(leg.id);
  }

  /** Stop mixing everyone and stop the mixer. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    for (const leg of [...this.#attached.keys()]) this.remove(leg);
    this.#stopped = true;
    this.#mixer.stop();
    this.#mixer.removeAllListeners();
  }
}
