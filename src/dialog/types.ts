import type { SipResponse } from '../sip/index.js';
import type { ExtraHeaders } from './message-builder.js';

/** Dialog states (RFC 3261 §12): early (after a 1xx with a To tag), confirmed (2xx), terminated. */
export type DialogState = 'early' | 'confirmed' | 'terminated';

/** Which side of the INVITE created this dialog: we sent it (`uac`) or received it (`uas`). */
export type DialogRole = 'uac' | 'uas';

/** Dialog identifier (RFC 3261 §12): Call-ID, local tag and remote tag. */
export interface DialogId {
  /** Call-ID of every request of the dialog. */
  readonly callId: string;
  /** Our tag (From of our requests, To of the peer's). */
  readonly localTag: string;
  /** The peer's tag (empty for an RFC 2543 peer that sent none). */
  readonly remoteTag: string;
}

/**
 * Why a dialog ended:
 * - `bye-sent` / `bye-received`: normal hang-up (§15);
 * - `ack-timeout`: we sent 2xx and no ACK came within 64*T1 (§13.3.1.4), so we sent BYE;
 * - `rejected`: the INVITE got a non-2xx final response (early dialogs end, §13.2.2.3);
 * - `cancelled`: the INVITE was cancelled before a final response;
 * - `forked-extra`: a further 2xx of a forked INVITE: ACKed and ended with BYE (§13.2.2.4);
 * - `remote-gone`: an in-dialog request got 481 or 408 (§12.2.1.2);
 * - `closed`: the UA core was closed.
 */
export type TerminationReason =
  | 'bye-sent'
  | 'bye-received'
  | 'ack-timeout'
  | 'rejected'
  | 'cancelled'
  | 'forked-extra'
  | 'remote-gone'
  | 'closed';

/** Body and headers of an outgoing message. */
export interface MessageContent {
  /** Body (e.g. SDP). */
  readonly body?: Buffer | string;
  /** Content-Type of the body; `application/sdp` when a body is given without one. */
  readonly contentType?: string;
  /** Extra headers. */
  readonly headers?: ExtraHeaders;
}

/** Options of a response sent by the application. */
export interface ResponseOptions extends MessageContent {
  /** Reason phrase; the standard one when absent. */
  readonly reason?: string;
}

/** Options of a re-INVITE sent inside a dialog (RFC 3261 §14.1). */
export interface ReinviteOptions extends MessageContent {
  /**
   * Retry after a 491 (Request Pending) at the §14.1 random delay, and after a 500 with
   * Retry-After (§14.2, the peer had another INVITE pending) at that delay; default true.
   */
  readonly retryOnGlare?: boolean;
  /** Most retries after 491 or 500 with Retry-After; default 5. */
  readonly maxGlareRetries?: number;
  /**
   * Body of the ACK when the 2xx carries an offer (the re-INVITE had none, §13.2.2.4).
   * Called with the 2xx; return undefined to send an ACK without body.
   */
  readonly ackBody?: (response: SipResponse) => MessageContent | undefined;
  /**
   * Builds the content of each attempt (the first and every §14.1 retry after a 491), so that a
   * retried offer reflects what changed during the wait (e.g. an offer answered meanwhile). Takes
   * precedence over `body` / `contentType` / `headers`.
   */
  readonly prepare?: (attempt: number) => MessageContent;
}
