import { isIP } from 'node:net';
import { newBranch } from '../sip/index.js';
import type { SipRequest, SipResponse, Via } from '../sip/index.js';
import type { Endpoint, InboundMessage, TransportProtocol, TransportTarget } from './types.js';

/** Default port of a transport when a Via or URI names none (RFC 3261 §18.1.1, §19.1.2). */
export function defaultPort(protocol: TransportProtocol | string): number {
  const p = protocol.toUpperCase();
  return p === 'TLS' || p === 'WSS' ? 5061 : 5060;
}

/** True for connection-oriented transports. */
export function isReliableProtocol(protocol: TransportProtocol | string): boolean {
  return protocol.toUpperCase() !== 'UDP';
}

/** `host` without IPv6 reference brackets, lower-cased. */
export function bareHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.toLowerCase();
}

/** Two hosts (names or numeric, IPv6 with or without brackets) are the same. */
export function sameHost(a: string, b: string): boolean {
  const x = bareHost(a);
  const y = bareHost(b);
  if (x === y) return true;
  // IPv4-mapped IPv6 source addresses from dual-stack sockets.
  return x.replace(/^::ffff:/, '') === y.replace(/^::ffff:/, '');
}

/** The top Via, or undefined when it is missing or malformed (the message layer parses headers lazily). */
export function topViaOf(m: SipRequest | SipResponse): Via | undefined {
  try {
    return m.topVia;
  } catch {
    return undefined;
  }
}

/** True when `m` is a request (as opposed to a response). */
export function isRequest(m: SipRequest | SipResponse): m is SipRequest {
  return 'method' in m;
}

/**
 * RFC 3261 §18.1.1 + RFC 3581 §3: rewrite the top Via of an outgoing request
 * with the transport and sent-by of the socket that sends it, and ask for
 * `rport`. The branch and other parameters are kept.
 */
export function rewriteTopVia(request: SipRequest, protocol: TransportProtocol, sentBy: Endpoint): SipRequest {
  const via = topViaOf(request);
  if (via === undefined) {
    if (request.has('Via')) return request; // malformed: leave it for the peer to reject
    // No Via yet (createRequest leaves it to the transport): add ours with a fresh branch (§8.1.1.7).
    const host = sentBy.address.includes(':') ? `[${sentBy.address}]` : sentBy.address;
    return request.withHeaderPrepended('Via', `SIP/2.0/${protocol} ${host}:${sentBy.port};branch=${newBranch()};rport`);
  }
  const next = via.with({
    transport: protocol,
    host: sentBy.address,
    port: sentBy.port,
    rport: via.rport === undefined ? null : via.rport,
  });
  return request.withTopVia(next);
}

/**
 * RFC 3261 §18.2.1 + RFC 3581 §4: stamp the top Via of a received request with
 * `received` (when the source differs from sent-by, or when `rport` is asked
 * for) and the source port in an empty `rport`.
 */
export function stampReceived(request: SipRequest, source: Endpoint): SipRequest {
  const via = topViaOf(request);
  if (via === undefined) return request;
  const wantsRport = via.rport === null;
  const differs = !sameHost(via.host, source.address);
  if (!wantsRport && !differs) return request;
  const changes: { received?: string; rport?: number } = {};
  if (differs || wantsRport) changes.received = source.address;
  if (wantsRport) changes.rport = source.port;
  return request.withTopVia(via.with(changes));
}

/**
 * RFC 3261 §18.1.2: a response is ours when the sent-by of its top Via names
 * one of our addresses and our port (default port when absent).
 */
export function isSentByUs(response: SipResponse, names: readonly string[], ports: readonly number[]): boolean {
  const via = topViaOf(response);
  if (via === undefined) return false;
  const port = via.port ?? defaultPort(via.transport);
  if (!ports.includes(port)) return false;
  return names.some((n) => sameHost(n, via.host));
}

/**
 * RFC 3261 §18.2.2 + RFC 3581 §4: where a response to an inbound request goes.
 *
 * - Reliable: the connection the request came on (`connectionId`); should it be
 *   closed, `received` (or the sent-by host) at the sent-by port.
 * - Unreliable: `maddr` when present and numeric (sent-by port or default);
 *   else `received` (or the source / sent-by host) at `rport` if present,
 *   else at the sent-by port, else the default port.
 */
export function responseTargetFor(inbound: InboundMessage): TransportTarget {
  const { message, protocol, source } = inbound;
  const via = topViaOf(message);
  if (via === undefined) {
    // Nothing better to go on: answer the packet's source.
    return withConnection({ protocol, address: source.address, port: source.port }, inbound.connectionId);
  }
  const sentByPort = via.port ?? defaultPort(protocol);
  const host = via.received ?? (isIP(bareHost(via.host)) !== 0 ? bareHost(via.host) : source.address);
  if (isReliableProtocol(protocol)) {
    return withConnection({ protocol, address: bareHost(host), port: sentByPort }, inbound.connectionId);
  }
  if (via.maddr !== undefined && isIP(bareHost(via.maddr)) !== 0) {
    return { protocol, address: bareHost(via.maddr), port: sentByPort };
  }
  if (typeof via.rport === 'number') {
    return { protocol, address: bareHost(via.received ?? source.address), port: via.rport };
  }
  return { protocol, address: bareHost(host), port: sentByPort };
}

function withConnection(t: TransportTarget, connectionId: string | undefined): TransportTarget {
  return connectionId === undefined ? t : { ...t, connectionId };
}
