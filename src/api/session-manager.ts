/**
 * `SessionManager`: the entry point of sipline. One manager listens on one SIP port, hands
 * incoming calls to the application's {@link CallHandler}, places outgoing calls, and owns every
 * session until it ends.
 *
 * @module
 */
import createDebug from 'debug';
import { SessionState, SessionStateError } from '../session/index.js';
import type { EndReason, ResolvedConfig, SessionManagerConfig, SessionStateChange } from '../session/index.js';
import { InvalidArgumentError, TypedEmitter, systemClock, withErrorContext } from '../util/index.js';
import type { CallHandler } from './call-handler.js';
import { CallSession } from './call-session.js';
import { engineOf, registerPort } from './engine-access.js';
import { NotSupportedError } from './errors.js';
import { Registration, type RegisterOptions } from './registration.js';
import { startEngine } from './engine-adapter.js';
import type { EngineCall, EngineIncoming, EnginePort } from './engine-port.js';
import { IncomingCall } from './incoming-call.js';
import { decideTransfer } from './transfer-request.js';
import { SerialQueue } from './serial-queue.js';
import type { CallCounters, MakeCallOptions } from './types.js';

const debug = createDebug('sipline:api');

/** The events of a {@link SessionManager}. */
export type SessionManagerEvents = {
  /** A session was created: an incoming call arrived, or `makeCall` sent an INVITE. */
  session: [session: CallSession];
  /**
   * A handler method or an event listener threw or rejected, and the handler has no `onError`.
   * `session` is the call it concerned, if any.
   */
  error: [error: unknown, session: CallSession | undefined];
  /** `close()` finished: every call ended and every socket is released. */
  close: [];
};

interface Entry {
  readonly session: CallSession;
  readonly queue: SerialQueue;
}

/**
 * Listens for SIP calls and places them. Create one with {@link SessionManager.new}.
 *
 * @example
 * ```ts
 * import { SessionManager } from 'sipline';
 *
 * const manager = await SessionManager.new({ sip: { port: 5060 } });
 * manager.setCallHandler({ onIncomingCall: (call) => call.answer() });
 * ```
 */
export class SessionManager {
  readonly #engine: EnginePort;
  readonly #events = new TypedEmitter<SessionManagerEvents>();
  readonly #live = new Map<string, Entry>();
  #handler: CallHandler = {};
  #closing: Promise<void> | undefined;

  /**
   * Use {@link SessionManager.new}.
   * @internal
   */
  constructor(engine: EnginePort) {
    this.#engine = engine;
    registerPort(this, engine);
    this.#events.setListenerErrorHandler((err) => debug('a manager event listener threw: %O', err));
    engine.onIncoming((incoming) => this.#onIncoming(incoming));
    engine.onError((err, call) => this.#report(err, call === undefined ? undefined : this.#live.get(call.id)?.session));
    engine.onTransfer?.({
      decide: (call, info) => decideTransfer(
        this.#handler.onTransferRequest?.bind(this.#handler), this.#live.get(call.id)?.session, info, (e, s) => this.#report(e, s),
      ),
      placed: (call) => { this.#register(call); },
    });
  }

  /**
   * Start a manager: validate `config`, open the SIP transports (UDP and TCP on port 5060 of all
   * interfaces by default) and return once they listen.
   *
   * @param config - every option is optional; see {@link SessionManagerConfig}
   * @throws ConfigError naming the first invalid option (nothing is started)
   * @throws TransportError (code `ERR_TRANSPORT`) when a port cannot be bound
   */
  static async new(config: SessionManagerConfig = {}): Promise<SessionManager> {
    return new SessionManager(await startEngine(config));
  }

  /** The configuration the manager runs with, every default filled in. */
  get config(): ResolvedConfig {
    return this.#engine.config;
  }

  /** The address the SIP transports are bound to. */
  get host(): string {
    return this.#engine.host;
  }

  /** The SIP port the manager listens on (the one picked by the system when `sip.port` was 0). */
  get port(): number {
    return this.#engine.port;
  }

  /**
   * Call counters: calls in and out, active now, answered, failed (ended unanswered, including
   * INVITEs refused for overload) and ended, by reason.
   */
  get counters(): CallCounters {
    return this.#engine.counters();
  }

  /** True once {@link SessionManager.close} was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * A SIP URI that reaches this manager, e.g. `sip:alice@127.0.0.1:5060`, for the given user part.
   * Uses `sip.publicAddress` when configured, and `127.0.0.1` when bound to all interfaces.
   *
   * @param user - the user part; default `sipline`
   * @param transport - add `;transport=tcp` for `'TCP'` (`tls`, `ws`, `wss` likewise, with that listener's port)
   */
  uri(user = 'sipline', transport: 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS' = 'UDP'): string {
    return this.#engine.uri(user, transport);
  }

  /**
   * Set what the manager does with calls. Replaces the previous handler; returns the manager so
   * calls chain. Without a handler, incoming calls are answered.
   */
  setCallHandler(handler: CallHandler): this {
    if (handler === null || typeof handler !== 'object') {
      throw new InvalidArgumentError('handler', 'must be an object of optional methods');
    }
    this.#handler = handler;
    return this;
  }

  /**
   * Call `target`. Resolves with the session once the INVITE is sent; `await session.answered()`
   * to know when the far end answers (it rejects with a `CallFailedError` carrying the SIP status
   * when the call fails: busy, declined, not found, timeout, cancelled, ...).
   *
   * @param target - a `sip:` or `sips:` URI, e.g. `sip:bob@192.0.2.10:5060;transport=tcp`
   * @param options - From identity, extra headers, codecs, ring timeout, abort signal
   * @throws InvalidArgumentError for a target that is not a SIP URI or a bad option
   * @throws InvalidStateError when the manager is closed
   * @throws CallFailedError with reason `overloaded` when `limits.maxSessions` calls are live, or
   *   another reason when the INVITE could not be sent (no free RTP port, an unresolvable host)
   * @throws the signal's reason when `options.signal` is already aborted
   */
  async makeCall(target: string, options: MakeCallOptions = {}): Promise<CallSession> {
    if (typeof target !== 'string' || !/^sips?:[^\s]+$/i.test(target.trim())) {
      throw new InvalidArgumentError('target', 'must be a sip: or sips: URI');
    }
    const { signal, timeoutMs, ...engineOptions } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new InvalidArgumentError('timeoutMs', 'must be a positive number of milliseconds');
    }
    if (this.#closing !== undefined) throw new SessionStateError('make a call', 'closed', 'Cannot make a call: the manager is closed');
    signal?.throwIfAborted();
    const call = await this.#engine.makeCall(target.trim(), engineOptions);
    const session = this.#register(call);
    if (timeoutMs !== undefined) this.#armTimeout(session, call, timeoutMs);
    if (signal !== undefined) this.#bindSignal(signal, call);
    return session;
  }

  /** The live sessions (not yet ended), in creation order. */
  sessions(): readonly CallSession[] {
    return [...this.#live.values()].map((e) => e.session).filter((s) => s.state !== SessionState.Terminated);
  }

  /** Listen to a manager event (`session`, `error`, `close`). */
  on<K extends keyof SessionManagerEvents>(event: K, listener: (...args: SessionManagerEvents[K]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Listen to the next occurrence of an event only. */
  once<K extends keyof SessionManagerEvents>(event: K, listener: (...args: SessionManagerEvents[K]) => void): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Remove a listener. */
  off<K extends keyof SessionManagerEvents>(event: K, listener: (...args: SessionManagerEvents[K]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * End every call (CANCEL or BYE; incoming calls still ringing get 503), wait a bounded time
   * (`close.timeoutMs`) for the answers, then release every socket and RTP port. The handler's
   * `onCallEnded` has run for every call when the promise resolves (unless a handler method is
   * still running after `close.timeoutMs`). Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /**
   * Register this manager to a registrar (RFC 3261 §10.2) for an address-of-record, with
   * digest credentials; incoming calls to the registered contact reach the call handler. See
   * docs/registration.md. Several registrations may run at once; `close()` removes them.
   * @throws InvalidArgumentError for a bad option
   * @throws InvalidStateError when the manager is closed
   */
  register(options: RegisterOptions): Registration {
    const engine = engineOf(this);
    if (engine === undefined) throw new NotSupportedError('register', 'register() needs the SIP engine (not a test double)');
    return new Registration(engine.register(options));
  }

  /** `await using manager = await SessionManager.new(...)` closes the manager at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    debug('closing with %d live sessions', this.#live.size);
    await this.#engine.close();
    // Let the handlers see every call end, but never wait forever for a handler that hangs.
    const queues = Promise.all([...this.#live.values()].map((e) => e.queue.idle()));
    const clock = this.#engine.clock ?? systemClock;
    let timer: ReturnType<typeof clock.setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => { timer = clock.setTimeout(resolve, this.#engine.config.close.timeoutMs); });
    await Promise.race([queues, limit]);
    if (timer !== undefined) clock.clearTimeout(timer);
    this.#events.safeEmit('close');
  }

  #register(call: EngineCall): CallSession {
    const queue = new SerialQueue((err) => this.#report(err, session));
    const session: CallSession = new CallSession(call, { listenerError: (err, s) => this.#report(err, s) });
    const entry: Entry = { session, queue };
    this.#live.set(call.id, entry);
    session.on('state', (change) => this.#onState(entry, change));
    session.on('dtmf', (event) => {
      queue.push(() => this.#handler.onDtmf?.(session, event));
    });
    session.on('hold', (event) => { queue.push(() => this.#handler.onHold?.(session, event)); });
    session.on('resume', (event) => { queue.push(() => this.#handler.onResume?.(session, event)); });
    session.on('quality', (event) => {
      queue.push(() => event.type === 'alert' ? this.#handler.onQualityAlert?.(session, event) : this.#handler.onQualityRecovered?.(session, event));
    });
    session.on('media-timeout', (event) => { queue.push(() => this.#handler.onMediaTimeout?.(session, event)); });
    queue.push(() => this.#handler.onCallStarted?.(session));
    this.#events.safeEmit('session', session);
    return session;
  }

  #onState(entry: Entry, change: SessionStateChange): void {
    const { session, queue } = entry;
    queue.push(() => this.#handler.onStateChanged?.(session, change));
    if (change.to === SessionState.Connected && change.from !== SessionState.OnHold && change.from !== SessionState.Transferring) {
      queue.push(() => this.#handler.onCallEstablished?.(session));
    }
    if (change.to === SessionState.Terminated) {
      const reason = session.endReason ?? (change.reason as EndReason);
      queue.push(() => this.#handler.onCallEnded?.(session, reason));
      void queue.idle().then(() => this.#live.delete(session.id));
    }
  }

  #onIncoming(incoming: EngineIncoming): void {
    const session = this.#register(incoming.call);
    const call = new IncomingCall(incoming, session);
    const { queue } = this.#live.get(incoming.call.id) as Entry;
    queue.push(() => this.#decide(call, incoming));
  }

  async #decide(call: IncomingCall, incoming: EngineIncoming): Promise<void> {
    // RFC 3891: an INVITE that replaces one of our calls is answered without asking.
    if (incoming.replacing === true) {
      if (isRinging(call)) await call.answer();
      return;
    }
    const handler = this.#handler;
    if (handler.onIncomingCall === undefined) {
      if (isRinging(call)) await call.answer();
      return;
    }
    let result: unknown;
    try {
      result = handler.onIncomingCall(call);
      if (call.decision === 'pending' && isRinging(call)) await incoming.ring().catch((err: unknown) => debug('180 failed: %O', err));
      await result;
    } catch (err) {
      this.#report(err, call.session);
      if (call.decision === 'pending' && isRinging(call)) {
        await call.reject(500).catch((e: unknown) => debug('500 failed: %O', e));
      }
    }
  }

  #armTimeout(session: CallSession, call: EngineCall, timeoutMs: number): void {
    const clock = this.#engine.clock ?? systemClock;
    const timer = clock.setTimeout(() => {
      if (session.answeredAt === undefined && (call.state === SessionState.Dialing || call.state === SessionState.Ringing)) {
        debug('%s: no answer within %d ms', call.id, timeoutMs);
        call.hangup('no-answer').catch((err: unknown) => this.#report(err, session));
      }
    }, timeoutMs);
    const cancel = (): void => clock.clearTimeout(timer);
    session.answered().then(cancel, cancel);
    void call.terminated.then(cancel);
  }

  #bindSignal(signal: AbortSignal, call: EngineCall): void {
    const onAbort = (): void => {
      const state = call.state;
      if (state === SessionState.Terminating || state === SessionState.Terminated) return;
      call.hangup().catch((err: unknown) => debug('%s: hangup on abort failed: %O', call.id, err));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void call.terminated.then(() => signal.removeEventListener('abort', onAbort));
  }

  #report(err: unknown, session: CallSession | undefined): void {
    if (session !== undefined) withErrorContext(err, session.errorContext());
    debug('%s: application error: %O', session === undefined ? 'manager' : `${session.id} [${session.correlationId}]`, err);
    const onError = this.#handler.onError;
    if (onError !== undefined) {
      try {
        onError.call(this.#handler, err, session);
      } catch (e) {
        debug('onError threw: %O', e);
      }
      return;
    }
    this.#events.safeEmit('error', err, session);
  }
}

function isRinging(call: IncomingCall): boolean {
  const s = call.session.state;
  return s === SessionState.Ringing || s === SessionState.Initializing;
}
