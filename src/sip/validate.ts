/**
 * Semantic checks a UAS core applies to a syntactically valid message before processing it
 * (RFC 3261 §8.2.1-§8.2.3, §8.1.3.3). They return the response to send instead of throwing.
 */
import { SipParseError } from './errors.js';
import { SINGLETON_HEADERS, canonicalHeaderName } from './header-names.js';
import { isKnownMethod } from './methods.js';
import type { SipRequest } from './request.js';
import type { SipResponse } from './response.js';

/** The answer {@link validateRequest} asks for. */
export interface ValidationFailure {
  /** Status code to answer with. */
  readonly status: number;
  /** Reason phrase. */
  readonly reason: string;
  /** Header lines the response must carry (Unsupported for 420, Allow for 405, Accept for 415...). */
  readonly headers: readonly (readonly [string, string])[];
}

/** What the UA supports; each check runs only when its option is given (except where noted). */
export interface ValidateRequestOptions {
  /** Methods this UA accepts; others get 405 (known methods) or 501. Default: every known method. */
  readonly allowedMethods?: Iterable<string>;
  /** Option-tags this UA supports; a Require naming another gets 420 (§8.2.2.3). Default: none. */
  readonly supportedExtensions?: Iterable<string>;
  /** Body media types this UA understands (`application/sdp`...); others get 415 (§8.2.3). */
  readonly acceptedContentTypes?: Iterable<string>;
  /** Media types this UA can put in a response body; an Accept allowing none gets 406 (§21.4.7). */
  readonly producibleContentTypes?: Iterable<string>;
  /** Content-Encodings this UA understands; others get 415. Default: only identity. */
  readonly acceptedEncodings?: Iterable<string>;
}

const REQUIRED = ['To', 'From', 'Call-ID', 'CSeq', 'Via'];

function failure(status: number, reason: string, headers: (readonly [string, string])[] = []): ValidationFailure {
  return { status, reason, headers };
}

/**
 * Checks a parsed request the way a UAS must before acting on it, in the order of §8.2:
 * required headers (400), single-instance headers repeated (400), malformed core headers (400),
 * method (405/501), Require (420), body type and encoding (415), Accept (406).
 * Returns undefined when the request may be processed.
 */
export function validateRequest(req: SipRequest, opts: ValidateRequestOptions = {}): ValidationFailure | undefined {
  for (const h of REQUIRED) {
    if (!req.has(h)) return failure(400, `Bad Request - Missing ${h}`);
  }
  const seen = new Map<string, number>();
  for (const h of req.headers) {
    const k = h.name.length === 1 ? canonicalHeaderName(h.name).toLowerCase() : h.name.toLowerCase();
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  for (const [k, n] of seen) {
    if (n > 1 && SINGLETON_HEADERS.has(k)) return failure(400, `Bad Request - Multiple ${canonicalHeaderName(k)} values`);
  }
  try {
    void req.via;
    void req.from;
    void req.to;
    void req.callId;
    void req.maxForwards;
    if (req.cseq.method !== req.method) return failure(400, 'Bad Request - CSeq Method Mismatch');
  } catch (err) {
    if (err instanceof SipParseError) return failure(400, err.responseReason ?? 'Bad Request');
    throw err;
  }
  const allowed = opts.allowedMethods === undefined ? undefined : new Set(opts.allowedMethods);
  if (allowed === undefined ? !isKnownMethod(req.method) : !allowed.has(req.method)) {
    if (!isKnownMethod(req.method)) return failure(501, 'Not Implemented');
    return failure(405, 'Method Not Allowed', [['Allow', [...allowed!].join(', ')]]);
  }
  if (req.method !== 'ACK' && req.method !== 'CANCEL') {
    const supported = new Set(opts.supportedExtensions ?? []);
    let require: readonly string[];
    try {
      require = req.require;
    } catch {
      return failure(400, 'Bad Request - Invalid Require');
    }
    const unknown = require.filter((t) => !supported.has(t));
    if (unknown.length > 0) return failure(420, 'Bad Extension', [['Unsupported', unknown.join(', ')]]);
  }
  if (req.body.length > 0 || req.has('content-type')) {
    try {
      const ct = req.contentType;
      if (opts.acceptedContentTypes !== undefined && req.body.length > 0) {
        const ok = new Set([...opts.acceptedContentTypes].map((t) => t.toLowerCase()));
        if (ct === undefined || !ok.has(ct.mime)) {
          return failure(415, 'Unsupported Media Type', [['Accept', [...ok].join(', ')]]);
        }
      }
      const enc = new Set([...(opts.acceptedEncodings ?? ['identity'])].map((t) => t.toLowerCase()));
      const bad = req.contentEncoding.filter((e) => !enc.has(e.toLowerCase()));
      if (bad.length > 0) return failure(415, 'Unsupported Media Type', [['Accept-Encoding', [...enc].join(', ')]]);
    } catch {
      return failure(400, 'Bad Request - Invalid Content-Type');
    }
  }
  if (opts.producibleContentTypes !== undefined && req.has('accept')) {
    let accept;
    try {
      accept = req.accept;
    } catch {
      return failure(400, 'Bad Request - Invalid Accept');
    }
    const can = [...opts.producibleContentTypes].map((t) => t.toLowerCase());
    const ok =
      accept.length === 0 ||
      accept.some((a) =>
        can.some((c) => {
          const [t, s] = c.split('/');
          return (a.type === '*' || a.type === t) && (a.subtype === '*' || a.subtype === s);
        }),
      );
    if (!ok) return failure(406, 'Not Acceptable', [['Accept', can.join(', ')]]);
  }
  return undefined;
}

/**
 * Checks a received response the way a UAC must (§8.1.3.3): returns why it must be discarded
 * (several Via values, or broken core headers), or undefined when it may be processed.
 */
export function validateResponse(res: SipResponse): string | undefined {
  try {
    if (res.via.length !== 1) return res.via.length === 0 ? 'no Via' : 'more than one Via';
    void res.cseq;
    void res.callId;
    void res.from;
    void res.to;
  } catch (err) {
    if (err instanceof SipParseError) return err.message;
    throw err;
  }
  return undefined;
}
