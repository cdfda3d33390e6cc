/**
 * The conference audio mixer: N participants at any sample rate, mixed at the room clock
 * (8 or 16 kHz), each participant receiving the mix of everyone but itself (mix-minus).
 *
 * Every tick (its own {@link FramePacer}, or {@link AudioMixer.mixOnce}) the mixer takes one
 * frame from each participant's input queue, adds every contribution (gain, mute and one-frame
 * fades applied) into a 32-bit sum, and queues for each participant that sum minus its own
 * contribution, saturated to 16 bits. Joining fades in and leaving fades out over one frame, so
 * the others hear no click, and nobody else's queue, resampler or phase is touched. All buffers
 * are allocated when a participant joins; a tick allocates nothing.
 *
 * @packageDocumentation
 */
import createDebug from 'debug';
import { InvalidArgumentError, InvalidStateError, systemClock, TypedEmitter } from '../../util/index.js';
import type { Clock } from '../../util/index.js';
import { FramePacer } from '../audio/pacer.js';
import { MixerLane } from './mixer-lane.js';
import type { LaneGeometry } from './mixer-lane.js';
import type {
  AudioMixerEvents, AudioMixerOptions, AudioMixerStats, MixerParticipant, MixerParticipantOptions,
} from './mixer-types.js';

const debug = createDebug('sipline:media');

const EMPTY: readonly MixerLane[] = Object.freeze([]);

/**
 * Mix-minus conference mixer.
 *
 * @example
 * ```ts
 * const mixer = new AudioMixer({ sampleRate: 8000 });
 * const alice = mixer.addParticipant('alice');
 * aliceSession.addSink(alice.sink);      // what alice says goes in
 * aliceSession.play(alice.source);       // alice hears everyone else
 * mixer.on('talking', (id, on) => console.log(id, on));
 * mixer.start();
 * ```
 */
export class AudioMixer extends TypedEmitter<AudioMixerEvents> {
  /** The room clock, Hz. */
  readonly sampleRate: 8000 | 16000;
  /** Mixing interval, ms. */
  readonly frameMs: number;
  /** Samples per frame at the room clock. */
  readonly frameSamples: number;
  readonly #geometry: LaneGeometry;
  readonly #clock: Clock;
  readonly #lateThresholdMs: number;
  readonly #total: Int32Array;
  readonly #scratch: Int16Array;
  #lanes: readonly MixerLane[] = EMPTY;
  readonly #byId = new Map<string, MixerLane>();
  /** Removed lanes still fading out (one tick). */
  #leaving: MixerLane[] = [];
  readonly #changed: MixerLane[] = [];
  #pacer: FramePacer | undefined;
  #startedAt = 0;
  #skippedSeen = 0;
  #ticks = 0;
  #lateTicks = 0;
  #maxLateMs = 0;
  #skipped = 0;
  #closed = false;

  /** @throws InvalidArgumentError for a room rate other than 8000 or 16000, or a bad option */
  constructor(options: AudioMixerOptions) {
    super();
    const rate = options.sampleRate;
    if (rate !== 8000 && rate !== 16000) throw new InvalidArgumentError('sampleRate', `must be 8000 or 16000, got ${String(rate)}`);
    const frameMs = options.frameMs ?? 20;
    if (!(frameMs >= 5 && frameMs <= 100) || !Number.isInteger((rate * frameMs) / 1000)) {
      throw new InvalidArgumentError('frameMs', `must be 5..100 ms and a whole number of samples, got ${String(frameMs)}`);
    }
    const threshold = options.talkerThreshold ?? -40;
    if (!(threshold <= 0 && threshold >= -127)) throw new InvalidArgumentError('talkerThreshold', 'must be in [-127, 0] dBov');
    const hysteresisDb = options.talkerHysteresisDb ?? 6;
    const attackMs = options.talkerAttackMs ?? 40;
    const releaseMs = options.talkerReleaseMs ?? 400;
    if (!(hysteresisDb >= 0)) throw new InvalidArgumentError('talkerHysteresisDb', 'must be >= 0');
    if (!(attackMs >= 0) || !(releaseMs >= 0)) throw new InvalidArgumentError('talkerAttackMs', 'attack and release must be >= 0');
    const bufferMs = options.bufferMs ?? frameMs;
    const maxBufferMs = options.maxBufferMs ?? 200;
    if (!(bufferMs >= 0)) throw new InvalidArgumentError('bufferMs', 'must be >= 0');
    if (!(maxBufferMs >= frameMs + bufferMs)) throw new InvalidArgumentError('maxBufferMs', 'must hold at least a frame plus bufferMs');
    this.sampleRate = rate;
    this.frameMs = frameMs;
    this.frameSamples = (rate * frameMs) / 1000;
    this.#clock = options.clock ?? systemClock;
    this.#lateThresholdMs = options.lateThresholdMs ?? frameMs / 2;
    this.#geometry = Object.freeze({
      sampleRate: rate,
      frameSamples: this.frameSamples,
      frameMs,
      targetSamples: Math.round((rate * (frameMs + bufferMs)) / 1000),
      capacitySamples: Math.round((rate * maxBufferMs) / 1000),
      talker: Object.freeze({ threshold, hysteresisDb, attackMs, releaseMs }),
    });
    this.#total = new Int32Array(this.frameSamples);
    this.#scratch = new Int16Array(this.frameSamples);
    this.setListenerErrorHandler((err, event) => debug('mixer %s listener threw: %O', event, err));
  }

  /** The participants, in joining order (a fresh snapshot after each join or leave). */
  get participants(): readonly MixerParticipant[] {
    return this.#lanes;
  }

  /** The participant with this id, if present. */
  participant(id: string): MixerParticipant | undefined {
    return this.#byId.get(id);
  }

  /** Tick counters (a snapshot). */
  get stats(): AudioMixerStats {
    return { ticks: this.#ticks, lateTicks: this.#lateTicks, maxLateMs: this.#maxLateMs, skippedTicks: this.#skipped };
  }

  /** Whether the own tick is running. */
  get running(): boolean {
    return this.#pacer !== undefined;
  }

  /**
   * Add a participant; its voice fades into the others' mix over the first frame.
   * @throws InvalidArgumentError for a duplicate or empty id or a gain outside 0..16
   * @throws InvalidStateError after {@link AudioMixer.close}
   */
  addParticipant(id: string, options: MixerParticipantOptions = {}): MixerParticipant {
    if (this.#closed) throw new InvalidStateError('AudioMixer is closed');
    if (typeof id !== 'string' || id.length === 0) throw new InvalidArgumentError('id', 'must be a non-empty string');
    if (this.#byId.has(id)) throw new InvalidArgumentError('id', `participant ${id} is already in the mixer`);
    const lane = new MixerLane(id, this.#geometry, options.gain ?? 1, options.muted === true);
    this.#byId.set(id, lane);
    this.#lanes = Object.freeze([...this.#lanes, lane]);
    debug('mixer: %s joined (%d participants)', id, this.#lanes.length);
    return lane;
  }

  /**
   * Remove a participant: its voice fades out of the others' mix over the next frame, its
   * source ends (reads return null), its sink ignores further writes. Unknown ids are ignored.
   */
  removeParticipant(id: string): void {
    const lane = this.#byId.get(id);
    if (lane === undefined) return;
    this.#byId.delete(id);
    this.#lanes = Object.freeze(this.#lanes.filter((l) => l !== lane));
    const wasTalking = lane.talking;
    lane.leave();
    if (lane.fading) this.#leaving.push(lane);
    debug('mixer: %s left (%d participants)', id, this.#lanes.length);
    if (wasTalking) this.safeEmit('talking', id, false);
  }

  /**
   * Start the own tick: one {@link AudioMixer.mixOnce} every `frameMs` on the clock.
   * @throws InvalidStateError when running or closed
   */
  start(): void {
    if (this.#closed) throw new InvalidStateError('AudioMixer is closed');
    if (this.#pacer !== undefined) throw new InvalidStateError('AudioMixer is already running');
    const pacer = new FramePacer({ intervalMs: this.frameMs, clock: this.#clock });
    this.#pacer = pacer;
    this.#skippedSeen = 0;
    pacer.start((n) => this.#onTick(pacer, n));
    this.#startedAt = this.#clock.now();
  }

  /** Stop the own tick. Safe to call when not running. */
  stop(): void {
    this.#pacer?.stop();
    this.#pacer = undefined;
  }

  /** Stop and remove every participant (their sources end). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.stop();
    for (const lane of this.#lanes) this.removeParticipant(lane.id);
    this.#leaving = [];
    this.#closed = true;
  }

  /** One tick: pull one frame per input, push the mix-minus frame to every output. */
  mixOnce(): void {
    const total = this.#total;
    total.fill(0);
    const lanes = this.#lanes;
    const changed = this.#changed;
    for (let k = 0; k < lanes.length; k++) {
      if (lanes[k].contribute(total)) changed.push(lanes[k]);
    }
    if (this.#leaving.length > 0) {
      for (const lane of this.#leaving) lane.contribute(total);
      this.#leaving = [];
    }
    const scratch = this.#scratch;
    for (let k = 0; k < lanes.length; k++) lanes[k].emit(total, scratch);
    this.#ticks++;
    if (changed.length > 0) {
      for (const lane of changed) this.safeEmit('talking', lane.id, lane.talking);
      changed.length = 0;
    }
  }

  #onTick(pacer: FramePacer, n: number): void {
    // Slot n is due at start + (n + 1) * frameMs (the first tick comes one interval after start).
    const late = this.#clock.now() - (this.#startedAt + (n + 1) * this.frameMs);
    if (late > this.#maxLateMs) this.#maxLateMs = late;
    const skipped = pacer.skipped - this.#skippedSeen;
    if (skipped > 0) {
      this.#skippedSeen = pacer.skipped;
      this.#skipped += skipped;
      this.#lateTicks += skipped;
    }
    if (late > this.#lateThresholdMs || skipped > 0) {
      if (late > this.#lateThresholdMs) this.#lateTicks++;
      this.safeEmit('late-frame', late);
    }
    this.mixOnce();
  }
}
