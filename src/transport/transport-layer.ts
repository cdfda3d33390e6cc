import createDebug from 'debug';
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { setImmediate as realSetImmediate } from 'node:timers';
import type { SipLimits, SipRequest, SipResponse, SipUri } from '../sip/index.js';
import { InvalidArgumentError, systemClock, TypedEmitter } from '../util/index.js';
import type { Clock } from '../util/index.js';
import { TransportError } from './errors.js';
import { answerParseFailure, handleInbound, toWire } from './inbound.js';
import type { InboundMeta, InboundOwner } from './inbound.js';
import { prepareOutgoingRequest, UDP_SIZE_LIMIT } from './prepare.js';
import { resolveInputOf, resolveTargets } from './resolver.js';
import type { DnsResolver } from './resolver.js';
import { TcpPool } from './tcp-pool.js';
import type { PoolSettings, TcpConnection } from './tcp-pool.js';
import type { StreamDialect } from './stream-dialect.js';
import { createTlsDialect } from './tls-dialect.js';
import { aliasHostsOf, defaultListenPorts, validateTransportOptions } from './secure-options.js';
import { WsServer } from './ws-server.js';
import type { WsConnection } from './ws-connection.js';
import { zeroCounters } from './types.js';
import type {
  Endpoint, InboundMessage, SipTransportLayer, TransportCounters, TransportLayerEvents, TransportLayerOptions,
  TransportProtocol, TransportTarget,
} from './types.js';
import { UdpSocket } from './udp-socket.js';
import { bareHost, isReliableProtocol, isRequest, responseTargetFor } from './via-rules.js';

const log = createDebug('sipline:transport');

/** Default idle timeout of a TCP connection: longer than an INVITE can ring unanswered in most deployments' dial plans. */
export const DEFAULT_TCP_IDLE_TIMEOUT_MS = 120_000;
/** Default TCP connect timeout. */
export const DEFAULT_TCP_CONNECT_TIMEOUT_MS = 10_000;
/** Default cap on open TCP connections. */
export const DEFAULT_MAX_TCP_CONNECTIONS = 1024;
/** How many times an ephemeral UDP port is re-drawn when TCP cannot listen on the same number. */
const SHARED_PORT_ATTEMPTS = 8;

function loopTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/** A CRLF-only datagram (RFC 5626-style keep-alive over UDP): ignored, not a parse failure. */
function isKeepaliveDatagram(data: Buffer): boolean {
  if (data.byteLength === 0 || data.byteLength > 4) return false;
  for (const b of data) if (b !== 0x0d && b !== 0x0a) return false;
  return true;
}

/**
 * The socket transport (RFC 3261 §18, RFC 3581, RFC 3263): UDP (IPv4 or
 * IPv6, node:dgram) and TCP (node:net) on one bind address and one port.
 *
 * - Outgoing requests: {@link TransportLayer.prepareRequest} writes the top Via
 *   (transport, sent-by, `rport`) and moves requests over 1300 bytes from UDP to
 *   TCP (§18.1.1).
 * - Incoming requests: `received`/`rport` stamped (§18.2.1, RFC 3581 §4);
 *   unparsable ones answered 400/505/... when possible (counted either way).
 *   Responses whose top Via is not ours are dropped (§18.1.2).
 * - Responses: {@link TransportLayer.responseTarget} applies §18.2.2 / RFC 3581.
 * - TCP: one connection per remote address:port in either direction, idle
 *   timeout (default 120 s), connect timeout (10 s), connection cap (1024),
 *   closed on framing errors after a 400 where one can be built, CRLF pong to
 *   CRLFCRLF pings (RFC 5626 §4.4.1).
 *
 * Timers (idle, connect, linger) use the configured {@link Clock}.
 */
export class TransportLayer extends TypedEmitter<TransportLayerEvents> implements SipTransportLayer {
  readonly #host: string;
  readonly #protocols: readonly TransportProtocol[];
  readonly #counters: TransportCounters = zeroCounters();
  readonly #clock: Clock;
  readonly #limits: Partial<SipLimits> | undefined;
  readonly #resolver: DnsResolver;
  readonly #udpLimit: number;
  readonly #publicAddress: string | Endpoint | undefined;
  readonly #inbound: InboundOwner;
  readonly #opts: TransportLayerOptions;
  #udp: UdpSocket | undefined;
  #tcp: TcpPool | undefined;
  #tls: TcpPool | undefined;
  readonly #ws = new Map<'WS' | 'WSS', WsServer>();
  #port = 0;
  readonly #ports = new Map<TransportProtocol, number>();
  #closing: Promise<void> | undefined;

  private constructor(opts: TransportLayerOptions, clock: Clock) {
    super();
    this.#host = bareHost(opts.host ?? '127.0.0.1');
    this.#protocols = opts.transports ?? ['UDP', 'TCP'];
    this.#clock = clock;
    this.#limits = opts.limits;
    this.#resolver = opts.resolver ?? dnsPromises;
    this.#udpLimit = opts.udpMtuLimit ?? UDP_SIZE_LIMIT;
    this.#publicAddress = opts.publicAddress;
    this.#opts = opts;
    this.#inbound = {
      counters: this.#counters,
      limits: this.#limits,
      sentBy: (protocol) => {
        const c = this.contactAddress(protocol);
        return { names: [this.#host, c.address], ports: [this.portOf(protocol), c.port] };
      },
      deliver: (inbound) => {
        if ((inbound.protocol === 'WS' || inbound.protocol === 'WSS') && inbound.connectionId !== undefined && isRequest(inbound.message)) {
          const server = this.#ws.get(inbound.protocol);
          const conn = server?.get(inbound.connectionId);
          if (conn !== undefined) server!.learn(conn, aliasHostsOf(inbound.message));
        }
        this.safeEmit('message', inbound);
      },
    };
    this.setListenerErrorHandler((err, event) => log('listener for %s threw: %O', event, err));
  }

  /**
   * Open the configured transports. With `port: 0`, UDP binds an ephemeral
   * port first and TCP listens on the same number (retried with a new port a
   * few times if TCP cannot have it).
   *
   * @throws InvalidArgumentError for a non-numeric host, bad port, or unsupported transport
   * @throws TransportError `ERR_TRANSPORT_BIND` when a socket cannot be bound
   */
  static async create(opts: TransportLayerOptions = {}): Promise<TransportLayer> {
    const host = bareHost(opts.host ?? '127.0.0.1');
    if (isIP(host) === 0) throw new InvalidArgumentError('host', `must be a numeric IPv4 or IPv6 address, got "${opts.host}"`);
    const port = opts.port ?? 5060;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('port', `must be 0-65535, got ${port}`);
    const transports = opts.transports ?? ['UDP', 'TCP'];
    if (transports.length === 0) throw new InvalidArgumentError('transports', 'at least one transport is needed');
    validateTransportOptions(transports, opts);
    const layer = new TransportLayer({ ...opts, host, transports }, opts.clock ?? systemClock);
    const settings = {
      idleTimeoutMs: opts.tcpIdleTimeoutMs ?? DEFAULT_TCP_IDLE_TIMEOUT_MS,
      connectTimeoutMs: opts.tcpConnectTimeoutMs ?? DEFAULT_TCP_CONNECT_TIMEOUT_MS,
      maxConnections: opts.maxTcpConnections ?? DEFAULT_MAX_TCP_CONNECTIONS,
    };
    try {
      await layer.#open(port, settings);
      await layer.#openSecure(port, settings);
    } catch (err) {
      await layer.close();
      throw err;
    }
    log('listening on %s: %s', host, transports.map((t) => `${t} ${layer.portOf(t)}`).join(', '));
    return layer;
  }

  /** TLS, WS and WSS listeners, each on its own port (see {@link defaultListenPorts}). */
  async #openSecure(port: number, settings: PoolSettings): Promise<void> {
    const want = defaultListenPorts(port, this.#opts);
    const tls = this.#opts.tls;
    if (this.#protocols.includes('TLS') && tls !== undefined) {
      const pool = this.#streamPool(settings, createTlsDialect(tls, this.#counters), 'TLS');
      this.#tls = pool;
      this.#ports.set('TLS', await pool.listen(want.TLS));
    }
    for (const protocol of ['WS', 'WSS'] as const) {
      if (!this.#protocols.includes(protocol)) continue;
      const server = new WsServer(this.#host, protocol, {
        counters: this.#counters,
        maxConnections: settings.maxConnections,
        maxMessageSize: this.#limits?.maxMessageSize ?? 65535,
        connectTimeoutMs: settings.connectTimeoutMs,
        idleTimeoutMs: settings.idleTimeoutMs,
        clock: this.#clock,
        onMessage: (conn, bytes) => this.#onWsMessage(protocol, conn, bytes),
        onError: (err) => this.safeEmit('error', err),
      }, protocol === 'WSS' ? tls : undefined);
      this.#ws.set(protocol, server);
      this.#ports.set(protocol, await server.listen((protocol === 'WS' ? this.#opts.ws : this.#opts.wss) ?? {}, want[protocol]));
    }
  }

  #streamPool(settings: PoolSettings, dialect: StreamDialect | undefined, protocol: 'TCP' | 'TLS'): TcpPool {
    return new TcpPool(this.#host, {
      counters: this.#counters,
      clock: this.#clock,
      limits: this.#limits,
      ...settings,
      ...(dialect !== undefined ? { dialect } : {}),
      onFrame: (conn, bytes) => this.#onFrame(protocol, conn, bytes),
      onFramingError: (conn, err, head) => this.#onFramingError(protocol, conn, err, head),
      onError: (err) => this.safeEmit('error', err),
    });
  }

  async #open(port: number, settings: PoolSettings): Promise<void> {
    const wantUdp = this.#protocols.includes('UDP');
    const wantTcp = this.#protocols.includes('TCP');
    if (!wantUdp && !wantTcp) return;
    const attempts = port === 0 && wantUdp && wantTcp ? SHARED_PORT_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      let udp: UdpSocket | undefined;
      try {
        let chosen = port;
        if (wantUdp) {
          udp = new UdpSocket(this.#host, (data, source) => this.#onDatagram(data, source), (err) => this.#socketError('UDP', err));
          chosen = (await udp.bind(this.#host, port)).port;
        }
        if (wantTcp) {
          const pool = this.#streamPool(settings, undefined, 'TCP');
          try {
            chosen = await pool.listen(chosen);
          } catch (err) {
            await pool.close();
            throw err;
          }
          this.#tcp = pool;
        }
        this.#udp = udp;
        this.#port = chosen;
        if (wantUdp) this.#ports.set('UDP', chosen);
        if (wantTcp) this.#ports.set('TCP', chosen);
        return;
      } catch (err) {
        await udp?.close();
        const inUse = err instanceof TransportError && (err.cause as { code?: string } | undefined)?.code === 'EADDRINUSE';
        if (!inUse || attempt >= attempts) throw err;
        log('TCP could not share ephemeral port, retrying (%d)', attempt);
      }
    }
  }

  /** The bound port (shared by UDP and TCP). */
  get port(): number {
    return this.#port;
  }

  /** The port a transport listens on (UDP and TCP share one; TLS, WS and WSS have their own); 0 when not open. */
  portOf(protocol: TransportProtocol): number {
    return this.#ports.get(protocol) ?? (protocol === 'UDP' || protocol === 'TCP' ? this.#port : 0);
  }

  /** The bind address. */
  get host(): string {
    return this.#host;
  }

  /** Live counters. */
  get counters(): Readonly<TransportCounters> {
    return this.#counters;
  }

  /**
   * RFC 3263 resolution (see {@link resolveTargets}); only our transports and our
   * address family. A host learnt from a WebSocket peer's Via or Contact resolves
   * to that peer's connection (RFC 7118 §5); TLS targets carry the URI's host name
   * for SNI and certificate checks.
   */
  resolve(uri: SipUri): Promise<TransportTarget[]> {
    // RFC 7118 §5: a WebSocket peer (a browser) names itself with a random host (`x.invalid`)
    // it cannot be reached at: requests to it go over the connection it opened.
    for (const server of this.#ws.values()) {
      const conn = server.byAlias(bareHost(uri.host));
      if (conn !== undefined) {
        return Promise.resolve([{ protocol: server.protocol, ...conn.remote, connectionId: conn.id }]);
      }
    }
    if (bareHost(uri.host).endsWith('.invalid')) {
      // RFC 6761 §6.4: never looked up; a WebSocket peer that went away must connect again.
      return Promise.reject(new TransportError('ERR_TRANSPORT_CLOSED', `no connection from the peer named ${uri.host}`));
    }
    const input = resolveInputOf(uri);
    const name = bareHost(input.maddr ?? input.host);
    return resolveTargets(input, this.#resolver, {
      supported: this.#protocols,
      families: [isIP(this.#host) === 6 ? 6 : 4],
    }).then((targets) => isIP(name) !== 0 ? targets
      // RFC 5922 §7.2: a TLS server is checked against the domain of the URI, not the SRV target.
      : targets.map((t) => t.protocol === 'TLS' || t.protocol === 'WSS' ? { ...t, serverName: name } : t));
  }

  /** See {@link SipTransportLayer.prepareRequest}. */
  prepareRequest(request: SipRequest, target: TransportTarget): { request: SipRequest; target: TransportTarget } {
    const r = prepareOutgoingRequest(request, target, {
      supported: this.#protocols,
      udpLimit: this.#udpLimit,
      sentBy: (p) => this.contactAddress(p),
    });
    if (r.switched) {
      this.#counters.udpToTcpSwitches++;
      log('request larger than %d bytes: switching to TCP %s:%d', this.#udpLimit, target.address, target.port);
    }
    return { request: r.request, target: r.target };
  }

  /** See {@link SipTransportLayer.send}. */
  async send(message: SipRequest | SipResponse, target: TransportTarget): Promise<void> {
    try {
      await this.#sendBytes(toWire(message), target);
      this.#counters.messagesOut++;
    } catch (err) {
      this.#counters.sendErrors++;
      if (err instanceof TransportError) throw err;
      throw new TransportError('ERR_TRANSPORT_SEND', `send failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async #sendBytes(bytes: Buffer, target: TransportTarget): Promise<void> {
    if (this.#closing) throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport is closed');
    if (target.protocol === 'UDP') {
      if (this.#udp === undefined) throw new TransportError('ERR_TRANSPORT_UNSUPPORTED', 'UDP is not enabled');
      await this.#udp.send(bytes, target);
    } else if (target.protocol === 'TCP' || target.protocol === 'TLS') {
      const pool = target.protocol === 'TCP' ? this.#tcp : this.#tls;
      if (pool === undefined) throw new TransportError('ERR_TRANSPORT_UNSUPPORTED', `${target.protocol} is not enabled`);
      let conn = target.connectionId === undefined ? undefined : pool.get(target.connectionId);
      conn ??= await pool.connectionTo({ address: bareHost(target.address), port: target.port }, target.serverName);
      await conn.write(bytes);
    } else if (target.protocol === 'WS' || target.protocol === 'WSS') {
      const server = this.#ws.get(target.protocol);
      if (server === undefined) throw new TransportError('ERR_TRANSPORT_UNSUPPORTED', `${target.protocol} is not enabled`);
      const conn = (target.connectionId === undefined ? undefined : server.get(target.connectionId))
        ?? await server.connectionTo({ address: bareHost(target.address), port: target.port }, target.serverName);
      await conn.write(bytes);
    } else {
      throw new TransportError('ERR_TRANSPORT_UNSUPPORTED', `${target.protocol} is not implemented`);
    }
    this.#counters.bytesOut += bytes.byteLength;
  }

  /** See {@link SipTransportLayer.responseTarget}. */
  responseTarget(inbound: InboundMessage): TransportTarget {
    const t = responseTargetFor(inbound);
    if (t.connectionId !== undefined && !this.#hasConnection(t.protocol, t.connectionId)) {
      const { connectionId: _closed, ...rest } = t;
      return rest;
    }
    return t;
  }

  #hasConnection(protocol: TransportProtocol, id: string): boolean {
    if (protocol === 'TCP') return this.#tcp?.get(id) !== undefined;
    if (protocol === 'TLS') return this.#tls?.get(id) !== undefined;
    if (protocol === 'WS' || protocol === 'WSS') return this.#ws.get(protocol)?.get(id) !== undefined;
    return false;
  }

  /** True for TCP, TLS, WS, WSS. */
  isReliable(protocol: TransportProtocol): boolean {
    return isReliableProtocol(protocol);
  }

  /**
   * The public address if configured, else the bind address; with the port of
   * that transport's listener (a public port given for UDP/TCP applies to them only).
   */
  contactAddress(protocol: TransportProtocol): Endpoint {
    const pub = this.#publicAddress;
    const port = this.portOf(protocol);
    if (pub === undefined) return { address: this.#host, port };
    if (typeof pub === 'string') return { address: bareHost(pub), port };
    return { address: bareHost(pub.address), port: protocol === 'UDP' || protocol === 'TCP' ? pub.port : port };
  }

  /** Close listeners and every connection; resolves once all are closed. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([this.#udp?.close(), this.#tcp?.close(), this.#tls?.close(), ...[...this.#ws.values()].map((w) => w.close())]);
      // Socket close callbacks run before libuv has released the handles; two turns of the
      // event loop pass its close phase, so nothing of ours is left when close() resolves.
      // (node:timers' setImmediate is the real one even under vitest fake timers.)
      await loopTurn();
      await loopTurn();
      log('closed %s port %d', this.#host, this.#port);
    })();
    return this.#closing;
  }

  /** `await using` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #onDatagram(data: Buffer, source: Endpoint): void {
    if (this.#closing) return;
    this.#counters.bytesIn += data.byteLength;
    if (isKeepaliveDatagram(data)) return;
    const meta: InboundMeta = { protocol: 'UDP', source, local: this.#udp!.local };
    handleInbound(this.#inbound, data, meta, (reply) => this.#reply(reply, { protocol: 'UDP', ...source }));
  }

  #onFrame(protocol: 'TCP' | 'TLS', conn: TcpConnection, bytes: Buffer): void {
    if (this.#closing) return;
    const meta: InboundMeta = { protocol, source: conn.remote, local: conn.local, connectionId: conn.id };
    handleInbound(this.#inbound, bytes, meta, (reply) => this.#reply(reply, { protocol, ...conn.remote, connectionId: conn.id }));
  }

  #onWsMessage(protocol: 'WS' | 'WSS', conn: WsConnection, bytes: Buffer): void {
    if (this.#closing) return;
    const meta: InboundMeta = { protocol, source: conn.remote, local: conn.local, connectionId: conn.id };
    handleInbound(this.#inbound, bytes, meta, (reply) => this.#reply(reply, { protocol, ...conn.remote, connectionId: conn.id }));
  }

  #onFramingError(protocol: 'TCP' | 'TLS', conn: TcpConnection, err: unknown, head: Buffer): void {
    log('framing error on %s, closing: %s', conn.id, (err as Error).message);
    const meta: InboundMeta = { protocol, source: conn.remote, local: conn.local, connectionId: conn.id };
    answerParseFailure(this.#inbound, err, head, meta, (reply) => {
      this.#counters.messagesOut++;
      this.#counters.bytesOut += reply.byteLength;
      conn.write(reply).catch(() => { /* closing anyway */ });
    });
  }

  #reply(bytes: Buffer, target: TransportTarget): void {
    this.#sendBytes(bytes, target).then(
      () => { this.#counters.messagesOut++; },
      (err) => log('could not send error response: %s', (err as Error).message),
    );
  }

  #socketError(protocol: TransportProtocol, err: Error): void {
    this.safeEmit('error', new TransportError('ERR_TRANSPORT_SOCKET', `${protocol} socket error: ${err.message}`, { cause: err }));
  }
}
