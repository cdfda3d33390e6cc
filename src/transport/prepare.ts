import type { SipRequest } from '../sip/index.js';
import { toWire } from './inbound.js';
import type { Endpoint, TransportProtocol, TransportTarget } from './types.js';
import { rewriteTopVia } from './via-rules.js';

/** RFC 3261 §18.1.1: the UDP size limit when the path MTU is unknown. */
export const UDP_SIZE_LIMIT = 1300;

/** Inputs of {@link prepareOutgoingRequest}. */
export interface PrepareContext {
  /** Transports we can send on. */
  readonly supported: readonly TransportProtocol[];
  /** Sent-by (address/port to advertise) for a transport. */
  sentBy(protocol: TransportProtocol): Endpoint;
  /** Size limit for UDP. */
  readonly udpLimit: number;
}

/**
 * RFC 3261 §18.1.1 + RFC 3581 §3: rewrite the top Via for the transport that
 * will carry the request and, for a UDP request larger than the limit, switch
 * to TCP when we have it (the target's numeric address is simply tried over TCP
 * at the same port). The `connectionId` of the target is kept only when the
 * protocol is unchanged.
 */
export function prepareOutgoingRequest(
  request: SipRequest, target: TransportTarget, ctx: PrepareContext,
): { request: SipRequest; target: TransportTarget; switched: boolean } {
  const prepared = rewriteTopVia(request, target.protocol, ctx.sentBy(target.protocol));
  if (target.protocol !== 'UDP' || !ctx.supported.includes('TCP')) {
    return { request: prepared, target, switched: false };
  }
  if (toWire(prepared).byteLength <= ctx.udpLimit) return { request: prepared, target, switched: false };
  const tcpTarget: TransportTarget = { protocol: 'TCP', address: target.address, port: target.port };
  return { request: rewriteTopVia(request, 'TCP', ctx.sentBy('TCP')), target: tcpTarget, switched: true };
}
