import { isIP } from 'node:net';
import type { SipRequest } from '../sip/index.js';
import { InvalidArgumentError } from '../util/index.js';
import type { TransportLayerOptions, TransportProtocol } from './types.js';
import { topViaOf } from './via-rules.js';

const KNOWN: readonly TransportProtocol[] = ['UDP', 'TCP', 'TLS', 'WS', 'WSS'];

/** Default WS port when the SIP port is fixed (a common choice of SIP servers for RFC 7118). */
export const DEFAULT_WS_PORT = 5066;
/** Default WSS port when the SIP port is fixed. */
export const DEFAULT_WSS_PORT = 7443;

function isPem(v: unknown): boolean {
  return typeof v === 'string' ? v.length > 0 : Buffer.isBuffer(v) && v.byteLength > 0;
}

function checkPort(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new InvalidArgumentError(name, `must be 0-65535, got ${String(value)}`);
  }
}

/**
 * Check the options of `TransportLayer.create`: positive timeouts and limits,
 * known transport names only, a certificate and key for `TLS` and `WSS`, ports
 * in range, paths starting with `/`.
 *
 * @throws InvalidArgumentError naming the offending option
 */
export function validateTransportOptions(transports: readonly TransportProtocol[], opts: TransportLayerOptions): void {
  for (const [name, v] of [['tcpIdleTimeoutMs', opts.tcpIdleTimeoutMs], ['tcpConnectTimeoutMs', opts.tcpConnectTimeoutMs],
    ['maxTcpConnections', opts.maxTcpConnections], ['udpMtuLimit', opts.udpMtuLimit]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new InvalidArgumentError(name, `must be a positive number, got ${v}`);
  }
  for (const t of transports) {
    if (!KNOWN.includes(t)) throw new InvalidArgumentError('transports', `${String(t)} is not one of ${KNOWN.join(', ')}`);
  }
  const tls = opts.tls;
  if ((transports.includes('TLS') || transports.includes('WSS')) && tls === undefined) {
    throw new InvalidArgumentError('tls', 'TLS and WSS need a certificate and key (tls.cert, tls.key)');
  }
  if (tls !== undefined) {
    if (!isPem(tls.cert)) throw new InvalidArgumentError('tls.cert', 'must be a PEM string or Buffer');
    if (!isPem(tls.key)) throw new InvalidArgumentError('tls.key', 'must be a PEM string or Buffer');
    checkPort(tls.port, 'tls.port');
    if (tls.servername !== undefined && (typeof tls.servername !== 'string' || tls.servername === '')) {
      throw new InvalidArgumentError('tls.servername', 'must be a non-empty host name');
    }
    if (tls.handshakeTimeoutMs !== undefined && !(Number.isFinite(tls.handshakeTimeoutMs) && tls.handshakeTimeoutMs > 0)) {
      throw new InvalidArgumentError('tls.handshakeTimeoutMs', `must be a positive number, got ${tls.handshakeTimeoutMs}`);
    }
  }
  for (const [name, ws] of [['ws', opts.ws], ['wss', opts.wss]] as const) {
    if (ws === undefined) continue;
    checkPort(ws.port, `${name}.port`);
    if (ws.path !== undefined && (typeof ws.path !== 'string' || !ws.path.startsWith('/'))) {
      throw new InvalidArgumentError(`${name}.path`, `must start with "/", got ${String(ws.path)}`);
    }
  }
}

/**
 * The ports the TLS, WS and WSS listeners ask for: the configured ones, else
 * (SIP port + 1, 5066, 7443) when the SIP port is fixed, else 0 (ephemeral) when
 * the SIP port is 0.
 */
export function defaultListenPorts(sipPort: number, opts: TransportLayerOptions): { TLS: number; WS: number; WSS: number } {
  const fixed = sipPort !== 0;
  return {
    TLS: opts.tls?.port ?? (fixed ? (sipPort === 65535 ? 0 : sipPort + 1) : 0),
    WS: opts.ws?.port ?? (fixed ? DEFAULT_WS_PORT : 0),
    WSS: opts.wss?.port ?? (fixed ? DEFAULT_WSS_PORT : 0),
  };
}

/**
 * Host names a WebSocket peer uses for itself in a request: its top Via
 * sent-by and its Contact hosts, when they are names (RFC 7118 §5: browsers
 * put a random `.invalid` name there and can only be reached over their connection).
 */
export function aliasHostsOf(request: SipRequest): string[] {
  const out: string[] = [];
  const via = topViaOf(request);
  if (via !== undefined && isIP(via.host) === 0) out.push(via.host);
  try {
    for (const c of request.contact) {
      if ('uri' in c && isIP(c.uri.host) === 0 && !out.includes(c.uri.host)) out.push(c.uri.host);
    }
  } catch {
    // a malformed Contact teaches nothing
  }
  return out;
}
