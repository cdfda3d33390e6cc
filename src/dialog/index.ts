/**
 * Dialog layer (RFC 3261 §8, §12-§15, RFC 6026): the user agent core over
 * the transaction layer.
 *
 * - {@link UserAgentCore}: UAC (`invite()` -> {@link OutgoingInvite}, `request()` for
 *   OPTIONS/MESSAGE...) and UAS (§8.2 request checks, `onInvite` -> {@link IncomingInvite},
 *   OPTIONS answered with Allow/Accept/Supported, 481 for unknown dialogs).
 * - {@link Dialog}: early/confirmed/terminated, route set, remote target, CSeq rules,
 *   in-dialog requests with loose/strict routing, re-INVITE with §14 glare handling, BYE.
 * - 2xx reliability: the UAS retransmits its 2xx until the ACK and sends BYE after
 *   64*T1 without one (§13.3.1.4); the UAC builds the ACK for 2xx and re-sends it for
 *   each retransmitted 2xx (§13.2.2.4); extra 2xx of a forked INVITE are ACKed and BYEd.
 *
 * - UPDATE (RFC 3311) in confirmed dialogs: {@link sendUpdate} retries a 491 after the §14.1
 *   delay (§5.1); incoming UPDATEs go to the dialog's request handlers (the session layer answers
 *   their offers and sends 491 while its own offer is pending, §5.2).
 *
 * - CANCEL (§9.1): asked before any provisional response, it is deferred until the first
 *   one arrives; a 2xx that races it is ACKed and ended with BYE.
 *
 * - Reliable provisional responses (RFC 3262): as UAS {@link IncomingInvite.provisionalReliably}
 *   (RSeq, retransmission until PRACK, 504 after 64*T1, PRACK answered 200 or 481); as UAC every
 *   new reliable 1xx is PRACKed with RAck. `100rel` is accepted in Require only when listed in the
 *   core's `supported` option (otherwise 420, §8.2.2.3).
 *
 * - REFER (RFC 3515) in a dialog: {@link sendRefer} / {@link readRefer}, the implicit subscription's
 *   NOTIFYs with `message/sipfrag` bodies ({@link sendReferNotify} / {@link readReferNotify},
 *   {@link parseSipfrag}), and Refer-To with an escaped Replaces (RFC 3891, {@link referToWithReplaces}).
 *
 * - Authentication (RFC 3261 §22.2): with a {@link UacAuthenticator} (core-wide, per request or per
 *   INVITE), a 401/407 to any request is answered once with credentials for the challenged realm
 *   (new CSeq, same Call-ID), `stale=true` once more; {@link authFailureOf} tells why not. A
 *   {@link RequestGuard} (`setRequestGuard`) lets the session layer challenge incoming requests.
 *
 * Not implemented here (left for later layers or issues): session timers (RFC 4028: the session layer runs them),
 * SUBSCRIBE dialog usages (RFC 6665),
 * a forked 2xx that arrives after the INVITE transaction ended (RFC 6026 Timer M) for a
 * fork never seen before is dropped instead of ACKed and BYEd.
 *
 * Debug output: namespace `sipline:dialog`.
 * @packageDocumentation
 */
export { UserAgentCore, DEFAULT_ALLOWED_METHODS } from './user-agent-core.js';
export type {
  UserAgentCoreOptions, InviteHandler, RequestHandler, InviteOptions, OutOfDialogRequestOptions,
} from './user-agent-core.js';
export { Dialog } from './dialog.js';
export { UacAuthenticator, AuthenticationFailedError, authFailureOf } from './auth-retry.js';
export type { UacCredentials, AuthFailureReason } from './auth-retry.js';
export type { RequestGuard, RequestGuardVerdict, RequestGuardPass, RequestGuardRefusal } from './request-guard.js';
export { sendUpdate, allowsUpdate, supportsOption } from './update-client.js';
export type { UpdateOptions } from './update-client.js';
export type { DialogEvents } from './dialog.js';
export type { DialogRequestHandler } from './dialog-server.js';
export { OutgoingInvite } from './outgoing-invite.js';
export type { OutgoingInviteEvents, OutgoingInviteState, InviteOutcome } from './outgoing-invite.js';
export { IncomingInvite } from './incoming-invite.js';
export type { IncomingInviteEvents, IncomingInviteState } from './incoming-invite.js';
export { IncomingRequest } from './incoming-request.js';
export { ReliableProvisionals, OPTION_100REL, hasOptionTag, parseRAck, parseRSeq } from './reliable-provisional.js';
export type { RAck } from './reliable-provisional.js';
export { PrackSender } from './prack.js';
export type { ReliableVerdict } from './prack.js';
export { PrackTimeoutError } from './prack-errors.js';
export {
  readRefer, readReferNotify, referToFor, referToWithReplaces, replacesForPeer, formatReplaces, sendRefer, sendReferNotify,
  REFER_SUBSCRIPTION_SECONDS,
} from './refer.js';
export type { ReferDetails, ReferNotification, ReferNotifyOptions, ReplacesTarget } from './refer.js';
export { parseSipfrag, formatSipfrag, SIPFRAG_CONTENT_TYPE } from './sipfrag.js';
export type { SipfragStatus } from './sipfrag.js';
export type {
  DialogId, DialogRole, DialogState, TerminationReason, MessageContent, ResponseOptions, ReinviteOptions,
} from './types.js';
export type { ExtraHeaders, HeaderLine } from './message-builder.js';
export type { UaCapabilities } from './request-checks.js';
export type { RouteEntry, InDialogRouting } from './route-set.js';
export { inDialogRouting, routeSetFromRecordRoute } from './route-set.js';
export { DEFAULT_DIALOG_TIMERS, glareRetryDelay, next2xxInterval } from './timing.js';
export type { DialogTimers } from './timing.js';
export {
  DialogError, DialogTerminatedError, RequestPendingError, DialogStateError, DialogMethodError, CoreClosedError,
  AlreadyRespondedError,
} from './errors.js';
export type { DialogErrorCode } from './errors.js';
