import createDebug from 'debug';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { TransportError } from './errors.js';
import type { TlsSettings } from './tls-dialect.js';
import { dialWebSocket } from './ws-client.js';
import { WsConnection } from './ws-connection.js';
import type { Endpoint, TransportCounters } from './types.js';
import type { Clock } from '../util/index.js';

const log = createDebug('sipline:transport');

/** The WebSocket subprotocol of SIP (RFC 7118 §4.1, IANA registry). */
export const SIP_WS_SUBPROTOCOL = 'sip';

/** Most host aliases remembered per WebSocket connection (Via and Contact hosts, RFC 7118 §5). */
const MAX_ALIASES_PER_CONNECTION = 8;

/** Where a WS or WSS listener listens. */
export interface WsListenSettings {
  /** Port; default 5066 (WS) / 7443 (WSS), or an ephemeral one when the SIP port is 0. */
  readonly port?: number;
  /** HTTP path of the upgrade request, e.g. `/sip`; default: any path. */
  readonly path?: string;
}

/** What a {@link WsServer} reports to its owner. */
export interface WsServerOwner {
  /** Counters to update (connections, refusals, octets in, keep-alives). */
  readonly counters: TransportCounters;
  /** Most WebSocket connections open at once on this listener. */
  readonly maxConnections: number;
  /** Largest WebSocket message accepted (octets); larger ones close the connection (1009). */
  readonly maxMessageSize: number;
  /** One WebSocket message (one SIP message, RFC 7118 §5). */
  onMessage(conn: WsConnection, bytes: Buffer): void;
  /** A listener-level error. */
  onError(err: TransportError): void;
  /** Give up an outbound WebSocket connect after this long. */
  readonly connectTimeoutMs: number;
  /**
   * After this long without traffic a connection is pinged (RFC 6455 §5.5.2); one more
   * period without any traffic or pong closes it.
   */
  readonly idleTimeoutMs: number;
  /** Clock of the idle timer. */
  readonly clock: Clock;
}

/** The protocols asked for in `Sec-WebSocket-Protocol`, as sent. */
function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw.join(',') : raw).split(',').map((p) => p.trim()).filter((p) => p !== '');
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A message of only CR and LF: an RFC 5626-style keep-alive. */
function isKeepalive(data: Buffer): boolean {
  if (data.byteLength === 0 || data.byteLength > 4) return false;
  for (const b of data) if (b !== 0x0d && b !== 0x0a) return false;
  return true;
}

/**
 * A WebSocket (RFC 6455) listener for SIP (RFC 7118), on `node:http` (WS) or
 * `node:https` (WSS), with the `ws` library doing the framing.
 *
 * - The upgrade must offer the `sip` subprotocol (RFC 7118 §4.1) and, when a
 *   path is configured, use it; otherwise it is refused with HTTP 400 / 404.
 * - Each WebSocket message is one SIP message (§5); a CRLF-only message is a
 *   keep-alive (a CRLFCRLF ping is answered with a CRLF pong).
 * - Responses and requests to the peer go back on the connection it opened
 *   (§5): by connection id, by its address and port, or by a host name learnt
 *   from its Via and Contact headers (browsers use random `.invalid` names).
 */
export class WsServer {
  readonly #host: string;
  readonly #protocol: 'WS' | 'WSS';
  readonly #owner: WsServerOwner;
  readonly #tls: TlsSettings | undefined;
  readonly #byId = new Map<string, WsConnection>();
  readonly #byAlias = new Map<string, WsConnection>();
  readonly #connecting = new Map<string, Promise<WsConnection>>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #nextId = 1;
  #closed = false;
  #path: string | undefined;

  /**
   * @param host - numeric address to listen on
   * @param protocol - `WS` or `WSS`
   * @param owner - callbacks, counters and limits
   * @param tls - certificate and key, required for `WSS`
   */
  constructor(host: string, protocol: 'WS' | 'WSS', owner: WsServerOwner, tls?: TlsSettings) {
    if (protocol === 'WSS' && tls === undefined) throw new TypeError('WSS needs TLS settings');
    this.#host = host;
    this.#protocol = protocol;
    this.#owner = owner;
    this.#tls = tls;
  }

  /** `WS` or `WSS`. */
  get protocol(): 'WS' | 'WSS' {
    return this.#protocol;
  }

  /** Open connections. */
  get size(): number {
    return this.#byId.size;
  }

  /** Listen; resolves with the port; rejects with `ERR_TRANSPORT_BIND`. */
  listen(settings: WsListenSettings, port: number): Promise<number> {
    this.#path = settings.path;
    const tls = this.#tls;
    const http = tls === undefined ? createHttpServer() : createHttpsServer({
      cert: tls.cert, key: tls.key,
      ...(tls.ca !== undefined ? { ca: tls.ca as string | Buffer | (string | Buffer)[] } : {}),
      requestCert: tls.requestCert ?? false,
      rejectUnauthorized: (tls.requestCert ?? false) && (tls.rejectUnauthorized ?? true),
    });
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: this.#owner.maxMessageSize,
      handleProtocols: (offered) => [...offered].find((p) => p.toLowerCase() === SIP_WS_SUBPROTOCOL) ?? false,
    });
    http.on('request', (_req, res) => {
      res.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Length': '0' }).end();
    });
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
    http.on('tlsClientError', (err: Error) => {
      this.#owner.counters.tlsHandshakeFailures++;
      log('WSS handshake failed: %s', err.message);
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        http.close();
        reject(new TransportError('ERR_TRANSPORT_BIND', `cannot listen on ${this.#protocol} ${this.#host}:${port}: ${err.message}`, { cause: err }));
      };
      http.once('error', onError);
      http.listen({ host: this.#host, port, exclusive: true, ipv6Only: isIP(this.#host) === 6 }, () => {
        http.off('error', onError);
        http.on('error', (err) => this.#owner.onError(new TransportError('ERR_TRANSPORT_SOCKET', `${this.#protocol} listener: ${err.message}`, { cause: err })));
        this.#http = http;
        this.#wss = wss;
        const a = http.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  }

  /** The open connection with this id. */
  get(id: string): WsConnection | undefined {
    const c = this.#byId.get(id);
    return c?.open === true ? c : undefined;
  }

  /** An open connection from `remote` (address and port of the peer's side). */
  byRemote(remote: Endpoint): WsConnection | undefined {
    for (const c of this.#byId.values()) {
      if (c.open && c.remote.port === remote.port && c.remote.address.toLowerCase() === remote.address.toLowerCase()) return c;
    }
    return undefined;
  }

  /** The open connection whose peer used `host` in a Via or Contact (RFC 7118 §5). */
  byAlias(host: string): WsConnection | undefined {
    const c = this.#byAlias.get(host.toLowerCase());
    return c?.open === true ? c : undefined;
  }

  /**
   * Remember host names the peer on `conn` uses for itself (its Via sent-by and
   * Contact hosts), so requests to them go over this connection. The newest
   * connection wins a name; at most a few names are kept per connection.
   */
  learn(conn: WsConnection, hosts: readonly string[]): void {
    if (!this.#byId.has(conn.id)) return;
    for (const raw of hosts) {
      const h = raw.toLowerCase();
      if (h === '' || isIP(h) !== 0 || conn.aliases.has(h)) continue;
      if (conn.aliases.size >= MAX_ALIASES_PER_CONNECTION) break;
      const previous = this.#byAlias.get(h);
      previous?.aliases.delete(h);
      conn.aliases.add(h);
      this.#byAlias.set(h, conn);
    }
  }

  /**
   * An open connection to `remote` (either direction), or a new outbound one
   * (RFC 7118 §4.1: `sip` subprotocol; WSS verifies the server certificate).
   * @param serverName - host name of the target (WSS SNI and certificate check), if known
   */
  async connectionTo(remote: Endpoint, serverName?: string): Promise<WsConnection> {
    if (this.#closed) throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport is closed');
    const existing = this.byRemote(remote);
    if (existing !== undefined) return existing;
    const key = `${remote.address.toLowerCase()}|${remote.port}`;
    const pending = this.#connecting.get(key);
    if (pending !== undefined) return pending;
    if (this.#byId.size >= this.#owner.maxConnections) {
      this.#owner.counters.wsConnectionsRefused++;
      throw new TransportError('ERR_TRANSPORT_CONNECT', `${this.#protocol} connection limit (${this.#owner.maxConnections}) reached`);
    }
    const p = dialWebSocket({
      protocol: this.#protocol, remote, localAddress: this.#host, serverName, tls: this.#tls,
      timeoutMs: this.#owner.connectTimeoutMs, maxPayload: this.#owner.maxMessageSize,
    }).then(({ socket, local }) => {
      if (this.#closed) {
        socket.terminate();
        throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport closed while connecting');
      }
      return this.#adopt(socket, remote, local, 'outbound');
    }).finally(() => this.#connecting.delete(key));
    this.#connecting.set(key, p);
    return p;
  }

  /** Close the listener and every connection; resolves once all are closed. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#connecting.values()]);
    const waits: Promise<void>[] = [];
    for (const c of [...this.#byId.values()]) {
      waits.push(c.closed);
      this.#drop(c);
      c.socket.terminate();
    }
    const http = this.#http;
    if (http !== undefined) {
      waits.push(new Promise((resolve) => http.close(() => resolve())));
      http.closeAllConnections();
    }
    this.#wss?.close();
    await Promise.all(waits);
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const counters = this.#owner.counters;
    socket.on('error', (err) => log('%s upgrade socket error: %s', this.#protocol, err.message));
    const path = (req.url ?? '/').split('?')[0];
    let refusal: [number, string] | undefined;
    if (this.#closed || this.#wss === undefined) refusal = [503, 'Service Unavailable'];
    else if (this.#path !== undefined && path !== this.#path) refusal = [404, 'Not Found'];
    else if (!offeredProtocols(req).some((p) => p.toLowerCase() === SIP_WS_SUBPROTOCOL)) refusal = [400, 'Bad Request'];
    else if (this.#byId.size >= this.#owner.maxConnections) refusal = [503, 'Service Unavailable'];
    if (refusal !== undefined) {
      counters.wsConnectionsRefused++;
      log('refusing %s upgrade from %s (%d %s)', this.#protocol, req.socket.remoteAddress, refusal[0], refusal[1]);
      refuse(socket, refusal[0], refusal[1]);
      return;
    }
    this.#wss!.handleUpgrade(req, socket, head, (ws) => {
      const s = req.socket;
      if (this.#closed) {
        ws.terminate();
        return;
      }
      this.#adopt(ws, { address: s.remoteAddress ?? '', port: s.remotePort ?? 0 },
        { address: s.localAddress ?? '', port: s.localPort ?? 0 }, 'inbound');
    });
  }

  #adopt(ws: WebSocket, remote: Endpoint, local: Endpoint, direction: 'inbound' | 'outbound'): WsConnection {
    const counters = this.#owner.counters;
    const id = `${this.#protocol.toLowerCase()}-${this.#nextId++}`;
    const conn = new WsConnection(id, ws, remote, local, direction);
    this.#byId.set(id, conn);
    counters.wsConnectionsTotal++;
    counters.wsConnections++;
    log('%s %s connection %s %s:%d', direction, this.#protocol, id, conn.remote.address, conn.remote.port);
    const clock = this.#owner.clock;
    const touch = (): void => { conn.lastActivity = clock.now(); conn.pinged = false; };
    touch();
    conn.onWrite = () => { conn.lastActivity = clock.now(); };
    ws.on('pong', touch);
    this.#armIdle(conn, this.#owner.idleTimeoutMs);
    ws.on('message', (data: RawData) => {
      touch();
      const bytes = toBuffer(data);
      counters.bytesIn += bytes.byteLength;
      if (isKeepalive(bytes)) {
        if (bytes.byteLength === 4) {
          counters.keepalivesAnswered++;
          conn.write(Buffer.from('\r\n')).catch(() => { /* went away */ });
        }
        return;
      }
      this.#owner.onMessage(conn, bytes);
    });
    ws.on('error', (err) => log('%s connection %s error: %s', this.#protocol, id, err.message));
    ws.once('close', (code) => {
      this.#drop(conn);
      log('%s connection %s closed (%d)', this.#protocol, id, code);
    });
    return conn;
  }

  /** Ping an idle connection; close it when a further period passes without any traffic. */
  #armIdle(conn: WsConnection, ms: number): void {
    const { clock, idleTimeoutMs } = this.#owner;
    conn.idleTimer = clock.setTimeout(() => {
      conn.idleTimer = undefined;
      if (this.#byId.get(conn.id) !== conn) return;
      const left = idleTimeoutMs - (clock.now() - conn.lastActivity);
      if (left > 0 && !conn.pinged) {
        this.#armIdle(conn, left);
        return;
      }
      if (!conn.pinged) {
        conn.pinged = true;
        conn.socket.ping();
        this.#armIdle(conn, idleTimeoutMs);
        return;
      }
      log('closing idle %s connection %s (no pong)', this.#protocol, conn.id);
      this.#owner.counters.wsIdleClosed++;
      this.#drop(conn);
      conn.socket.terminate();
    }, Math.max(1, ms));
  }

  #drop(conn: WsConnection): void {
    if (conn.idleTimer !== undefined) {
      this.#owner.clock.clearTimeout(conn.idleTimer);
      conn.idleTimer = undefined;
    }
    if (this.#byId.get(conn.id) !== conn) return;
    this.#byId.delete(conn.id);
    this.#owner.counters.wsConnections--;
    for (const a of conn.aliases) if (this.#byAlias.get(a) === conn) this.#byAlias.delete(a);
  }
}
