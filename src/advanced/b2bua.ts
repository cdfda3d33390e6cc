/**
 * `B2bua`: a back-to-back user agent helper (RFC 3261 §6 "back-to-back user agent"). Each
 * incoming call (the A-leg) is answered only when an outgoing call to a target (the B-leg) is:
 * the B-leg's provisional responses (180, 183) are relayed to the A-leg, its failure status
 * (e.g. 486 Busy Here) becomes the A-leg's final response, its answer answers the A-leg and
 * bridges the two; the end of either leg ends the other (configurable).
 *
 * @module
 */
import createDebug from 'debug';
import { engineSessionOf } from '../api/index.js';
import type { CallHandler, CallSession, ExtraHeaders, IncomingCall, MakeCallOptions, SessionManager } from '../api/index.js';
import { CallFailedError, SUPPORTED_CODECS } from '../session/index.js';
import type { CodecName, SessionStateChange } from '../session/index.js';
import { InvalidArgumentError, TypedEmitter } from '../util/index.js';
import { createBridge } from './bridge.js';
import { relayEarlyMedia } from './early-media-relay.js';
import type { EarlyMediaRelay } from './early-media-relay.js';
import type { Bridge } from './bridge.js';
import type { B2buaCall, B2buaCallState, B2buaEvents, B2buaOptions } from './b2bua-types.js';
import { LEG_TRANSITIONS, LegSequence } from './primitives/index.js';
import type { LegState } from './primitives/index.js';

const debug = createDebug('sipline:advanced');

const ENDING = new Set(['terminating', 'terminated']);
const isEnding = (s: CallSession): boolean => ENDING.has(s.state);

/** The final status for the A-leg when the B-leg ended unanswered. */
function statusFor(err: unknown): number {
  if (err instanceof CallFailedError) {
    if (err.status !== undefined && err.status >= 300 && err.status <= 699) return err.status;
    switch (err.reason) {
      case 'timeout': case 'no-answer': return 408;
      case 'overloaded': case 'unavailable': case 'transport-error': return 503;
      case 'not-found': return 404;
      case 'busy': return 486;
      case 'declined': return 603;
      default: return 480;
    }
  }
  return 500;
}

/** One A-leg / B-leg pair. */
class Pair implements B2buaCall {
  readonly aLeg: CallSession;
  bLeg: CallSession | undefined;
  target: string | undefined;
  state: B2buaCallState = 'routing';
  failureStatus: number | undefined;
  bridge: Bridge | undefined;
  readonly done: Promise<void>;
  readonly legs: LegSequence<CallSession>;
  #resolveDone!: () => void;

  constructor(aLeg: CallSession) {
    this.aLeg = aLeg;
    this.legs = new LegSequence<CallSession>({ aLeg: aLeg.id, data: aLeg, onListenerError: (err) => debug('leg listener threw: %O', err) });
    this.done = new Promise((r) => { this.#resolveDone = r; });
  }

  /** Move a leg of {@link Pair.legs} when the move is allowed (a late event is ignored). */
  move(leg: CallSession | undefined, to: LegState, reason?: string): void {
    if (leg === undefined) return;
    const current = this.legs.get(leg.id);
    if (current === undefined || !(LEG_TRANSITIONS.get(current.state)?.has(to) ?? false)) return;
    this.legs.setState(leg.id, to, reason);
  }

  get id(): string {
    return this.aLeg.id;
  }

  async hangup(): Promise<void> {
    const legs = [this.aLeg, this.bLeg].filter((s): s is CallSession => s !== undefined && !isEnding(s));
    await Promise.all(legs.map((s) => s.hangup().catch(() => undefined)));
  }

  settle(): void {
    this.#resolveDone();
  }
}

/**
 * Routes incoming calls to targets, back to back. Create one with {@link createB2bua}.
 *
 * @example
 * ```ts
 * import { createB2bua } from 'sipline/advanced';
 *
 * const b2bua = createB2bua(manager, {
 *   target: (call) => call.callee.uri.replace(/@.*$/, '@pbx.example.com'),
 * });
 * b2bua.on('failed', (call, status) => console.log(call.id, 'B-leg failed with', status));
 * ```
 */
export class B2bua extends TypedEmitter<B2buaEvents> {
  readonly #manager: SessionManager;
  readonly #options: B2buaOptions;
  readonly #calls = new Map<string, Pair>();
  #closed = false;

  /** Use {@link createB2bua}. @internal */
  constructor(manager: SessionManager, options: B2buaOptions) {
    super();
    if (options === null || typeof options !== 'object' || (typeof options.target !== 'string' && typeof options.target !== 'function')) {
      throw new InvalidArgumentError('target', 'must be a SIP URI or a function returning one');
    }
    if (typeof options.target === 'string' && !/^sips?:\S+$/i.test(options.target)) {
      throw new InvalidArgumentError('target', 'must be a sip: or sips: URI');
    }
    if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
      throw new InvalidArgumentError('timeoutMs', 'must be a positive number of milliseconds');
    }
    this.#manager = manager;
    this.#options = options;
    this.setListenerErrorHandler((err, event) => debug('b2bua: a %s listener threw: %O', event, err));
    if (options.install !== false) manager.setCallHandler(this.handler);
  }

  /** The pairs not yet ended. */
  get calls(): readonly B2buaCall[] {
    return [...this.#calls.values()];
  }

  /**
   * A call handler that routes every incoming call through this B2BUA (installed on the manager
   * unless `install: false`; combine it with your own handler otherwise).
   */
  get handler(): CallHandler {
    return { onIncomingCall: (call) => { void this.handle(call); } };
  }

  /**
   * Route one incoming call: place the B-leg, relay its progress and final status, answer and
   * bridge on its answer. Resolves with the pair once routed (bridged, failed or ended); never
   * rejects.
   */
  async handle(call: IncomingCall): Promise<B2buaCall> {
    const pair = new Pair(call.session);
    this.#calls.set(pair.id, pair);
    this.safeEmit('call', pair);
    try {
      await this.#route(call, pair);
    } catch (err) {
      debug('%s: routing failed: %O', pair.id, err);
      await this.#fail(call, pair, 500, err);
    }
    this.#watchEnd(pair);
    return pair;
  }

  /** Stop routing new calls (they get 503) and hang up every pair. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#calls.values()].map((p) => p.hangup()));
  }

  async #route(call: IncomingCall, pair: Pair): Promise<void> {
    if (this.#closed) return this.#fail(call, pair, 503, undefined);
    const target = typeof this.#options.target === 'string' ? this.#options.target : await this.#options.target(call);
    if (target === undefined) return this.#fail(call, pair, 404, undefined);
    pair.target = target;
    if (isEnding(pair.aLeg)) return this.#end(pair);
    let bLeg: CallSession;
    try {
      bLeg = await this.#manager.makeCall(target, this.#callOptions(call));
    } catch (err) {
      return this.#fail(call, pair, statusFor(err), err);
    }
    pair.bLeg = bLeg;
    pair.legs.addB(bLeg.id, bLeg);
    pair.move(bLeg, 'trying');
    pair.state = 'ringing';
    // The caller gives up (CANCEL) while the B-leg rings: cancel the B-leg.
    const onA = (change: SessionStateChange): void => {
      if (ENDING.has(change.to) && !isEnding(bLeg)) bLeg.hangup().catch(() => undefined);
    };
    pair.aLeg.on('state', onA);
    const stopProgress = this.#relayProgress(pair, bLeg, call);
    try {
      await bLeg.answered();
    } catch (err) {
      pair.aLeg.off('state', onA);
      await stopProgress();
      pair.move(bLeg, isEnding(pair.aLeg) ? 'cancelled' : 'failed', err instanceof CallFailedError ? err.reason : 'error');
      return this.#fail(call, pair, statusFor(err), err);
    }
    pair.move(bLeg, 'active');
    pair.aLeg.off('state', onA);
    await stopProgress();
    if (isEnding(pair.aLeg) || call.decision !== 'pending') {
      await bLeg.hangup().catch(() => undefined);
      return this.#end(pair);
    }
    try {
      await call.answer();
    } catch (err) {
      debug('%s: answering the A-leg failed: %O', pair.id, err);
      await bLeg.hangup().catch(() => undefined);
      return this.#end(pair);
    }
    const bridge = createBridge(this.#manager, { id: `b2bua-${pair.id}`, destroyWhenEmpty: true });
    pair.bridge = bridge;
    pair.move(pair.aLeg, 'active');
    bridge.add(pair.aLeg);
    bridge.add(bLeg);
    pair.state = 'bridged';
    this.safeEmit('bridged', pair);
  }

  #callOptions(call: IncomingCall): MakeCallOptions {
    const o = this.#options;
    const headers: ExtraHeaders | undefined = typeof o.headers === 'function' ? o.headers(call) : o.headers;
    const offered = (call.remoteMedia?.codecs ?? [])
      .map((c) => c.toUpperCase())
      .filter((c): c is CodecName => (SUPPORTED_CODECS as readonly string[]).includes(c));
    // The caller's codecs first (both legs can then agree and relay), then the others we can transcode.
    const codecs = o.codecs ?? (offered.length > 0 ? [...new Set([...offered, ...this.#manager.config.media.codecs])] : undefined);
    return {
      ...(o.keepCaller === false ? {} : { from: call.caller }),
      ...(headers === undefined ? {} : { headers }),
      ...(codecs === undefined ? {} : { codecs }),
      ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    };
  }

  /**
   * Relay the B-leg's 18x to the A-leg while both ring, and its early media (an 18x with SDP:
   * the A-leg gets a 183 with SDP and hears the B-leg). Returns the function that stops it.
   */
  #relayProgress(pair: Pair, bLeg: CallSession, call: IncomingCall): () => Promise<void> {
    const engineB = engineSessionOf(bLeg);
    const engineA = engineSessionOf(pair.aLeg);
    if (engineB === undefined) return async () => undefined;
    const relay = this.#options.relayProvisional !== false;
    let early: Promise<EarlyMediaRelay | undefined> | undefined;
    const onProgress = (status: number): void => {
      if (status < 180 || status > 199) return;
      pair.move(bLeg, 'early');
      this.safeEmit('progress', pair, status);
      if (!relay || engineA === undefined || engineA.decided || early !== undefined) return;
      engineA.ring(status).catch((err: unknown) => debug('%s: relaying %d failed: %O', pair.id, status, err));
    };
    const onEarlyMedia = (): void => {
      if (relay && early === undefined) early = relayEarlyMedia(call, bLeg);
    };
    engineB.on('progress', onProgress);
    bLeg.on('early-media', onEarlyMedia);
    return async () => {
      engineB.off('progress', onProgress);
      bLeg.off('early-media', onEarlyMedia);
      await (await early)?.stop();
    };
  }

  async #fail(call: IncomingCall, pair: Pair, status: number, error: unknown): Promise<void> {
    pair.state = 'failed';
    pair.failureStatus = status;
    pair.move(pair.aLeg, isEnding(pair.aLeg) ? 'cancelled' : 'failed', String(status));
    if (call.decision === 'pending' && !isEnding(pair.aLeg)) {
      await call.reject(status).catch((err: unknown) => debug('%s: rejecting with %d failed: %O', pair.id, status, err));
    }
    this.safeEmit('failed', pair, status, error);
  }

  #end(pair: Pair): void {
    if (pair.state !== 'failed') pair.state = 'ended';
    pair.move(pair.aLeg, 'cancelled');
  }

  /** Once routed: the end of one leg ends the other (endBoth), and the pair settles when both ended. */
  #watchEnd(pair: Pair): void {
    const legs = [pair.aLeg, pair.bLeg].filter((s): s is CallSession => s !== undefined);
    if (this.#options.endBoth !== false && pair.state === 'bridged') {
      for (const leg of legs) {
        const other = legs.find((l) => l !== leg);
        if (other === undefined) continue;
        leg.on('state', (change) => {
          if (ENDING.has(change.to) && !isEnding(other)) other.hangup().catch(() => undefined);
        });
      }
    }
    for (const leg of legs) void leg.ended().then((reason) => pair.move(leg, 'ended', reason));
    void Promise.all(legs.map((l) => l.ended())).then(() => {
      this.#calls.delete(pair.id);
      if (pair.state === 'bridged' || pair.state === 'ringing' || pair.state === 'routing') pair.state = 'ended';
      pair.settle();
      this.safeEmit('ended', pair);
    });
  }
}

/**
 * Create a B2BUA on `manager`: every incoming call is routed to `target` back to back (unless
 * `install: false`, then call `b2bua.handle(call)` yourself).
 *
 * @param manager - receives the A-legs and places the B-legs
 * @param options - the target (URI or function), `endBoth`, provisional relaying, From, headers, codecs
 * @throws InvalidArgumentError for a target that is neither a SIP URI nor a function
 *
 * @example
 * ```ts
 * // A transparent agent in front of a phone: callers reach it through us.
 * const b2bua = createB2bua(manager, { target: 'sip:desk@192.0.2.20:5060' });
 * b2bua.on('bridged', (call) => console.log(`${call.aLeg.remote.uri} <-> ${call.target}`));
 * ```
 */
export function createB2bua(manager: SessionManager, options: B2buaOptions): B2bua {
  return new B2bua(manager, options);
}
