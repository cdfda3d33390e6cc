/**
 * The session engine: one SIP stack (transport, transactions, UA core) and one RTP port range,
 * the registry of live sessions, limits and counters (DESIGN.md, "Flow of one incoming call",
 * "Concurrency and ordering"). The public `SessionManager` is a thin layer over it.
 *
 * @module
 */
import { ResourceTracker } from './resource-tracker.js';
import type { ResourceHandle } from './resource-tracker.js';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import createDebug from 'debug';
import PQueue from 'p-queue';
import { DEFAULT_ALLOWED_METHODS, UacAuthenticator, UserAgentCore } from '../dialog/index.js';
import { createAuthGuard } from './auth-guard.js';
import { EngineHooks } from './engine-hooks.js';
import { RegistrationAgent, type RegistrationOptions } from './registration-agent.js';
import { resolveCallTarget, unregisterAll } from './engine-registration.js';
import type { IncomingInvite } from '../dialog/index.js';
import { PortAllocator } from '../media/index.js';
import { NameAddr, SipUri, newCallId } from '../sip/index.js';
import { TransactionLayer } from '../transaction/index.js';
import { TransportLayer } from '../transport/index.js';
import type { InboundMessage, TransportLayerOptions, TransportProtocol } from '../transport/index.js';
import { InvalidArgumentError, InvalidStateError, TypedEmitter, systemClock } from '../util/index.js';
import type { Clock, TimerHandle } from '../util/index.js';
import type { ResolvedConfig } from './config-types.js';
import { CounterSet } from './engine-counters.js';
import type { EngineCounters } from './engine-counters.js';
import type { EndReason } from './end-reason.js';
import { CallFailedError } from './errors.js';
import { identityOf } from './session-context.js';
import type { SessionContext } from './session-context.js';
import { DTMF_INFO_TYPES } from './dtmf-info.js';
import { Session } from './session.js';
import { SipMessageRouter, TracingTransport } from './call-trace.js';
import { TransferCoordinator } from './transfer-coordinator.js';
import { endReasonFromStatus } from './end-reason.js';
import type { OutboundCallOptions, SessionEnd, SessionIdentity } from './session-types.js';

const debug = createDebug('sipline:session');

/**
 * Receives every incoming session once its offer is checked and its RTP ports are reserved, in
 * state `ringing`. It decides with `session.answer()`, `session.reject()`, or later (the caller
 * keeps ringing; the engine sends 180 when nothing was decided by the time the handler returns).
 * A throw or a rejected promise rejects the call with 500 (if still undecided) and is reported on
 * the engine's `error` event.
 */
export type IncomingSessionHandler = (session: Session) => void | Promise<void>;

/** Events of a {@link SessionEngine}. Listener exceptions are caught and logged. */
export type SessionEngineEvents = {
  /** A new session, incoming (before the handler runs) or outgoing. */
  session: [session: Session];
  /** A session ended. */
  'session-ended': [session: Session, end: SessionEnd];
  /** An error the application should know about: a throwing handler, a failed media start. */
  error: [error: unknown, session: Session | undefined];
};

/** Options of {@link SessionEngine.start} besides the configuration. */
export interface SessionEngineOptions {
  /** Clock for every timer of the stack; default the system clock. */
  readonly clock?: Clock;
  /** Minimum RTCP interval, ms (RFC 3550 §6.2 default 5000; tests shorten it). */
  readonly rtcpIntervalMs?: number;
  /** The incoming-session handler (see {@link SessionEngine.setIncomingSessionHandler}). */
  readonly onIncomingSession?: IncomingSessionHandler;
  /** Send 180 Ringing when the handler returns without deciding. Default true. */
  readonly autoRing?: boolean;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** Responses that arrived from the network (the transaction layer synthesises 408/503 itself). */
interface WireWatch {
  readonly responses: WeakSet<object>;
  readonly listener: (m: InboundMessage) => void;
}

function watchWire(): WireWatch {
  const responses = new WeakSet<object>();
  return {
    responses,
    listener: (m) => {
      if (m.message.isResponse() && m.message.status === 503) responses.add(m.message);
    },
  };
}

async function numericHost(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  return (await lookup(host)).address;
}

/** `sip.tls`, `sip.ws` and `sip.wss` as transport options (RFC 3261 §26, RFC 7118). */
function transportSecurityOptions(config: ResolvedConfig): Pick<TransportLayerOptions, 'tls' | 'ws' | 'wss'> {
  const { tls, ws, wss } = config.sip;
  const listen = (w: typeof ws): { port?: number; path?: string } => ({
    ...(w?.port !== undefined ? { port: w.port } : {}), ...(w?.path !== undefined ? { path: w.path } : {}),
  });
  return {
    ...(tls !== undefined ? {
      tls: {
        cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, requestCert: tls.requestCert,
        handshakeTimeoutMs: tls.handshakeTimeoutMs,
        ...(tls.port !== undefined ? { port: tls.port } : {}),
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
      },
    } : {}),
    ws: listen(ws),
    wss: listen(wss),
  };
}

/**
 * The engine behind a session manager. {@link SessionEngine.start} opens the transports;
 * {@link SessionEngine.call} starts outgoing calls; incoming ones go to the handler set with
 * {@link SessionEngine.setIncomingSessionHandler} (default: answer). {@link SessionEngine.close}
 * ends every call (CANCEL before the answer, BYE after), waits at most `close.timeoutMs`, and
 * releases every socket, port and timer.
 */
export class SessionEngine extends TypedEmitter<SessionEngineEvents> {
  /** The configuration in force. */
  readonly config: ResolvedConfig;
  /** The SIP transport layer (counters: messages in/out, parse failures). */
  readonly transport: TransportLayer;
  /** The transaction layer (counters: live transactions, retransmissions, timeouts). */
  readonly transactions: TransactionLayer;
  /** The UA core. */
  readonly core: UserAgentCore;
  /** The RTP port allocator over `media.portRange`. */
  readonly ports: PortAllocator;
  /**
   * What the engine's sessions hold, with its limits: one unit of `sessions` per live call,
   * limited to `limits.maxSessions` (change it with `setLimit('sessions', ...)`). Past the limit an
   * incoming call gets the configured overload response and an outgoing one fails `overloaded`;
   * each refusal is also a `limit-exceeded` event. Applications may track their own kinds here.
   */
  readonly resources: ResourceTracker;
  /** The `sessions` unit each live session holds. */
  readonly #seats = new Map<string, ResourceHandle>();
  /** Call transfer: decisions on incoming REFERs, calls placed for them, Replaces (RFC 3515, RFC 3891). */
  readonly transfers: TransferCoordinator;
  /** Extension points for `sipline/advanced` services: request routes, call-target resolution. */
  readonly hooks = new EngineHooks();
  /** Live registrations made with {@link SessionEngine.register}. */
  readonly #registrations = new Set<RegistrationAgent>();
  readonly #clock: Clock;
  readonly #sessions = new Map<string, Session>();
  readonly #counters = new CounterSet();
  readonly #setups: PQueue;
  readonly #ctx: SessionContext;
  readonly #autoRing: boolean;
  readonly #wire: WireWatch;
  #handler: IncomingSessionHandler | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    config: ResolvedConfig,
    stack: { transport: TransportLayer; transactions: TransactionLayer; core: UserAgentCore; ports: PortAllocator; wire: WireWatch; sipTap?: SipMessageRouter },
    options: SessionEngineOptions,
    sdpAddress: string,
  ) {
    super();
    this.config = config;
    this.transport = stack.transport;
    this.transactions = stack.transactions;
    this.core = stack.core;
    this.ports = stack.ports;
    this.resources = new ResourceTracker({ limits: { sessions: { global: config.limits.maxSessions } } });
    this.#wire = stack.wire;
    this.#clock = options.clock ?? systemClock;
    this.#handler = options.onIncomingSession;
    this.#autoRing = options.autoRing ?? true;
    this.#setups = new PQueue({ concurrency: config.limits.maxOutgoingSetups });
    this.setListenerErrorHandler((err, event) => debug('engine %s listener threw: %O', event, err));
    this.transfers = new TransferCoordinator({ core: this.core, call: (o) => this.call(o), sessions: () => this.sessions() });
    this.core.setRequestHandler((request) => { if (!this.hooks.dispatch(request)) this.transfers.outOfDialog(request); });
    if (config.authenticate !== undefined) {
      this.core.setRequestGuard(createAuthGuard(config.authenticate, (m) => this.hooks.authenticatesItself(m)));
    }
    this.#ctx = {
      config,
      clock: this.#clock,
      core: this.core,
      ports: this.ports,
      sdpAddress,
      rtcpIntervalMs: options.rtcpIntervalMs,
      onConnected: () => { this.#counters.answered++; },
      onEnded: (s, end) => this.#ended(s as Session, end.reason as EndReason, end.connected),
      report: (err, s) => this.#report(err, s as Session),
      fromWire: (res) => this.#wire.responses.has(res),
      ...(stack.sipTap === undefined ? {} : { sipTap: stack.sipTap }),
      transfers: this.transfers,
    };
    this.core.setInviteHandler((invite) => this.#onInvite(invite));
  }

  /**
   * Open the SIP transports and build the stack from a resolved configuration (see
   * `resolveConfig`).
   * @throws TransportError when a socket cannot be bound; nothing stays open
   */
  static async start(config: ResolvedConfig, options: SessionEngineOptions = {}): Promise<SessionEngine> {
    const clock = options.clock ?? systemClock;
    const host = await numericHost(config.sip.host);
    const pub = config.sip.publicAddress;
    const transport = await TransportLayer.create({
      host,
      port: config.sip.port,
      transports: config.sip.transports,
      ...(pub !== undefined ? { publicAddress: pub.port === undefined ? pub.address : { address: pub.address, port: pub.port } } : {}),
      limits: config.sip.limits,
      clock,
      ...transportSecurityOptions(config),
    });
    // Registered before the transaction layer's listener, so it sees each response first.
    const wire = watchWire();
    transport.on('message', wire.listener);
    // Per-call SIP traces and correlation headers (call-trace.ts): sees every message in and out.
    const sipTap = new SipMessageRouter();
    transport.on('message', sipTap.inbound);
    const tapped = new TracingTransport(transport, sipTap);
    try {
      const overload = config.limits.overloadResponse;
      const transactions = new TransactionLayer(tapped, {
        timers: config.timers,
        clock,
        maxTransactions: config.limits.maxTransactions,
        ...(overload.status === 503 ? { retryAfterSeconds: overload.retryAfter } : {}),
      });
      const id = config.identity;
      const core = new UserAgentCore({
        transactions,
        allowedMethods: [...DEFAULT_ALLOWED_METHODS, 'REGISTER'],
        ...(config.credentials !== undefined && config.credentials.length > 0 ? { auth: new UacAuthenticator(config.credentials) } : {}),
        ...(config.sip.outboundProxy !== undefined ? { outboundProxy: config.sip.outboundProxy } : {}),
        transport: tapped,
        userAgent: config.userAgent,
        clock,
        // RFC 3262 (100rel) and INFO DTMF bodies (application/dtmf-relay, application/dtmf).
        supported: [...(config.sip.reliableProvisional === 'off' ? [] : ['100rel']), ...(config.sessionTimers.enabled ? ['timer'] : [])],
        accept: ['application/sdp', ...DTMF_INFO_TYPES, 'message/sipfrag'],
        ...(id.isDefault ? {} : { identity: new NameAddr(SipUri.parse(id.uri), id.displayName) }),
      });
      const ports = new PortAllocator({ min: config.media.portRange.min, max: config.media.portRange.max, address: host });
      const advertised = pub !== undefined && isIP(pub.address) !== 0 ? pub.address : WILDCARDS.has(host) ? '127.0.0.1' : host;
      return new SessionEngine(config, { transport, transactions, core, ports, wire, sipTap }, options, advertised);
    } catch (err) {
      await transport.close();
      throw err;
    }
  }

  /** True once {@link SessionEngine.close} was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The SIP port listened on (the real one when `sip.port` was 0). */
  get port(): number {
    return this.transport.port;
  }

  /** A SIP URI that reaches this engine: `sip:user@address:port` (with `;transport=tcp` for TCP). */
  uriFor(user: string, protocol: TransportProtocol = 'UDP'): string {
    const ep = this.transport.contactAddress(protocol);
    const host = ep.address.includes(':') ? `[${ep.address}]` : ep.address;
    return `sip:${user}@${host}:${ep.port}${protocol === 'UDP' ? '' : `;transport=${protocol.toLowerCase()}`}`;
  }

  /** Live sessions, oldest first. */
  sessions(): Session[] {
    return [...this.#sessions.values()];
  }

  /** The live session with this id, if any. */
  getSession(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** Call counters now. */
  get counters(): EngineCounters {
    return this.#counters.snapshot(this.#sessions.size);
  }

  /** Set (or clear, to answer everything) the incoming-session handler. Returns the engine. */
  setIncomingSessionHandler(handler: IncomingSessionHandler | undefined): this {
    this.#handler = handler;
    return this;
  }

  // -------------------------------------------------------------- incoming

  #onInvite(invite: IncomingInvite): void {
    this.#counters.callsIn++;
    if (this.closed) {
      invite.reject(503, { headers: { 'Retry-After': '5' } });
      this.#counters.countFailure('manager-closed');
      return;
    }
    const seat = this.resources.tryAllocate(invite.request.callId, 'sessions', 1, 'incoming call');
    if (!seat.ok) {
      const o = this.config.limits.overloadResponse;
      debug('%d sessions live: INVITE %s refused with %d', this.#sessions.size, invite.request.callId, o.status);
      if (o.status === 503) invite.reject(503, { headers: { 'Retry-After': String(o.retryAfter) } });
      else invite.reject(486);
      this.#counters.countFailure('overloaded');
      return;
    }
    // RFC 3891 §3: an INVITE with Replaces takes the place of a call of ours, or is refused.
    const replaced = this.transfers.screenInvite(invite);
    if (replaced !== undefined && !(replaced instanceof Session)) {
      this.resources.release(seat.handle);
      this.#counters.countFailure(endReasonFromStatus(replaced.status));
      return;
    }
    const session = Session.incoming(this.#ctx, invite);
    this.#seats.set(session.id, seat.handle);
    if (replaced !== undefined) this.transfers.bindReplacement(session, replaced);
    this.#register(session);
    void this.#offer(session);
  }

  async #offer(session: Session): Promise<void> {
    let ok: boolean;
    try {
      ok = await session.prepareIncoming();
    } catch (err) {
      this.#report(err, session);
      ok = false;
    }
    if (!ok) return;
    const handler = this.#handler;
    let result: void | Promise<void>;
    try {
      result = handler !== undefined ? handler(session) : session.answer();
    } catch (err) {
      this.#handlerFailed(session, err);
      return;
    }
    if (!session.decided && this.#autoRing) session.ring().catch((err: unknown) => debug('%s: 180 not sent: %O', session.logLabel, err));
    Promise.resolve(result).then(undefined, (err: unknown) => this.#handlerFailed(session, err));
  }

  #handlerFailed(session: Session, err: unknown): void {
    debug('%s: incoming-session handler failed: %O', session.logLabel, err);
    this.#report(err, session);
    if (!session.decided) session.reject(500).catch(() => undefined);
  }

  // -------------------------------------------------------------- outgoing

  /**
   * Start an outgoing call. Resolves with the session once the INVITE is sent (state `dialing`);
   * follow it with `session.answered()` and its events. At most `limits.maxOutgoingSetups` calls
   * are being set up at once; more wait their turn before their INVITE leaves.
   * @throws InvalidStateError when the engine is closed
   * @throws InvalidArgumentError for an unparsable target, From or To
   * @throws CallFailedError `overloaded` past `limits.maxSessions`; other reasons when the INVITE
   *   could not be sent (no RTP port: `unavailable`; resolution or transport failure: `error`)
   */
  async call(options: OutboundCallOptions): Promise<Session> {
    if (this.closed) throw new InvalidStateError('call: the session engine is closed');
    options = await resolveCallTarget(this.hooks, options);
    const { local, remote } = this.#parties(options);
    this.#counters.callsOut++;
    const callId = newCallId();
    const seat = this.resources.tryAllocate(callId, 'sessions', 1, 'outgoing call');
    if (!seat.ok) {
      this.#counters.countFailure('overloaded');
      throw new CallFailedError('overloaded', undefined, { message: `maxSessions (${seat.error.limit}) reached`, cause: seat.error });
    }
    const session = Session.outgoing(this.#ctx, options, callId, local, remote);
    this.#seats.set(session.id, seat.handle);
    this.#register(session);
    return new Promise<Session>((resolve, reject) => {
      void this.#setups.add(async () => {
        try {
          await session.dial();
        } catch (err) {
          reject(err as Error);
          return;
        }
        resolve(session);
        await session.setupDone();
      });
    });
  }

  #parties(o: OutboundCallOptions): { local: SessionIdentity; remote: SessionIdentity } {
    const parse = (text: string, what: string): NameAddr => {
      try {
        return /^\s*sips?:/i.test(text) && !text.includes('<') ? new NameAddr(SipUri.parse(text.trim())) : NameAddr.parse(text, what);
      } catch (err) {
        throw new InvalidArgumentError(what, (err as Error).message);
      }
    };
    const target = typeof o.target === 'string' ? parse(o.target, 'target').uri : o.target;
    const id = this.config.identity;
    const local = o.from !== undefined ? identityOf(parse(o.from, 'from'))
      : { uri: id.isDefault ? `sip:sipline@${this.transport.contactAddress('UDP').address}` : id.uri, displayName: id.displayName };
    const remote = o.to !== undefined ? identityOf(parse(o.to, 'to')) : identityOf(new NameAddr(target));
    return { local, remote };
  }

  /**
   * Register a contact of this engine to an address-of-record (RFC 3261 §10.2); refreshed until
   * `unregister()` or {@link SessionEngine.close}.
   * @throws InvalidStateError when the engine is closed
   * @throws InvalidArgumentError for a bad option
   */
  register(options: RegistrationOptions): RegistrationAgent {
    if (this.closed) throw new InvalidStateError('register: the session engine is closed');
    const agent = new RegistrationAgent({ core: this.core, clock: this.#clock, contactUri: (u, p) => this.uriFor(u, p) }, options);
    this.#registrations.add(agent);
    agent.once('unregistered', () => this.#registrations.delete(agent));
    return agent;
  }

  /** Live registrations. */
  registrations(): RegistrationAgent[] {
    return [...this.#registrations];
  }

  // --------------------------------------------------------------- registry

  #register(session: Session): void {
    this.#sessions.set(session.id, session);
    this.safeEmit('session', session);
  }

  #ended(session: Session, reason: EndReason, connected: boolean): void {
    this.#sessions.delete(session.id);
    const seat = this.#seats.get(session.id);
    if (seat !== undefined) {
      this.#seats.delete(session.id);
      this.resources.release(seat);
    }
    this.#counters.countEnd(reason, connected);
    const end = session.end;
    if (end !== undefined) this.safeEmit('session-ended', session, end);
  }

  #report(err: unknown, session: Session | undefined): void {
    debug('%s: error: %O', session?.logLabel ?? 'engine', err);
    this.safeEmit('error', err, session);
  }

  // ------------------------------------------------------------------ close

  /**
   * End every call (CANCEL before the answer, a 503 to unanswered incoming calls, BYE after),
   * wait at most `close.timeoutMs` for them, then stop the SIP stack and release every socket,
   * RTP port and timer. Idempotent; never rejects.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const live = this.sessions();
    debug('closing: %d live sessions', live.length);
    const all = Promise.all(live.map((s) => s.terminate('manager-closed', 503).catch((err: unknown) => {
      debug('%s: hang-up on close failed: %O', s.logLabel, err);
    })));
    let timer: TimerHandle | undefined;
    await Promise.race([all, new Promise<void>((resolve) => {
      timer = this.#clock.setTimeout(resolve, this.config.close.timeoutMs);
    })]);
    if (timer !== undefined) this.#clock.clearTimeout(timer);
    await Promise.all(this.sessions().map((s) => s.forceEnd('manager-closed')));
    await this.#setups.onIdle();
    await unregisterAll(this.registrations(), this.#clock, Math.min(2000, this.config.close.timeoutMs));
    this.core.close();
    // Let the BYEs the core may have sent leave before the sockets close.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.transactions.close();
    this.transport.off('message', this.#wire.listener);
    const sipTap = this.#ctx.sipTap;
    if (sipTap !== undefined) {
      this.transport.off('message', sipTap.inbound);
      sipTap.clear();
    }
    await this.transport.close();
    debug('closed');
  }

  /** `await using` support: same as {@link SessionEngine.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
