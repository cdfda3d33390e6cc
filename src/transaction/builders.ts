import { SipRequest, type SipResponse } from '../sip/index.js';

interface HeaderLine { name: string; value: string }

function routeLines(request: SipRequest): HeaderLine[] {
  return request.getAll('Route').map((value) => ({ name: 'Route', value }));
}

/**
 * Build the CANCEL for a request sent earlier (RFC 3261 §9.1): same
 * Request-URI, Call-ID, To, From and CSeq number (method CANCEL), a single
 * Via equal to the request's top Via (so the CANCEL follows the same path and
 * matches the server transaction, §9.2), the same Route header fields, and
 * Max-Forwards 70. Pass the request as sent (`ClientTransaction.request`),
 * whose top Via carries the sent-by the transport filled in.
 * @throws SipParseError when `request` lacks Via, From, To, Call-ID or CSeq.
 */
export function createCancel(request: SipRequest): SipRequest {
  const headers: HeaderLine[] = [
    { name: 'Via', value: request.topVia.toString() },
    ...routeLines(request),
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: request.get('From') ?? request.from.toString() },
    { name: 'To', value: request.get('To') ?? request.to.toString() },
    { name: 'Call-ID', value: request.callId },
    { name: 'CSeq', value: `${request.cseq.seq} CANCEL` },
    { name: 'Content-Length', value: '0' },
  ];
  return new SipRequest('CANCEL', request.uri, headers);
}

/**
 * Build the ACK a client INVITE transaction sends for a 3xx-6xx final response
 * (RFC 3261 §17.1.1.3): Request-URI, Call-ID and From of the original request,
 * To of the response (with its tag), a single Via equal to the original top
 * Via, CSeq number of the request with method ACK, the request's Route header
 * fields, no body. (The ACK for a 2xx is the UAC core's, §13.2.2.4.)
 * @throws SipParseError when a mandatory header is missing.
 */
export function createAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: HeaderLine[] = [
    { name: 'Via', value: invite.topVia.toString() },
    ...routeLines(invite),
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: invite.get('From') ?? invite.from.toString() },
    { name: 'To', value: response.get('To') ?? response.to.toString() },
    { name: 'Call-ID', value: invite.callId },
    { name: 'CSeq', value: `${invite.cseq.seq} ACK` },
    { name: 'Content-Length', value: '0' },
  ];
  return new SipRequest('ACK', invite.uri, headers);
}
