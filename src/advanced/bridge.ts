/**
 * `Bridge`: sessions that hear each other. Two sessions are relayed (RTP passed on without
 * decoding when both use the same codec, transcoded when not, DTMF forwarded); three or more are
 * mixed by the media engine's audio mixer, each hearing everyone but itself. The bridge switches
 * between the two as sessions come and go.
 *
 * @module
 */
import createDebug from 'debug';
import { engineSessionOf } from '../api/index.js';
import type { CallSession, SessionManager } from '../api/index.js';
import type { SessionStateChange } from '../session/index.js';
import { InvalidArgumentError, InvalidStateError, TypedEmitter, randomToken } from '../util/index.js';
import { BridgeLeg } from './bridge-leg.js';
import type { BridgeActivity, BridgeAddOptions, BridgeCounters, BridgeEvents, BridgeLeaveReason, BridgeOptions, BridgeState } from './bridge-types.js';
import { BridgeMediaError, SessionAlreadyBridgedError } from './errors.js';
import { MixRoute } from './mix-route.js';
import { PairRelay } from './pair-relay.js';

const debug = createDebug('sipline:advanced');

/** Which bridge each engine session is in (a session is in at most one). */
const membership = new WeakMap<object, Bridge>();

/** The live bridges of each manager: one `close` listener per manager destroys them all. */
const bridgesOf = new WeakMap<SessionManager, Set<Bridge>>();

function track(manager: SessionManager, bridge: Bridge): void {
  let set = bridgesOf.get(manager);
  if (set === undefined) {
    const bridges = new Set<Bridge>();
    set = bridges;
    bridgesOf.set(manager, bridges);
    manager.on('close', () => {
      for (const b of [...bridges]) b.destroy();
    });
  }
  set.add(bridge);
}

/** The bridge `session` is in, if any. */
export function bridgeOf(session: CallSession): Bridge | undefined {
  const engine = engineSessionOf(session);
  return engine === undefined ? undefined : membership.get(engine);
}

interface LegHooks {
  readonly onState: (change: SessionStateChange) => void;
  readonly offRunning: () => void;
}

/**
 * Sessions joined so that they hear each other. Create one with {@link createBridge}.
 *
 * @example
 * ```ts
 * import { createBridge } from 'sipline/advanced';
 *
 * const bridge = createBridge(manager, { destroyWhenEmpty: true });
 * bridge.add(alice);   // a CallSession
 * bridge.add(bob);     // alice and bob hear each other
 * bridge.on('session-removed', (s, reason) => console.log(s.id, 'left:', reason));
 * ```
 */
export class Bridge extends TypedEmitter<BridgeEvents> {
  /** Id of the bridge. */
  readonly id: string;
  readonly #options: BridgeOptions;
  readonly #legs = new Map<CallSession, BridgeLeg>();
  readonly #hooks = new Map<BridgeLeg, LegHooks>();
  readonly #counters: BridgeCounters = { relayedPackets: 0, transcodedPackets: 0, dtmfForwarded: 0, mixerStarts: 0 };
  #state: BridgeState = 'idle';
  #pair: PairRelay | undefined;
  #mix: MixRoute | undefined;
  #updating = false;
  readonly #manager: SessionManager;

  /** Use {@link createBridge}. @internal */
  constructor(manager: SessionManager, options: BridgeOptions = {}) {
    super();
    if (options.sampleRate !== undefined && options.sampleRate !== 8000 && options.sampleRate !== 16000) {
      throw new InvalidArgumentError('sampleRate', 'must be 8000 or 16000');
    }
    if (options.mode !== undefined && options.mode !== 'auto' && options.mode !== 'mix') {
      throw new InvalidArgumentError('mode', "must be 'auto' or 'mix'");
    }
    this.id = options.id ?? `bridge-${randomToken(8)}`;
    this.#options = options;
    this.#manager = manager;
    this.setListenerErrorHandler((err, event) => debug('%s: a %s listener threw: %O', this.id, event, err));
    track(manager, this);
  }

  /** What the bridge does now (see {@link BridgeState}). */
  get state(): BridgeState {
    return this.#state;
  }

  /** True once destroyed. */
  get destroyed(): boolean {
    return this.#state === 'destroyed';
  }

  /** The sessions in the bridge, in the order they joined. */
  get sessions(): readonly CallSession[] {
    return [...this.#legs.keys()];
  }

  /** Counters: packets relayed and transcoded, DTMF digits forwarded, mixer starts. */
  get counters(): Readonly<BridgeCounters> {
    return { ...this.#counters };
  }

  /** True when `session` is in this bridge. */
  has(session: CallSession): boolean {
    return this.#legs.has(session);
  }

  /**
   * Add a session. It hears the others (and they hear it) as soon as its media runs: a session
   * still ringing is added at once and heard once answered. Adding a session already in this
   * bridge does nothing.
   *
   * @throws InvalidStateError when the bridge is destroyed or the session is ending or ended
   * @throws SessionAlreadyBridgedError (code `ERR_SESSION_ALREADY_BRIDGED`) when it is in another bridge
   * @throws BridgeMediaError when the session's media cannot be reached
   * @throws InvalidArgumentError for a gain outside 0-16
   */
  add(session: CallSession, options: BridgeAddOptions = {}): void {
    if (this.destroyed) throw new InvalidStateError(`bridge ${this.id} is destroyed`);
    if (this.#legs.has(session)) return;
    checkGain(options.gain);
    const engine = engineSessionOf(session);
    if (engine === undefined) throw new BridgeMediaError(`session ${String(session?.id)} is not a session of a sipline SessionManager`);
    const other = membership.get(engine);
    if (other !== undefined) throw new SessionAlreadyBridgedError(session.id, other.id);
    const leg = new BridgeLeg(session, engine, options);
    if (leg.ending) throw new InvalidStateError(`session ${session.id} has ended`);
    const tap = leg.tap;
    if (tap === undefined) throw new BridgeMediaError(`session ${session.id} has no media`);
    membership.set(engine, this);
    this.#legs.set(session, leg);
    const onState = (change: SessionStateChange): void => {
      if (change.to === 'terminating' || change.to === 'terminated') this.#remove(session, 'ended');
    };
    session.on('state', onState);
    const onRunning = (): void => this.#update();
    // A codec changed by a re-INVITE: relay or transcode anew.
    const onCodec = (): void => {
      if (this.#pair === undefined || !this.#legs.has(session)) return;
      this.#pair.stop();
      this.#pair = undefined;
      this.#update();
    };
    tap.on('running', onRunning);
    tap.on('codec', onCodec);
    this.#hooks.set(leg, { onState, offRunning: () => { tap.off('running', onRunning); tap.off('codec', onCodec); } });
    debug('%s: + %s (%d)', this.id, session.id, this.#legs.size);
    this.safeEmit('session-added', session);
    this.#update();
  }

  /**
   * Take a session out: it stops hearing the others (it hears silence) and stays up. Returns
   * false when it was not in the bridge.
   */
  remove(session: CallSession): boolean {
    return this.#remove(session, 'removed');
  }

  /**
   * Mute or unmute what `session` contributes (the others stop hearing it).
   * @throws InvalidArgumentError when the session is not in the bridge
   */
  setMuted(session: CallSession, muted: boolean): void {
    const leg = this.#leg(session);
    leg.muted = muted;
    this.#mix?.update(leg);
  }

  /**
   * Gain of what `session` contributes (linear; 1 = unchanged, 0.5 = -6 dB). A gain other than 1
   * between two sessions makes the bridge transcode instead of relaying.
   * @throws InvalidArgumentError when the session is not in the bridge or the gain is outside 0-16
   */
  setGain(session: CallSession, gain: number): void {
    checkGain(gain);
    const leg = this.#leg(session);
    const before = leg.gain;
    leg.gain = gain;
    this.#mix?.update(leg);
    if (this.#pair !== undefined && (before === 1) !== (gain === 1)) {
      this.#pair.stop();
      this.#pair = undefined;
      this.#update();
    }
  }

  /** Whether `session` is muted in this bridge. */
  isMuted(session: CallSession): boolean {
    return this.#leg(session).muted;
  }

  /** The gain of `session` in this bridge. */
  gainOf(session: CallSession): number {
    return this.#leg(session).gain;
  }

  /** When `session` joined, ms since the Unix epoch. */
  joinedAt(session: CallSession): number {
    return this.#leg(session).joinedAt;
  }

  /** While mixing: whether `session` talks now, and its last input level in dBov. */
  activity(session: CallSession): BridgeActivity | undefined {
    const p = this.#mix?.participant(this.#leg(session));
    return p === undefined ? undefined : { talking: p.talking, level: p.level };
  }

  /**
   * Take every session out (they stay up), stop relaying or mixing, and emit `destroyed`.
   * Idempotent.
   */
  destroy(): void {
    if (this.destroyed) return;
    for (const session of [...this.#legs.keys()]) this.#remove(session, 'destroyed', false);
    this.#pair?.stop();
    this.#pair = undefined;
    this.#mix?.stop();
    this.#mix = undefined;
    bridgesOf.get(this.#manager)?.delete(this);
    this.#setState('destroyed');
    this.safeEmit('destroyed');
  }

  /** Remove a session and tell why (conference rooms: `kicked`). @internal */
  removeWithReason(session: CallSession, reason: BridgeLeaveReason): boolean {
    return this.#remove(session, reason);
  }

  #leg(session: CallSession): BridgeLeg {
    const leg = this.#legs.get(session);
    if (leg === undefined) throw new InvalidArgumentError('session', `is not in bridge ${this.id}`);
    return leg;
  }

  #remove(session: CallSession, reason: BridgeLeaveReason, update = true): boolean {
    const leg = this.#legs.get(session);
    if (leg === undefined) return false;
    this.#legs.delete(session);
    membership.delete(leg.engine);
    const hooks = this.#hooks.get(leg);
    this.#hooks.delete(leg);
    if (hooks !== undefined) {
      session.off('state', hooks.onState);
      hooks.offRunning();
    }
    if (this.#pair !== undefined) {
      this.#pair.stop();
      this.#pair = undefined;
    }
    this.#mix?.remove(leg);
    debug('%s: - %s (%s, %d left)', this.id, session.id, reason, this.#legs.size);
    this.safeEmit('session-removed', session, reason);
    if (!update) return true;
    if (this.#legs.size === 0 && this.#options.destroyWhenEmpty === true) this.destroy();
    else this.#update();
    return true;
  }

  /** Make relaying or mixing match the current sessions. */
  #update(): void {
    if (this.destroyed || this.#updating) return;
    this.#updating = true;
    try {
      this.#apply();
    } finally {
      this.#updating = false;
    }
  }

  #apply(): void {
    const legs = [...this.#legs.values()];
    const mixAlways = this.#options.mode === 'mix';
    if (legs.length >= 3 || (mixAlways && legs.length > 0)) {
      this.#pair?.stop();
      this.#pair = undefined;
      const mix = this.#mix ?? this.#startMix(legs);
      for (const leg of legs) if (!mix.has(leg)) mix.add(leg);
      this.#setState('mixing');
      return;
    }
    this.#mix?.stop();
    this.#mix = undefined;
    if (legs.length < 2) {
      this.#pair?.stop();
      this.#pair = undefined;
      this.#setState('idle');
      return;
    }
    const [a, b] = legs as [BridgeLeg, BridgeLeg];
    if (this.#pair !== undefined && this.#pair.joins(a, b)) return;
    this.#pair?.stop();
    this.#pair = undefined;
    if (a.codec === undefined || b.codec === undefined) {
      this.#setState('waiting');
      return;
    }
    this.#pair = new PairRelay(a, b, this.#counters);
    this.#setState(this.#pair.mode);
  }

  #startMix(legs: readonly BridgeLeg[]): MixRoute {
    const rate = this.#options.sampleRate ?? (legs.some((l) => l.codec?.sampleRate === 16000) ? 16000 : 8000);
    const mix = new MixRoute(rate, (id, talking) => {
      const leg = [...this.#legs.values()].find((l) => l.id === id);
      if (leg !== undefined) this.safeEmit('talking', leg.session, talking);
    }, this.#options.talkerThreshold);
    this.#mix = mix;
    this.#counters.mixerStarts++;
    return mix;
  }

  #setState(state: BridgeState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    debug('%s: %s -> %s', this.id, previous, state);
    this.safeEmit('state', state, previous);
  }
}

function checkGain(gain: number | undefined): void {
  if (gain !== undefined && !(typeof gain === 'number' && gain >= 0 && gain <= 16)) {
    throw new InvalidArgumentError('gain', 'must be a number from 0 to 16');
  }
}

/**
 * Create a bridge for sessions of `manager`. It is destroyed with the manager's `close()` (the
 * sessions end then anyway), by {@link Bridge.destroy}, or, with `destroyWhenEmpty`, when its last
 * session leaves.
 *
 * @param manager - the manager whose sessions are bridged
 * @param options - id, `destroyWhenEmpty`, mixing options
 * @throws InvalidArgumentError for a bad option
 *
 * @example
 * ```ts
 * const bridge = createBridge(manager);
 * const [a, b] = await Promise.all([manager.makeCall(alice), manager.makeCall(bob)]);
 * bridge.add(a);
 * bridge.add(b);         // relayed as soon as both answer
 * ```
 */
export function createBridge(manager: SessionManager, options: BridgeOptions = {}): Bridge {
  return new Bridge(manager, options);
}
