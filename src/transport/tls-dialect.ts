import createDebug from 'debug';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { TransportError } from './errors.js';
import type { StreamDialect } from './stream-dialect.js';
import type { Endpoint, TransportCounters } from './types.js';

const log = createDebug('sipline:transport');

/** PEM text or bytes. */
export type PemInput = string | Buffer;

/**
 * TLS settings of the transport (RFC 3261 §26.3.1, RFC 5630, RFC 5922). The same
 * certificate serves the TLS listener, the WSS listener, and our side of outbound
 * TLS connections (presented when a server asks for a client certificate).
 */
export interface TlsSettings {
  /** Port of the TLS listener; default the SIP port + 1 (5061), or an ephemeral one when the SIP port is 0. */
  readonly port?: number;
  /** Our certificate chain (PEM). */
  readonly cert: PemInput;
  /** Private key of {@link TlsSettings.cert} (PEM). */
  readonly key: PemInput;
  /** Certificate authorities to trust instead of Node's bundled list (PEM, one or several). */
  readonly ca?: PemInput | readonly PemInput[];
  /**
   * Verify the far end's certificate: the server's when we connect (always asked),
   * the client's when {@link TlsSettings.requestCert} is on. Default `true`: turning it
   * off accepts any certificate and is for tests only.
   */
  readonly rejectUnauthorized?: boolean;
  /** Ask connecting clients for a certificate (mutual TLS). Default `false`. */
  readonly requestCert?: boolean;
  /**
   * Host name to send as SNI and to check the server certificate against when the
   * target was a numeric address. Default: the target's host name when it was a
   * name, else the numeric address is checked against the certificate's IP entries.
   */
  readonly servername?: string;
  /** Give up a TLS handshake (either direction) after this long. Default 10 000 ms. */
  readonly handshakeTimeoutMs?: number;
}

/** Default TLS handshake timeout. */
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** True for an OpenSSL / Node error that comes from certificate verification or the handshake. */
function isTlsFailure(err: Error & { code?: unknown }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  return /CERT|SELF_SIGNED|VERIFY|SSL|TLS|ISSUER|ALTNAME|EPROTO/.test(code);
}

function caList(ca: TlsSettings['ca']): PemInput[] | undefined {
  if (ca === undefined) return undefined;
  return Array.isArray(ca) ? [...(ca as readonly PemInput[])] : [ca as PemInput];
}

/**
 * The TLS stream dialect of a {@link TcpPool} (RFC 3261 §26.2, RFC 5922 §7): a
 * `node:tls` server that hands over handshaken sockets, and outbound connects
 * that verify the server's certificate by default (`rejectUnauthorized`), send
 * SNI when the target has a host name, and fail with `ERR_TRANSPORT_TLS` when the
 * handshake or the verification fails.
 *
 * @param settings - certificate, key, CA and verification options
 * @param counters - where handshake failures are counted
 */
export function createTlsDialect(settings: TlsSettings, counters: TransportCounters): StreamDialect {
  const rejectUnauthorized = settings.rejectUnauthorized ?? true;
  const ca = caList(settings.ca);
  const handshakeTimeout = settings.handshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS;
  const common = { cert: settings.cert, key: settings.key, ...(ca !== undefined ? { ca } : {}) };
  return {
    name: 'TLS',
    idPrefix: 'tls',
    counterKeys: { open: 'tlsConnections', total: 'tlsConnectionsTotal', refused: 'tlsConnectionsRefused', idleClosed: 'tlsIdleClosed' },
    createServer(onSocket) {
      const requestCert = settings.requestCert ?? false;
      const server = createTlsServer({
        ...common,
        requestCert,
        rejectUnauthorized: requestCert && rejectUnauthorized,
        handshakeTimeout,
      });
      server.on('secureConnection', (socket: TLSSocket) => {
        socket.setNoDelay(true);
        onSocket(socket);
      });
      server.on('tlsClientError', (err, socket) => {
        counters.tlsHandshakeFailures++;
        log('TLS handshake from %s:%d failed: %s', socket.remoteAddress, socket.remotePort, err.message);
        socket.destroy();
      });
      return server;
    },
    connect(remote: Endpoint, localAddress: string, serverName: string | undefined): Socket {
      const name = serverName ?? settings.servername;
      // tls.connect passes net.connect options (localAddress) through to the TCP socket.
      const options: ConnectionOptions & { localAddress: string } = {
        ...common,
        host: remote.address,
        port: remote.port,
        localAddress,
        rejectUnauthorized,
        // RFC 6066 §3: SNI carries host names only, never literal addresses.
        ...(name !== undefined && isIP(name) === 0 ? { servername: name } : {}),
      };
      const socket = tlsConnect(options);
      socket.setNoDelay(true);
      return socket;
    },
    readyEvent: 'secureConnect',
    connectError(remote, err, tcpConnected) {
      if (tcpConnected || isTlsFailure(err)) {
        counters.tlsHandshakeFailures++;
        return new TransportError('ERR_TRANSPORT_TLS', `TLS handshake with ${remote.address}:${remote.port} failed: ${err.message}`, { cause: err });
      }
      return new TransportError('ERR_TRANSPORT_CONNECT', `TLS connect to ${remote.address}:${remote.port} failed: ${err.message}`, { cause: err });
    },
  };
}
