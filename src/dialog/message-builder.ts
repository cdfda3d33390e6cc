/**
 * Request and response construction for the UA core (RFC 3261 §8.1.1,
 * §8.2.6, §12.2.1.1). Messages are built from raw header lines so the layer
 * controls header order and exactly what is copied.
 */
import { SipRequest, SipResponse, newBranch, reasonPhrase } from '../sip/index.js';
import type { SipUri } from '../sip/index.js';
import { randomIntBetween } from '../util/index.js';

/** A header line to add: name and value. */
export interface HeaderLine {
  /** Header name as it should be written. */
  readonly name: string;
  /** Header value (one line; list values may be comma-joined). */
  readonly value: string;
}

/** Extra headers given by the application: an object or a list of lines. */
export type ExtraHeaders = Readonly<Record<string, string | readonly string[]>> | readonly HeaderLine[];

export { newBranch, newTag, newCallId } from '../sip/index.js';

/** An initial local CSeq number (§8.1.1.5: below 2^31); kept small enough to never wrap. */
export function initialCSeq(): number {
  return randomIntBetween(1, 0x10000);
}

/** Header lines from {@link ExtraHeaders}. */
export function extraHeaderLines(extra: ExtraHeaders | undefined): HeaderLine[] {
  if (extra === undefined) return [];
  if (Array.isArray(extra)) return [...(extra as readonly HeaderLine[])];
  const out: HeaderLine[] = [];
  for (const [name, v] of Object.entries(extra as Record<string, string | readonly string[]>)) {
    if (typeof v === 'string') out.push({ name, value: v });
    else for (const x of v) out.push({ name, value: x });
  }
  return out;
}

/** Fields of {@link buildRequest}. */
export interface RequestFields {
  /** Request method. */
  readonly method: string;
  /** Request-URI. */
  readonly uri: SipUri;
  /** Full From value (with tag). */
  readonly from: string;
  /** Full To value (with tag inside a dialog). */
  readonly to: string;
  /** Call-ID. */
  readonly callId: string;
  /** CSeq number. */
  readonly cseq: number;
  /** CSeq method; defaults to `method`. */
  readonly cseqMethod?: string;
  /** Via branch; a fresh one when absent. The sent-by is rewritten by the transport. */
  readonly branch?: string;
  /** Route values, top first. */
  readonly routes?: readonly string[];
  /** Contact value (`<uri>`), when the request carries one. */
  readonly contact?: string;
  /** User-Agent header value. */
  readonly userAgent?: string;
  /** Extra lines placed after the core headers. */
  readonly headers?: readonly HeaderLine[];
  /** Body. */
  readonly body?: Buffer | string;
  /** Content-Type of the body (written only with a non-empty body). */
  readonly contentType?: string;
}

/**
 * Build a request (§8.1.1): Via (placeholder sent-by, completed by the
 * transport's `prepareRequest`), Max-Forwards 70, Route, From, To, Call-ID,
 * CSeq, Contact, User-Agent, extra headers, Content-Type and body.
 */
export function buildRequest(f: RequestFields): SipRequest {
  const lines: HeaderLine[] = [
    { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1;branch=${f.branch ?? newBranch()};rport` },
    { name: 'Max-Forwards', value: '70' },
  ];
  for (const r of f.routes ?? []) lines.push({ name: 'Route', value: r });
  lines.push(
    { name: 'From', value: f.from },
    { name: 'To', value: f.to },
    { name: 'Call-ID', value: f.callId },
    { name: 'CSeq', value: `${f.cseq} ${f.cseqMethod ?? f.method}` },
  );
  if (f.contact !== undefined && !overrides(f.headers, 'contact')) lines.push({ name: 'Contact', value: f.contact });
  if (f.userAgent !== undefined) lines.push({ name: 'User-Agent', value: f.userAgent });
  lines.push(...(f.headers ?? []));
  const body = toBuffer(f.body);
  if (body.length > 0 && f.contentType !== undefined) lines.push({ name: 'Content-Type', value: f.contentType });
  lines.push({ name: 'Content-Length', value: String(body.length) });
  return new SipRequest(f.method, f.uri, lines, body);
}

/** Options of {@link buildResponse}. */
export interface ResponseFields {
  /** Reason phrase; the standard one when absent. */
  readonly reason?: string;
  /** To tag to add when the request's To has none. */
  readonly toTag?: string;
  /** Contact value (`<uri>`). */
  readonly contact?: string;
  /** Server header value. */
  readonly server?: string;
  /** Record-Route values to copy (2xx/1xx to a dialog-creating request, §12.1.1). */
  readonly recordRoute?: readonly string[];
  /** Extra header lines. */
  readonly headers?: readonly HeaderLine[];
  /** Body. */
  readonly body?: Buffer | string;
  /** Content-Type of the body (written only with a non-empty body). */
  readonly contentType?: string;
}

/**
 * Build a response to `request` (§8.2.6.2): Via lines, From, To (with our tag
 * when given and absent), Call-ID, CSeq and Timestamp copied, then Record-Route,
 * Contact, Server, extra headers, Content-Type and body.
 */
export function buildResponse(request: SipRequest, status: number, f: ResponseFields = {}): SipResponse {
  const lines: HeaderLine[] = [];
  for (const h of request.headers) {
    const n = h.name.toLowerCase();
    if (n === 'via' || n === 'v') lines.push({ name: 'Via', value: h.value });
  }
  const from = request.get('From');
  let to = request.get('To') ?? '';
  if (f.toTag !== undefined && !hasTag(request)) to = `${to};tag=${f.toTag}`;
  if (from !== undefined) lines.push({ name: 'From', value: from });
  lines.push({ name: 'To', value: to });
  const callId = request.get('Call-ID');
  if (callId !== undefined) lines.push({ name: 'Call-ID', value: callId });
  const cseq = request.get('CSeq');
  if (cseq !== undefined) lines.push({ name: 'CSeq', value: cseq });
  const ts = request.get('Timestamp');
  if (ts !== undefined && status === 100) lines.push({ name: 'Timestamp', value: ts });
  for (const rr of f.recordRoute ?? []) lines.push({ name: 'Record-Route', value: rr });
  if (f.contact !== undefined && !overrides(f.headers, 'contact')) lines.push({ name: 'Contact', value: f.contact });
  if (f.server !== undefined) lines.push({ name: 'Server', value: f.server });
  lines.push(...(f.headers ?? []));
  const body = toBuffer(f.body);
  if (body.length > 0 && f.contentType !== undefined) lines.push({ name: 'Content-Type', value: f.contentType });
  lines.push({ name: 'Content-Length', value: String(body.length) });
  return new SipResponse(status, f.reason ?? reasonPhrase(status), lines, body);
}

/** True when the extra headers carry their own value of `name` (lower-case), which then wins. */
function overrides(headers: readonly HeaderLine[] | undefined, name: string): boolean {
  return headers !== undefined && headers.some((h) => h.name.toLowerCase() === name || (name === 'contact' && h.name.toLowerCase() === 'm'));
}

function hasTag(request: SipRequest): boolean {
  try {
    return request.to.tag !== undefined;
  } catch {
    return false;
  }
}

function toBuffer(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
