import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { TransportError } from './errors.js';
import type { TlsSettings } from './tls-dialect.js';
import type { Endpoint } from './types.js';

/** What {@link dialWebSocket} needs. */
export interface WsDialOptions {
  /** `WS` (ws://) or `WSS` (wss://). */
  readonly protocol: 'WS' | 'WSS';
  /** Numeric address and port of the server. */
  readonly remote: Endpoint;
  /** Our numeric address (source of the connection). */
  readonly localAddress: string;
  /** HTTP path of the upgrade; default `/`. */
  readonly path?: string;
  /** Host name of the target (SNI and certificate check for WSS), if known. */
  readonly serverName?: string | undefined;
  /** CA, verification and client certificate for WSS. */
  readonly tls?: TlsSettings | undefined;
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Largest message accepted. */
  readonly maxPayload: number;
}

/** An open client WebSocket and the local side of its TCP connection. */
export interface DialedWebSocket {
  /** The open WebSocket, `sip` subprotocol agreed. */
  readonly socket: WebSocket;
  /** Our address and port of the underlying TCP connection. */
  readonly local: Endpoint;
}

/**
 * Open an outbound WebSocket to a SIP server (RFC 7118 §4.1): offers the `sip`
 * subprotocol and fails unless the server accepts it; for WSS the server
 * certificate is verified (on by default, like TLS). Rejects with
 * `ERR_TRANSPORT_CONNECT`, or `ERR_TRANSPORT_TLS` for a certificate failure.
 */
export function dialWebSocket(o: WsDialOptions): Promise<DialedWebSocket> {
  const host = isIP(o.remote.address) === 6 ? `[${o.remote.address}]` : o.remote.address;
  const url = `${o.protocol === 'WSS' ? 'wss' : 'ws'}://${host}:${o.remote.port}${o.path ?? '/'}`;
  const tls = o.tls;
  const name = o.serverName ?? tls?.servername;
  const socket = new WebSocket(url, ['sip'], {
    localAddress: o.localAddress,
    handshakeTimeout: o.timeoutMs,
    maxPayload: o.maxPayload,
    perMessageDeflate: false,
    ...(o.protocol === 'WSS' ? {
      rejectUnauthorized: tls?.rejectUnauthorized ?? true,
      ...(tls?.ca !== undefined ? { ca: tls.ca as string | Buffer | (string | Buffer)[] } : {}),
      ...(tls !== undefined ? { cert: tls.cert, key: tls.key } : {}),
      ...(name !== undefined && isIP(name) === 0 ? { servername: name } : {}),
    } : {}),
  });
  return new Promise((resolve, reject) => {
    let local: Endpoint = { address: o.localAddress, port: 0 };
    let settled = false;
    const fail = (err: TransportError): void => {
      if (settled) return;
      settled = true;
      socket.terminate();
      reject(err);
    };
    socket.once('upgrade', (res: IncomingMessage) => {
      local = { address: res.socket.localAddress ?? o.localAddress, port: res.socket.localPort ?? 0 };
    });
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      fail(new TransportError('ERR_TRANSPORT_CONNECT', `${url} refused the WebSocket upgrade: HTTP ${res.statusCode}`));
    });
    socket.once('error', (err: Error & { code?: unknown }) => {
      const code = typeof err.code === 'string' ? err.code : '';
      const tlsFailure = /CERT|SELF_SIGNED|VERIFY|SSL|ALTNAME|ISSUER/.test(code);
      fail(new TransportError(tlsFailure ? 'ERR_TRANSPORT_TLS' : 'ERR_TRANSPORT_CONNECT', `WebSocket to ${url} failed: ${err.message}`, { cause: err }));
    });
    socket.once('open', () => {
      if (settled) return;
      if (socket.protocol.toLowerCase() !== 'sip') {
        fail(new TransportError('ERR_TRANSPORT_CONNECT', `${url} did not agree on the sip subprotocol`));
        return;
      }
      settled = true;
      resolve({ socket, local });
    });
  });
}
