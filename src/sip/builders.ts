/**
 * Building requests and responses for the layers above (RFC 3261 §8.1.1, §8.2.6).
 */
import { InvalidArgumentError } from '../util/index.js';
import type { RawHeader } from './errors.js';
import { isToken } from './chars.js';
import { NameAddr } from './name-addr.js';
import { SipRequest } from './request.js';
import { SipResponse } from './response.js';
import { SipUri } from './uri.js';
import { Via } from './via.js';
import { newTag } from './ids.js';
import { reasonPhrase } from './status-codes.js';

/** Options of {@link createRequest}. */
export interface CreateRequestOptions {
  /** Method, e.g. `INVITE`. */
  readonly method: string;
  /** Request-URI. */
  readonly uri: SipUri | string;
  /** From (should carry a tag, §8.1.1.3). */
  readonly from: NameAddr | string;
  /** To. */
  readonly to: NameAddr | string;
  /** Call-ID. */
  readonly callId: string;
  /** CSeq number; the CSeq method is the request method. */
  readonly cseq: number;
  /** Via values, top first; usually added by the transport layer. */
  readonly via?: readonly (Via | string)[];
  /** Max-Forwards, default 70 (§8.1.1.6). */
  readonly maxForwards?: number;
  /** Contact value(s). */
  readonly contact?: NameAddr | string | readonly (NameAddr | string)[];
  /** Extra header lines, in order, after the standard ones. */
  readonly headers?: readonly (readonly [string, string])[];
  /** Body. */
  readonly body?: Buffer | string;
  /** Content-Type of the body. */
  readonly contentType?: string;
}

function str(v: NameAddr | SipUri | Via | string): string {
  return typeof v === 'string' ? v : v.toString();
}

/**
 * Builds a request with Via, Max-Forwards, To, From, Call-ID, CSeq, Contact, extra headers and
 * body (§8.1.1). Content-Length is written on serialize.
 * @throws InvalidArgumentError for a bad method or CSeq number
 */
export function createRequest(opts: CreateRequestOptions): SipRequest {
  if (!isToken(opts.method)) throw new InvalidArgumentError('method', `"${opts.method}" is not a token`);
  if (!Number.isInteger(opts.cseq) || opts.cseq < 0 || opts.cseq > 0xffffffff) {
    throw new InvalidArgumentError('cseq', 'must be an integer 0 to 2^32-1');
  }
  const uri = typeof opts.uri === 'string' ? SipUri.parse(opts.uri) : opts.uri;
  const h: RawHeader[] = [];
  for (const v of opts.via ?? []) h.push({ name: 'Via', value: str(v) });
  h.push({ name: 'Max-Forwards', value: String(opts.maxForwards ?? 70) });
  h.push({ name: 'To', value: str(opts.to) });
  h.push({ name: 'From', value: str(opts.from) });
  h.push({ name: 'Call-ID', value: opts.callId });
  h.push({ name: 'CSeq', value: `${opts.cseq} ${opts.method}` });
  if (opts.contact !== undefined) {
    const list = Array.isArray(opts.contact) ? opts.contact : [opts.contact];
    for (const c of list as (NameAddr | string)[]) h.push({ name: 'Contact', value: str(c) });
  }
  for (const [name, value] of opts.headers ?? []) h.push({ name, value });
  if (opts.contentType !== undefined) h.push({ name: 'Content-Type', value: opts.contentType });
  const body = opts.body === undefined ? Buffer.alloc(0) : typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body;
  return new SipRequest(opts.method, uri, h, body);
}

/** Options of {@link createResponse}. */
export interface CreateResponseOptions {
  /** To tag to add when To has none (status > 100); a random one by default (§8.2.6.2). */
  readonly toTag?: string;
  /** Extra header lines. */
  readonly headers?: readonly (readonly [string, string])[];
  /** Body. */
  readonly body?: Buffer | string;
  /** Content-Type of the body. */
  readonly contentType?: string;
  /** Contact value(s). */
  readonly contact?: NameAddr | string | readonly (NameAddr | string)[];
}

/**
 * Builds a response to `request` per RFC 3261 §8.2.6: Via (all values, in order), From, Call-ID
 * and CSeq copied; To copied with a tag added unless the status is 100 or To already has one;
 * Timestamp copied into a 100 (§8.2.6.1).
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reason?: string,
  opts: CreateResponseOptions = {},
): SipResponse {
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    throw new InvalidArgumentError('status', `${status} is not 100-699`);
  }
  const h: RawHeader[] = [];
  for (const x of request.headers) {
    const n = x.name.toLowerCase();
    if (n === 'via' || n === 'v') h.push({ name: 'Via', value: x.value });
  }
  const from = request.get('from');
  if (from !== undefined) h.push({ name: 'From', value: from });
  const to = request.get('to');
  if (to !== undefined) {
    const addTag = status > 100 && request.to.tag === undefined;
    h.push({ name: 'To', value: addTag ? `${to};tag=${opts.toTag ?? newTag()}` : to });
  }
  const callId = request.get('call-id');
  if (callId !== undefined) h.push({ name: 'Call-ID', value: callId });
  const cseq = request.get('cseq');
  if (cseq !== undefined) h.push({ name: 'CSeq', value: cseq });
  if (status === 100) {
    const ts = request.get('timestamp');
    if (ts !== undefined) h.push({ name: 'Timestamp', value: ts });
  }
  if (opts.contact !== undefined) {
    const list = Array.isArray(opts.contact) ? opts.contact : [opts.contact];
    for (const c of list as (NameAddr | string)[]) h.push({ name: 'Contact', value: str(c) });
  }
  for (const [name, value] of opts.headers ?? []) h.push({ name, value });
  if (opts.contentType !== undefined) h.push({ name: 'Content-Type', value: opts.contentType });
  const body = opts.body === undefined ? Buffer.alloc(0) : typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body;
  return new SipResponse(status, reason ?? reasonPhrase(status), h, body);
}

/**
 * Builds the answer to a request that failed to parse (§8.2.6 applied to what could be read):
 * the error's {@link SipParseError.partial} provides Via, From, To, Call-ID and CSeq. Returns
 * undefined when the error is silent, the message was a response, or Via/Call-ID/CSeq/From/To are
 * missing (then the request must be dropped).
 */
export function createErrorResponse(
  error: import('./errors.js').SipParseError,
  opts: { toTag?: string; headers?: readonly (readonly [string, string])[] } = {},
): SipResponse | undefined {
  const p = error.partial;
  if (error.status === undefined || p === undefined || p.isRequest !== true) return undefined;
  if (p.via.length === 0 || p.callId === undefined || p.cseq === undefined || p.from === undefined || p.to === undefined) {
    return undefined;
  }
  const h: RawHeader[] = p.via.map((value) => ({ name: 'Via', value }));
  h.push({ name: 'From', value: p.from });
  const hasTag = /;\s*tag\s*=/i.test(p.to);
  h.push({ name: 'To', value: hasTag ? p.to : `${p.to};tag=${opts.toTag ?? newTag()}` });
  h.push({ name: 'Call-ID', value: p.callId });
  h.push({ name: 'CSeq', value: p.cseq });
  for (const [name, value] of opts.headers ?? []) h.push({ name, value });
  return new SipResponse(error.status, error.responseReason ?? reasonPhrase(error.status), h);
}
