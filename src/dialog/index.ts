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
 * - CANCEL (§9.1): asked before any provisional response, it is deferred until the first
 *   one arrives; a 2xx that races it is ACKed and ended with BYE.
 *
 * Not implemented here (left for later layers or issues): PRACK / 100rel (RFC 3262, a
 * `Require: 100rel` gets 420), session timers (RFC 4028), authentication challenges
 * (401/407 are returned to the caller as failures), SUBSCRIBE dialog usages (RFC 6665),
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
export type { DialogEvents } from './dialog.js';
export type { DialogRequestHandler } from './dialog-server.js';
export { OutgoingInvite } from './outgoing-invite.js';
export type { OutgoingInviteEvents, OutgoingInviteState, InviteOutcome } from './outgoing-invite.js';
export { IncomingInvite } from './incoming-invite.js';
export type { IncomingInviteEvents, IncomingInviteState } from './incoming-invite.js';
export { IncomingRequest } from './incoming-request.js';
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
