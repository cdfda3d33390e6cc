import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { TransportError } from './errors.js';
import type { Endpoint, TransportCounters } from './types.js';

/** Counter names a pool updates: one set for TCP, one for TLS. */
export interface PoolCounterKeys {
  /** Gauge of open connections. */
  readonly open: keyof TransportCounters;
  /** Connections ever opened or accepted. */
  readonly total: keyof TransportCounters;
  /** Connections refused by the limit. */
  readonly refused: keyof TransportCounters;
  /** Connections closed by the idle timer. */
  readonly idleClosed: keyof TransportCounters;
}

/**
 * How a {@link TcpPool} makes its sockets: plain TCP (node:net) or TLS (node:tls, see
 * tls-dialect.ts). Everything else (framing, reuse, idle close, limits) is shared.
 */
export interface StreamDialect {
  /** Transport name, for logs and errors. */
  readonly name: 'TCP' | 'TLS';
  /** Prefix of connection ids (`tcp-1`, `tls-1`). */
  readonly idPrefix: string;
  /** Counters this pool updates. */
  readonly counterKeys: PoolCounterKeys;
  /** A listening server that calls `onSocket` with each ready (for TLS: handshaken) socket. */
  createServer(onSocket: (socket: Socket) => void): Server;
  /** Start an outbound connection; `serverName` is the target's host name (SNI), if known. */
  connect(remote: Endpoint, localAddress: string, serverName: string | undefined): Socket;
  /** Event the connecting socket emits once usable: `connect` (TCP) or `secureConnect` (TLS). */
  readonly readyEvent: 'connect' | 'secureConnect';
  /** Turn a failure while connecting into a typed error (`tcpConnected`: the TCP part had succeeded). */
  connectError(remote: Endpoint, err: Error, tcpConnected: boolean): TransportError;
}

/** The plain TCP dialect (RFC 3261 §18). */
export const TCP_DIALECT: StreamDialect = {
  name: 'TCP',
  idPrefix: 'tcp',
  counterKeys: { open: 'tcpConnections', total: 'tcpConnectionsTotal', refused: 'tcpConnectionsRefused', idleClosed: 'tcpIdleClosed' },
  createServer(onSocket) {
    const server = createServer({ noDelay: true });
    server.on('connection', onSocket);
    return server;
  },
  connect(remote, localAddress) {
    return createConnection({ host: remote.address, port: remote.port, localAddress, noDelay: true });
  },
  readyEvent: 'connect',
  connectError(remote, err) {
    return new TransportError('ERR_TRANSPORT_CONNECT', `TCP connect to ${remote.address}:${remote.port} failed: ${err.message}`, { cause: err });
  },
};

