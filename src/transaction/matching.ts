import type { SipRequest, SipResponse, Via } from '../sip/index.js';

/** The RFC 3261 magic cookie that opens every compliant branch (§8.1.1.7). */
export const MAGIC_COOKIE = 'z9hG4bK';

/**
 * Client transaction key (§17.1.3): top Via branch and CSeq method. A
 * response matches when both equal those of the request (the CSeq method
 * tells a CANCEL's responses from the INVITE's).
 */
export function clientKey(branch: string, method: string): string {
  return `${branch} ${method}`;
}

/** Client key of a response, or `undefined` when its top Via has no branch. */
export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = response.topVia.branch;
  return branch === undefined ? undefined : clientKey(branch, response.cseq.method);
}

/**
 * Server transaction key for an RFC 3261 request (§17.2.3): branch, sent-by
 * of the top Via, and method, with ACK counted as INVITE. `undefined` when the
 * branch lacks the magic cookie (then {@link rfc2543Matches} applies).
 * `method` overrides the request's own (CANCEL looks for the INVITE it cancels, §9.2).
 */
export function serverKey(request: SipRequest, method: string = request.method): string | undefined {
  const via = request.topVia;
  const branch = via.branch;
  if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) return undefined;
  const m = method === 'ACK' ? 'INVITE' : method;
  return `${branch} ${via.host.toLowerCase()}:${via.port ?? ''} ${m}`;
}

function sameVia(a: Via, b: Via): boolean {
  return a.transport === b.transport && a.host.toLowerCase() === b.host.toLowerCase()
    && a.port === b.port && a.branch === b.branch;
}

/**
 * How an RFC 2543 request (no magic cookie) is compared with the request that
 * created a server transaction (§17.2.3; §9.2 for CANCEL):
 * - `same`: retransmission; Request-URI, To tag, From tag, Call-ID, CSeq
 *   (number and method) and top Via match.
 * - `ack`: the ACK of an INVITE; Request-URI, From tag, Call-ID, CSeq number,
 *   top Via match, and the ACK's To tag is the To tag of the response the
 *   transaction sent.
 * - `cancel`: the INVITE a CANCEL targets; as `same` but CSeq method ignored.
 */
export function rfc2543Matches(
  kind: 'same' | 'ack' | 'cancel',
  original: SipRequest,
  lastResponse: SipResponse | undefined,
  incoming: SipRequest,
): boolean {
  if (original.callId !== incoming.callId) return false;
  if (original.cseq.seq !== incoming.cseq.seq) return false;
  if (original.from.tag !== incoming.from.tag) return false;
  if (!sameVia(original.topVia, incoming.topVia)) return false;
  if (!original.uri.equals(incoming.uri)) return false;
  switch (kind) {
    case 'same':
      return original.cseq.method === incoming.cseq.method && original.to.tag === incoming.to.tag;
    case 'ack':
      return original.method === 'INVITE' && lastResponse !== undefined && lastResponse.to.tag === incoming.to.tag;
    case 'cancel':
      return original.method !== 'CANCEL' && original.method !== 'ACK' && original.to.tag === incoming.to.tag;
  }
}

/**
 * Key that identifies a request for the merged-request check of §8.2.2.2
 * (From tag, Call-ID, CSeq), or `undefined` when the request has a To tag
 * (in-dialog, never merged) or no From tag.
 */
export function mergeKey(request: SipRequest): string | undefined {
  if (request.to.tag !== undefined) return undefined;
  const fromTag = request.from.tag;
  if (fromTag === undefined) return undefined;
  const cseq = request.cseq;
  return `${fromTag}\u0000${request.callId}\u0000${cseq.seq}\u0000${cseq.method}`;
}
