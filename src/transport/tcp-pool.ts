import createDebug from 'debug';
import { isIP } from 'node:net';
import type { Server, Socket } from 'node:net';
import { TransportError } from './errors.js';
import { TCP_DIALECT } from './stream-dialect.js';
import type { PoolCounterKeys, StreamDialect } from './stream-dialect.js';
import { StreamFramer } from '../sip/index.js';
import type { SipLimits } from '../sip/index.js';
import type { Clock, TimerHandle } from '../util/index.js';
import type { Endpoint, TransportCounters } from './types.js';

const log = createDebug('sipline:transport');

/** What a {@link TcpPool} reports to its owner. */
export interface TcpPoolOwner {
  readonly counters: TransportCounters;
  readonly clock: Clock;
  readonly limits: Partial<SipLimits> | undefined;
  readonly idleTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxConnections: number;
  /** One framed message. */
  onFrame(conn: TcpConnection, bytes: Buffer): void;
  /**
   * The framer gave up: answer if possible (through `conn.write`); the pool closes the connection
   * afterwards. `head` is the start of the message that failed (at most 16 KiB), for recovering headers.
   */
  onFramingError(conn: TcpConnection, err: unknown, head: Buffer): void;
  /** A listener-level error. */
  onError(err: TransportError): void;
  /** Socket factory; default {@link TCP_DIALECT}. */
  readonly dialect?: StreamDialect;
}

/** The timing and size settings of a pool. */
export type PoolSettings = Pick<TcpPoolOwner, 'idleTimeoutMs' | 'connectTimeoutMs' | 'maxConnections'>;

/** Octets kept from the start of the message being framed (to answer a framing error). */
const HEAD_MAX = 16 * 1024;
const EMPTY = Buffer.alloc(0);

/** How long a connection that we ended may linger before it is destroyed. */
const END_GRACE_MS = 2000;

/**
 * One TCP connection carrying SIP (inbound or outbound), with its framer
 * (RFC 3261 §18.3) and idle timer.
 */
export class TcpConnection {
  /** Stable id, used as `TransportTarget.connectionId`. */
  readonly id: string;
  /** The peer's address and port. */
  readonly remote: Endpoint;
  /** Our side. */
  readonly local: Endpoint;
  /** Who opened it. */
  readonly direction: 'inbound' | 'outbound';
  /** @internal */
  readonly socket: Socket;
  /** @internal */
  readonly framer: StreamFramer;
  /** @internal Clock time of the last traffic either way. */
  lastActivity: number;
  /** @internal */
  idleTimer: TimerHandle | undefined;
  /** @internal */
  endTimer: TimerHandle | undefined;
  /** @internal the first octets of the message being framed. */
  head: Buffer = EMPTY;
  /** @internal set once we stop using it. */
  closing = false;
  /** @internal resolves when the socket has closed. */
  readonly closed: Promise<void>;

  readonly #clock: Clock;

  /** @internal */
  constructor(id: string, socket: Socket, direction: 'inbound' | 'outbound', framer: StreamFramer, clock: Clock) {
    this.#clock = clock;
    this.id = id;
    this.socket = socket;
    this.direction = direction;
    this.framer = framer;
    this.lastActivity = clock.now();
    this.remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    this.local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Write bytes; rejects with `ERR_TRANSPORT_CLOSED` or `ERR_TRANSPORT_SEND`. */
  write(bytes: Buffer): Promise<void> {
    if (this.closing || this.socket.destroyed || !this.socket.writable) {
      return Promise.reject(new TransportError('ERR_TRANSPORT_CLOSED', `connection ${this.id} is closed`));
    }
    this.lastActivity = this.#clock.now();
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => {
        if (err) reject(new TransportError('ERR_TRANSPORT_SEND', `write on ${this.id} failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }
}

const remoteKey = (address: string, port: number): string => `${address.toLowerCase()}|${port}`;

/**
 * The TCP side of the transport: a listener, outbound connects, and one
 * connection per remote address:port reused in both directions (a response goes
 * back on the request's connection, §18.2.2; a request to a peer we already
 * have a connection with uses it, §18.1.1). Connections close after
 * `idleTimeoutMs` without traffic, on framing errors, and on {@link TcpPool.close}.
 * RFC 5626 CRLFCRLF pings are answered with a CRLF pong.
 */
export class TcpPool {
  readonly #owner: TcpPoolOwner;
  readonly #dialect: StreamDialect;
  readonly #host: string;
  readonly #byId = new Map<string, TcpConnection>();
  readonly #byRemote = new Map<string, TcpConnection>();
  readonly #connecting = new Map<string, Promise<TcpConnection>>();
  readonly #dialing = new Set<Socket>();
  #server: Server | undefined;
  #nextId = 1;
  #closed = false;

  /**
   * @param host - numeric local address (listen address and source of outbound connections)
   * @param owner - callbacks, counters and settings
   */
  constructor(host: string, owner: TcpPoolOwner) {
    this.#host = host;
    this.#owner = owner;
    this.#dialect = owner.dialect ?? TCP_DIALECT;
  }

  #count(key: keyof PoolCounterKeys, value?: number): void {
    const name = this.#dialect.counterKeys[key];
    if (value === undefined) this.#owner.counters[name]++;
    else this.#owner.counters[name] = value;
  }

  /** Listen; resolves with the port; rejects with `ERR_TRANSPORT_BIND` (the cause keeps the errno code). */
  listen(port: number): Promise<number> {
    const name = this.#dialect.name;
    const server = this.#dialect.createServer((socket) => this.#accept(socket));
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        server.close();
        reject(new TransportError('ERR_TRANSPORT_BIND', `cannot listen on ${name} ${this.#host}:${port}: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen({ host: this.#host, port, exclusive: true, ipv6Only: isIP(this.#host) === 6 }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.#owner.onError(new TransportError('ERR_TRANSPORT_SOCKET', `${name} listener: ${err.message}`, { cause: err })));
        this.#server = server;
        const a = server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  }

  /** Open connections. */
  get size(): number {
    return this.#byId.size;
  }

  /** The open connection with this id. */
  get(id: string): TcpConnection | undefined {
    const c = this.#byId.get(id);
    return c !== undefined && !c.closing ? c : undefined;
  }

  /**
   * An open connection to `remote` (either direction), or a new outbound one.
   * @param serverName - host name of the target (TLS SNI and certificate check), if known
   */
  async connectionTo(remote: Endpoint, serverName?: string): Promise<TcpConnection> {
    if (this.#closed) throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport is closed');
    const k = remoteKey(remote.address, remote.port);
    const existing = this.#byRemote.get(k);
    if (existing !== undefined && !existing.closing) return existing;
    const pending = this.#connecting.get(k);
    if (pending !== undefined) return pending;
    const p = this.#connect(remote, serverName).finally(() => this.#connecting.delete(k));
    this.#connecting.set(k, p);
    return p;
  }

  /** Close the listener and every connection; resolves once all are closed. */
  async close(): Promise<void> {
    this.#closed = true;
    const waits: Promise<void>[] = [];
    if (this.#server !== undefined) {
      const server = this.#server;
      waits.push(new Promise((resolve) => server.close(() => resolve())));
    }
    for (const c of [...this.#byId.values()]) {
      waits.push(c.closed);
      this.#drop(c);
      c.socket.destroy();
    }
    for (const s of this.#dialing) {
      waits.push(new Promise((resolve) => s.once('close', () => resolve())));
      s.destroy();
    }
    await Promise.allSettled([...this.#connecting.values()]);
    await Promise.all(waits);
  }

  /** End a connection after pending writes (framing error); destroyed after a grace period. */
  endConnection(conn: TcpConnection): void {
    if (conn.closing) return;
    this.#drop(conn);
    conn.socket.end();
    conn.endTimer = this.#owner.clock.setTimeout(() => conn.socket.destroy(), END_GRACE_MS);
  }

  #connect(remote: Endpoint, serverName: string | undefined): Promise<TcpConnection> {
    const owner = this.#owner;
    if (isIP(remote.address) !== isIP(this.#host)) {
      return Promise.reject(new TransportError('ERR_TRANSPORT_CONNECT', `cannot reach ${remote.address} from ${this.#host}`));
    }
    if (this.#byId.size >= owner.maxConnections) {
      this.#count('refused');
      return Promise.reject(new TransportError('ERR_TRANSPORT_CONNECT', `${this.#dialect.name} connection limit (${owner.maxConnections}) reached`));
    }
    return new Promise((resolve, reject) => {
      const dialect = this.#dialect;
      const socket = dialect.connect(remote, this.#host, serverName);
      this.#dialing.add(socket);
      let settled = false;
      let tcpConnected = false;
      if (dialect.readyEvent !== 'connect') socket.once('connect', () => { tcpConnected = true; });
      const timer = owner.clock.setTimeout(() => fail(new Error(`timed out after ${owner.connectTimeoutMs} ms`)), owner.connectTimeoutMs);
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        this.#dialing.delete(socket);
        owner.clock.clearTimeout(timer);
        socket.destroy();
        reject(dialect.connectError(remote, err, tcpConnected));
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error('closed before connecting')));
      socket.once(dialect.readyEvent, () => {
        if (settled) return;
        settled = true;
        this.#dialing.delete(socket);
        owner.clock.clearTimeout(timer);
        socket.off('error', fail);
        if (this.#closed) {
          socket.destroy();
          reject(new TransportError('ERR_TRANSPORT_CLOSED', 'transport closed while connecting'));
          return;
        }
        resolve(this.#adopt(socket, 'outbound'));
      });
    });
  }

  #accept(socket: Socket): void {
    if (this.#closed || this.#byId.size >= this.#owner.maxConnections) {
      this.#count('refused');
      log('refusing %s connection from %s:%d (limit %d)', this.#dialect.name, socket.remoteAddress, socket.remotePort, this.#owner.maxConnections);
      socket.destroy();
      return;
    }
    this.#adopt(socket, 'inbound');
  }

  #adopt(socket: Socket, direction: 'inbound' | 'outbound'): TcpConnection {
    const owner = this.#owner;
    const id = `${this.#dialect.idPrefix}-${this.#nextId++}`;
    const conn = new TcpConnection(id, socket, direction, new StreamFramer({ limits: owner.limits }), owner.clock);
    this.#byId.set(id, conn);
    const k = remoteKey(conn.remote.address, conn.remote.port);
    if (!this.#byRemote.has(k)) this.#byRemote.set(k, conn);
    this.#count('open', this.#byId.size);
    this.#count('total');
    log('%s %s connection %s %s:%d', direction, this.#dialect.name, id, conn.remote.address, conn.remote.port);

    socket.on('data', (chunk: Buffer) => this.#onData(conn, chunk));
    socket.on('error', (err) => log('connection %s error: %s', id, err.message));
    socket.once('close', () => {
      this.#drop(conn);
      if (conn.endTimer !== undefined) owner.clock.clearTimeout(conn.endTimer);
      log('%s connection %s closed', this.#dialect.name, id);
    });
    this.#armIdle(conn, owner.idleTimeoutMs);
    return conn;
  }

  #onData(conn: TcpConnection, chunk: Buffer): void {
    if (conn.closing) return;
    const owner = this.#owner;
    owner.counters.bytesIn += chunk.byteLength;
    conn.lastActivity = owner.clock.now();
    let events;
    try {
      events = conn.framer.push(chunk);
    } catch (err) {
      events = [{ type: 'error' as const, error: err }];
    }
    this.#trackHead(conn, chunk);
    for (const ev of events) {
      if (conn.closing) return;
      if (ev.type === 'message') {
        owner.onFrame(conn, ev.data);
      } else if (ev.type === 'error') {
        owner.onFramingError(conn, ev.error, conn.head);
        this.endConnection(conn);
        return;
      } else if (ev.kind === 'ping') {
        owner.counters.keepalivesAnswered++;
        conn.write(Buffer.from('\r\n')).catch(() => { /* connection went away */ });
      }
    }
  }

  /** Keep the first octets of the not-yet-framed region (bounded), without copying whole streams. */
  #trackHead(conn: TcpConnection, chunk: Buffer): void {
    const pending = conn.framer.pending;
    if (pending === 0) {
      conn.head = EMPTY;
    } else if (pending <= chunk.length) {
      const start = chunk.length - pending;
      conn.head = Buffer.from(chunk.subarray(start, start + HEAD_MAX));
    } else if (conn.head.length === pending - chunk.length && conn.head.length < HEAD_MAX) {
      conn.head = Buffer.concat([conn.head, chunk.subarray(0, HEAD_MAX - conn.head.length)]);
    }
  }

  #armIdle(conn: TcpConnection, ms: number): void {
    const clock = this.#owner.clock;
    conn.idleTimer = clock.setTimeout(() => {
      conn.idleTimer = undefined;
      if (conn.closing) return;
      const idle = clock.now() - conn.lastActivity;
      const left = this.#owner.idleTimeoutMs - idle;
      if (left > 0) {
        this.#armIdle(conn, left);
        return;
      }
      log('closing idle %s connection %s', this.#dialect.name, conn.id);
      this.#count('idleClosed');
      this.#drop(conn);
      conn.socket.destroy();
    }, Math.max(1, ms));
  }

  #drop(conn: TcpConnection): void {
    if (conn.idleTimer !== undefined) {
      this.#owner.clock.clearTimeout(conn.idleTimer);
      conn.idleTimer = undefined;
    }
    if (conn.closing) return;
    conn.closing = true;
    this.#byId.delete(conn.id);
    const k = remoteKey(conn.remote.address, conn.remote.port);
    if (this.#byRemote.get(k) === conn) this.#byRemote.delete(k);
    this.#count('open', this.#byId.size);
  }
}
