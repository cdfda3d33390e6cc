/**
 * The UAS request checks of RFC 3261 §8.2.1-§8.2.3, applied by the UA core
 * before a request reaches a dialog or the application. Built on the message
 * layer's `validateRequest`, plus the Request-URI scheme check (§8.2.2.1).
 */
import { NameAddr, SipParseError, validateRequest } from '../sip/index.js';
import type { SipRequest } from '../sip/index.js';
import type { HeaderLine } from './message-builder.js';

/** What the UA supports: the input of {@link checkRequest}. */
export interface UaCapabilities {
  /** Methods answered (Allow). */
  readonly allowed: readonly string[];
  /** Option tags (Supported). */
  readonly supported: readonly string[];
  /** Body types accepted (Accept), lower-case `type/subtype`. */
  readonly accept: readonly string[];
}

/** A rejection decided by {@link checkRequest}: status, reason and headers to add. */
export interface RequestRejection {
  /** Status code to answer with. */
  readonly status: number;
  /** Reason phrase. */
  readonly reason: string;
  /** Headers the response must carry (Allow, Unsupported, Accept...). */
  readonly headers: readonly HeaderLine[];
}

/**
 * Check a request a UAS received (RFC 3261 §8.2): returns the rejection to
 * send, or undefined when the request may be processed. Missing, repeated or
 * malformed core headers and a CSeq method that differs from the request
 * method -> 400; unknown method -> 501, known but not allowed -> 405 (with
 * Allow); Require naming an option tag not in `caps.supported` -> 420 (with
 * Unsupported; `100rel` passes once the core supports RFC 3262);
 * a body type we do not accept -> 415 (with Accept); an Accept that excludes
 * SDP -> 406; a Request-URI scheme other than sip/sips -> 416 (§8.2.2.1).
 * An INVITE or UPDATE whose Contact does not parse, and an INVITE with more than one Contact
 * URI (§8.1.1.8: the dialog's remote target must be one URI) -> 400, before a session sees it.
 * Max-Forwards is not checked: it matters only to proxies (RFC 4475 §3.3.9).
 */
export function checkRequest(req: SipRequest, caps: UaCapabilities): RequestRejection | undefined {
  const failure = validateRequest(req, {
    allowedMethods: caps.allowed,
    supportedExtensions: caps.supported,
    acceptedContentTypes: caps.accept,
    producibleContentTypes: ['application/sdp'],
  });
  if (failure !== undefined) {
    return { status: failure.status, reason: failure.reason, headers: failure.headers.map(([name, value]) => ({ name, value })) };
  }
  const scheme = req.uri.scheme;
  if (scheme !== 'sip' && scheme !== 'sips') return { status: 416, reason: 'Unsupported URI Scheme', headers: [] };
  return checkContact(req);
}

/** The remote target of a dialog-creating or target-refresh request must be usable (§8.1.1.8, §12.2.2). */
function checkContact(req: SipRequest): RequestRejection | undefined {
  if (req.method !== 'INVITE' && req.method !== 'UPDATE') return undefined;
  let count: number;
  try {
    // `*` is meaningful only in REGISTER (§10.2.2): it is no remote target.
    count = req.contact.filter((c) => c instanceof NameAddr).length;
  } catch (err) {
    if (err instanceof SipParseError) return { status: 400, reason: err.responseReason ?? 'Bad Request - Invalid Contact', headers: [] };
    throw err;
  }
  // No Contact at all is tolerated (RFC 4475 §3.4.1, RFC 2543 peers): the dialog falls back to From.
  if (req.method === 'INVITE' && count > 1) return { status: 400, reason: 'Bad Request - More Than One Contact', headers: [] };
  return undefined;
}
