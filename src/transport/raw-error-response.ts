import { randomToken } from '../util/index.js';

/** Headers a response must copy from its request (RFC 3261 §8.2.6.2), by lower-case full name. */
const COPIED = new Map<string, string>([
  ['via', 'Via'], ['v', 'Via'],
  ['from', 'From'], ['f', 'From'],
  ['to', 'To'], ['t', 'To'],
  ['call-id', 'Call-ID'], ['i', 'Call-ID'],
  ['cseq', 'CSeq'],
]);

/** Longest header section we scan when building an error response (bounds the work). */
const MAX_SCAN = 16 * 1024;

/**
 * Header lines that survive in a message the parser rejected: the request
 * line's method and the raw values of Via, From, To, Call-ID and CSeq,
 * unfolded (§7.3.1), in order. A response needs at least Via (to be routed)
 * and CSeq (to be matched, §17.1.3); From, To and Call-ID are copied when
 * present — RFC 4475 §3.3.1 expects a 400 even when they are missing.
 */
export interface SurvivingHeaders {
  /** Method from the request line. */
  readonly method: string;
  /** Raw values in arrival order (canonical names). */
  readonly headers: readonly (readonly [string, string])[];
}

/**
 * Scan raw bytes the parser rejected for the headers needed to answer them.
 * A pure, bounded scan that never throws.
 */
export function scanSurvivingHeaders(bytes: Uint8Array): SurvivingHeaders | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, MAX_SCAN)).toString('latin1');
  let end = text.indexOf('\r\n\r\n');
  if (end < 0) end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split(/\r?\n/);
  // Skip leading empty lines (§7.5 allows CRLFs before the start line).
  while (lines.length > 0 && lines[0] === '') lines.shift();
  const start = lines.shift();
  if (start === undefined || start.startsWith('SIP/')) return undefined;
  const m = /^([!%*+\-.0-9A-Z_`a-z'~]+)[ \t]/.exec(start);
  if (!m) return undefined;
  const method = m[1]!;
  const unfolded: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && unfolded.length > 0) {
      unfolded[unfolded.length - 1] += ' ' + line.trim();
    } else {
      unfolded.push(line);
    }
  }
  const headers: (readonly [string, string])[] = [];
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = COPIED.get(line.slice(0, colon).trim().toLowerCase());
    if (name === undefined) continue;
    const value = line.slice(colon + 1).trim();
    if (value === '' || /[\r\n\0]/.test(value)) continue;
    headers.push([name, value]);
  }
  const has = (n: string): boolean => headers.some(([h]) => h === n);
  if (!has('Via') || !has('CSeq')) return undefined;
  return { method, headers };
}

/** The recoverable parts of a failed parse, as the message layer reports them (`SipParseError.partial`). */
export interface PartialLike {
  /** True for a request start line. */
  readonly isRequest?: boolean;
  /** Request method. */
  readonly method?: string;
  /** Raw Via values. */
  readonly via: readonly string[];
  /** Raw From. */
  readonly from?: string;
  /** Raw To. */
  readonly to?: string;
  /** Raw Call-ID. */
  readonly callId?: string;
  /** Raw CSeq. */
  readonly cseq?: string;
}

/**
 * The headers needed to answer, from the message layer's partial parse.
 * `undefined` when it is a response or Via or CSeq is missing.
 */
export function survivorsFromPartial(p: PartialLike): SurvivingHeaders | undefined {
  if (p.isRequest !== true || p.method === undefined) return undefined;
  const clean = (v: string | undefined): v is string => v !== undefined && v !== '' && !/[\r\n\0]/.test(v);
  const headers: (readonly [string, string])[] = [];
  for (const v of p.via) if (clean(v)) headers.push(['Via', v]);
  if (headers.length === 0 || !clean(p.cseq)) return undefined;
  for (const [n, v] of [['From', p.from], ['To', p.to], ['Call-ID', p.callId], ['CSeq', p.cseq]] as const) {
    if (clean(v)) headers.push([n, v]);
  }
  return { method: p.method, headers };
}

/**
 * Serialise an error response (400, 505, ...) to a request that could not be
 * parsed, from the headers that survived (RFC 3261 §8.2.6, §21.4.1).
 * The reason phrase is cleaned of control characters. A To tag is added when
 * the request's To has none (§8.2.6.2).
 *
 * @returns the response bytes, or `undefined` when no response may be sent
 *   (too few headers, or the request is an ACK, which is never answered §17.2.1).
 */
export function buildRawErrorResponse(
  survivors: SurvivingHeaders,
  status: number,
  reason: string,
  server?: string,
): Buffer | undefined {
  if (survivors.method === 'ACK') return undefined;
  const phrase = reason.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 200) || 'Bad Request';
  const lines = [`SIP/2.0 ${status} ${phrase}`];
  for (const [name, value] of survivors.headers) {
    if (name === 'To' && !/;\s*tag\s*=/i.test(value)) lines.push(`To: ${value};tag=${randomToken(10)}`);
    else lines.push(`${name}: ${value}`);
  }
  if (server !== undefined) lines.push(`Server: ${server}`);
  lines.push('Content-Length: 0', '', '');
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
