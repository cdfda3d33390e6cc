/**
 * Parsing bytes into {@link SipRequest} / {@link SipResponse} (RFC 3261 §7, §18.3, §25).
 *
 * The header section is decoded once as UTF-8 and cut into lines with `indexOf`; folded lines
 * (LWS, §7.3.1) are joined with one space. The core headers a transaction needs (Via, From, To,
 * Call-ID, CSeq, Max-Forwards, Content-Length) are checked eagerly unless `lazy` is set; every
 * other header is parsed on first access. Nothing but {@link SipParseError} escapes.
 */
import { isAscii } from 'node:buffer';
import createDebug from 'debug';
import { SipParseError, type RawHeader, type SipParsePartial } from './errors.js';
import { isToken, trimLws } from './chars.js';
import { commonKey, headerKey } from './header-names.js';
import { parseContentLength } from './headers/basic.js';
import { SipRequest } from './request.js';
import { SipResponse } from './response.js';
import { SipUri } from './uri.js';
import { fail, parseRequestLine, parseStatusLine, type StartLine } from './start-line.js';
import { isKnownMethod } from './methods.js';
import { anchorShapes } from './shape-anchor.js';

const debug = createDebug('sipline:sip');

/** Size limits applied while parsing (protection against hostile input). */
export interface SipLimits {
  /** Largest accepted message, header section and body together, in octets. */
  readonly maxMessageSize: number;
  /** Largest number of header lines. */
  readonly maxHeaders: number;
  /** Longest physical header line, in characters. */
  readonly maxHeaderLineLength: number;
}

/** Default limits: 65535 octets (the largest UDP payload), 256 headers, 8192-character lines. */
export const DEFAULT_SIP_LIMITS: Readonly<SipLimits> = Object.freeze({
  maxMessageSize: 65535,
  maxHeaders: 256,
  maxHeaderLineLength: 8192,
});

/** Options of {@link parseMessage}. */
export interface ParseOptions {
  /**
   * True (default) for a datagram: octets after Content-Length are ignored and a missing
   * Content-Length means "the rest of the datagram" (§18.3). False for stream-framed input, where
   * Content-Length is mandatory.
   */
  readonly datagram?: boolean;
  /** Limits; missing fields take {@link DEFAULT_SIP_LIMITS}. */
  readonly limits?: Partial<SipLimits>;
  /** When true, even the core headers are parsed only on first access. Default false. */
  readonly lazy?: boolean;
}

const EMPTY_BODY = Buffer.alloc(0);
/** The options of a call that passes none (shared: no allocation per call). */
const NO_OPTIONS: ParseOptions = Object.freeze({});


/**
 * Parses one SIP message.
 *
 * @param data - the bytes (a string is encoded as UTF-8)
 * @param options - datagram or stream semantics, limits, laziness
 * @throws SipParseError - and nothing else; its `status` says how to answer (undefined: drop)
 */
export function parseMessage(data: Buffer | string, options: ParseOptions = NO_OPTIONS): SipRequest | SipResponse {
  try {
    return parse(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, options);
  } catch (err) {
    if (err instanceof SipParseError) {
      debug('parse error: %s', err.message);
      throw err;
    }
    debug('parser defect: %O', err);
    throw new SipParseError('internal', `Internal parser error: ${String(err)}`, { cause: err });
  }
}

function parse(buf: Buffer, options: ParseOptions): SipRequest | SipResponse {
  const lim = options.limits;
  const maxSize = lim?.maxMessageSize ?? DEFAULT_SIP_LIMITS.maxMessageSize;
  const maxHeaders = lim?.maxHeaders ?? DEFAULT_SIP_LIMITS.maxHeaders;
  const maxLine = lim?.maxHeaderLineLength ?? DEFAULT_SIP_LIMITS.maxHeaderLineLength;
  const datagram = options.datagram ?? true;
  const len = buf.length;
  let start = 0;
  while (start < len && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === len) throw fail('malformed-start-line', 'Empty message', undefined);
  const looksResponse = len - start >= 4 && buf[start] === 83 && buf[start + 1] === 73 && buf[start + 2] === 80 && buf[start + 3] === 47;
  if (len > maxSize) {
    throw fail('too-large', `Message of ${len} octets exceeds ${maxSize}`, looksResponse ? undefined : 513, 'Message Too Large');
  }
  // One latin1 decode gives a string whose indices are byte offsets; the header section is
  // re-decoded as UTF-8 only when it holds non-ASCII octets.
  const text = buf.toString('latin1', start, len);
  // Framing. Usual case (the whole datagram is ASCII): the end of the header section is found by
  // the line loop itself, at the first empty line, when that line completes CRLF CRLF. Anything
  // else (bare LF line ends, no header line, an error before the end, non-ASCII octets) goes
  // through the general framing: search CRLF CRLF (else LF LF) first, then read the lines.
  const ascii = isAscii(buf);
  let fast = ascii;
  let headEnd = 0;
  let bodyStart = 0;
  let incomplete = false;
  let head = text;
  let hlen = text.length;
  let error: SipParseError | undefined;
  let sl: StartLine | undefined;
  let headers: RawHeader[] = [];
  let keys: string[] = [];
  let lineError: SipParseError | undefined;
  for (;;) {
    if (fast) {
      head = text;
      hlen = text.length;
    } else {
      headEnd = text.indexOf('\r\n\r\n');
      if (headEnd >= 0) bodyStart = headEnd + 4;
      else {
        headEnd = text.indexOf('\n\n');
        bodyStart = headEnd + 2;
      }
      if (headEnd < 0) {
        incomplete = true;
        headEnd = text.length;
        bodyStart = text.length;
      }
      headEnd += start;
      bodyStart += start;
      // For an ASCII header section (the usual case) the lines are read from `text` itself, up to hlen.
      head = text;
      hlen = headEnd - start;
      if (!ascii && !isAscii(buf.subarray(start, headEnd))) {
        head = buf.toString('utf8', start, headEnd);
        hlen = head.length;
      }
    }

    // Start line.
    let nl = head.indexOf('\n');
    if (nl < 0 || nl > hlen) nl = hlen;
    if (fast && (nl === hlen || (head.charCodeAt(nl + 1) === 13 && head.charCodeAt(nl + 2) === 10))) {
      fast = false; // no header line: the general framing decides
      continue;
    }
    const first = head.slice(0, nl);
    error = undefined;
    sl = undefined;
    if (first.length > maxLine) error = fail('too-large', 'Start line too long', looksResponse ? undefined : 414, 'Request-URI Too Long');
    else {
      try {
        sl = looksResponse ? parseStatusLine(first) : parseRequestLine(first);
      } catch (err) {
        error = err as SipParseError;
      }
    }

    // Header lines.
    headers = [];
    keys = [];
    let pos = nl + 1;
    let ended = !fast;
    lineError = error;
    error = undefined;
    while (pos < hlen) {
      let e = head.indexOf('\n', pos);
      if (e < 0 || e > hlen) e = hlen;
      let lineEnd = e;
      if (lineEnd > pos && head.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      if (fast && lineEnd === pos) {
        // the first empty line; the fast framing keeps it only when it completes CRLF CRLF
        // (a CR before that CRLF would belong to the last line in the general framing: not here)
        if (e < hlen && head.charCodeAt(pos) === 13 && head.charCodeAt(pos - 2) === 13 && head.charCodeAt(pos - 3) !== 13) {
          headEnd = start + pos - 2;
          bodyStart = start + pos + 2;
          ended = true;
        }
        break;
      }
      if (lineEnd - pos > maxLine) {
        error = fail('too-large', `Header line longer than ${maxLine}`, 400, 'Bad Request - Header Line Too Long');
        break;
      }
      const c0 = head.charCodeAt(pos);
      if (c0 === 32 || c0 === 9) {
        const last = headers.length - 1;
        if (last < 0) {
          error = fail('bad-header', 'Continuation line before any header', 400, 'Bad Request - Malformed Header');
          break;
        }
        const cont = trimLws(head.slice(pos, lineEnd));
        if (cont.length > 0) {
          const prev = headers[last]!;
          headers[last] = { name: prev.name, value: prev.value.length === 0 ? cont : prev.value + ' ' + cont };
        }
      } else if (lineEnd > pos) {
        const colon = head.indexOf(':', pos);
        if (colon < 0 || colon >= lineEnd) {
          error = fail('bad-header', `Header line without colon: "${head.slice(pos, Math.min(lineEnd, pos + 40))}"`, 400, 'Bad Request - Malformed Header');
          break;
        }
        let ne = colon;
        while (ne > pos && (head.charCodeAt(ne - 1) === 32 || head.charCodeAt(ne - 1) === 9)) ne--;
        const name = head.slice(pos, ne);
        let key = commonKey(name);
        if (key === undefined) {
          if (!isToken(name)) {
            error = fail('bad-header', `Bad header name "${name.slice(0, 40)}"`, 400, 'Bad Request - Malformed Header');
            break;
          }
          key = headerKey(name);
        }
        if (headers.length >= maxHeaders) {
          error = fail('too-large', `More than ${maxHeaders} headers`, 400, 'Bad Request - Too Many Headers');
          break;
        }
        let vs = colon + 1;
        while (vs < lineEnd && (head.charCodeAt(vs) === 32 || head.charCodeAt(vs) === 9)) vs++;
        let ve = lineEnd;
        while (ve > vs && (head.charCodeAt(ve - 1) === 32 || head.charCodeAt(ve - 1) === 9)) ve--;
        headers.push({ name, value: head.slice(vs, ve) });
        keys.push(key);
      }
      pos = e + 1;
    }
    if (!ended) {
      fast = false; // no CRLF CRLF found while reading the lines (or an error first): start again
      continue;
    }
    break;
  }
  error = lineError ?? error;
  if (error === undefined && incomplete) {
    error = fail('incomplete', 'Header section does not end with an empty line', 400, 'Bad Request - Incomplete Message');
  }
  if (error !== undefined) throw withPartial(error, sl, looksResponse, headers, keys);

  // Body (§18.3).
  let cl: number | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 'content-length') continue;
    let v: number;
    try {
      v = parseContentLength(headers[i]!.value);
    } catch (err) {
      throw withPartial(err as SipParseError, sl, looksResponse, headers, keys);
    }
    if (cl !== undefined && cl !== v) {
      const e = new SipParseError('bad-header', 'Conflicting Content-Length values', {
        header: 'Content-Length',
        status: 400,
        responseReason: 'Bad Request - Conflicting Content-Length',
        fatal: true,
      });
      throw withPartial(e, sl, looksResponse, headers, keys);
    }
    cl = v;
  }
  const available = len - bodyStart;
  let body: Buffer;
  if (cl === undefined) {
    if (!datagram) {
      const e = new SipParseError('missing-header', 'Missing Content-Length on a stream', {
        header: 'Content-Length',
        status: 400,
        responseReason: 'Bad Request - Missing Content-Length',
        fatal: true,
      });
      throw withPartial(e, sl, looksResponse, headers, keys);
    }
    body = bodyStart >= len ? EMPTY_BODY : buf.subarray(bodyStart);
  } else if (cl > available) {
    const e = new SipParseError('content-length-mismatch', `Content-Length ${cl} but only ${available} body octets`, {
      header: 'Content-Length',
      status: 400,
      responseReason: 'Bad Request - Invalid Content-Length',
    });
    throw withPartial(e, sl, looksResponse, headers, keys);
  } else body = cl === 0 ? EMPTY_BODY : buf.subarray(bodyStart, bodyStart + cl);

  const s = sl!;
  let msg: SipRequest | SipResponse;
  if (s.request) {
    let uri: SipUri;
    try {
      uri = SipUri.parse(s.uriText!);
    } catch (err) {
      throw withPartial(err as SipParseError, sl, looksResponse, headers, keys);
    }
    msg = new SipRequest(s.method!, uri, headers, body, keys, s.uriText);
  } else msg = new SipResponse(s.status!, s.reason!, headers, body, keys);
  if (options.lazy !== true) {
    try {
      validateCore(msg, keys);
    } catch (err) {
      throw withPartial(err as SipParseError, sl, looksResponse, headers, keys);
    }
  }
  return msg;
}

/** Parses the core headers so that a malformed one is reported at parse time. */
function validateCore(msg: SipRequest | SipResponse, keys: readonly string[]): void {
  let from = false;
  let to = false;
  let callId = false;
  let cseqSeen = false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === 'from') from = true;
    else if (k === 'to') to = true;
    else if (k === 'call-id') callId = true;
    else if (k === 'cseq') cseqSeen = true;
  }
  void msg.via;
  if (from) void msg.from;
  if (to) void msg.to;
  if (callId) void msg.callId;
  void msg.maxForwards;
  if (cseqSeen) {
    const cseq = msg.cseq;
    if (msg.isRequest() && cseq.method !== msg.method) {
      const known = isKnownMethod(msg.method);
      throw new SipParseError('cseq-method-mismatch', `CSeq method ${cseq.method} differs from ${msg.method}`, {
        header: 'CSeq',
        status: known ? 400 : 501,
        responseReason: known ? 'Bad Request - CSeq Method Mismatch' : 'Not Implemented',
      });
    }
  }
}

function withPartial(
  err: SipParseError,
  sl: StartLine | undefined,
  response: boolean,
  headers: readonly RawHeader[],
  keys: readonly string[],
): SipParseError {
  const via: string[] = [];
  const first: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === 'via') via.push(headers[i]!.value);
    else if (first[k] === undefined) first[k] = headers[i]!.value;
  }
  const partial: SipParsePartial = {
    isRequest: sl ? sl.request : !response,
    method: sl?.method,
    requestUri: sl?.uriText,
    statusCode: sl?.status,
    headers,
    via,
    from: first['from'],
    to: first['to'],
    callId: first['call-id'],
    cseq: first['cseq'],
  };
  if (response) return err.withDetails({ partial, status: undefined, responseReason: undefined });
  return err.withDetails({ partial });
}

/** Parsed samples held for the life of the process so that V8 keeps the parser optimized (see shape-anchor.ts). */
export const SHAPE_ANCHORS: readonly unknown[] = anchorShapes(parseMessage);
