/**
 * A gate in front of the UAS core for requests outside any dialog: the session layer plugs its
 * Digest server in here (RFC 3261 §22.1: a UAS may challenge any request with 401, a proxy
 * with 407). Requests inside a dialog, ACK and CANCEL are never gated.
 *
 * @module
 */
import type { SipRequest } from '../sip/index.js';
import type { InboundMessage } from '../transport/index.js';
import type { HeaderLine } from './message-builder.js';

/** Let the request through. */
export interface RequestGuardPass {
  /** Always true. */
  readonly ok: true;
}

/** Answer the request with this response instead (401/407 with challenges, 403, 503...). */
export interface RequestGuardRefusal {
  /** Always false. */
  readonly ok: false;
  /** Final status, 300-699. */
  readonly status: number;
  /** Reason phrase, if not the standard one. */
  readonly reason?: string;
  /** Header lines of the response (WWW-Authenticate, Retry-After, ...). */
  readonly headers: readonly HeaderLine[];
}

/** What a {@link RequestGuard} decides. */
export type RequestGuardVerdict = RequestGuardPass | RequestGuardRefusal;

/**
 * Decides whether an out-of-dialog request reaches the application. May be async (a
 * credential lookup); a throw or rejection answers 500. Return `undefined` to let it through.
 */
export type RequestGuard = (
  request: SipRequest,
  inbound: InboundMessage,
) => RequestGuardVerdict | undefined | Promise<RequestGuardVerdict | undefined>;
