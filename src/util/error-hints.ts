/**
 * Short recovery hints per error code: what to check or do next. docs/errors.md shows the same
 * hints in its table (a test keeps the two in step).
 *
 * @module
 */

/** Hint of a code that has none of its own. */
export const GENERIC_HINT = 'See docs/errors.md for this code; the message and the cause say what failed.';

/** Recovery hint per error code. */
export const ERROR_HINTS: Readonly<Record<string, string>> = Object.freeze({
  ERR_INVALID_ARGUMENT: 'Fix the argument named in `argument`; nothing was done.',
  ERR_INVALID_CONFIG: 'Fix the option named in `option`; nothing was started.',
  ERR_INVALID_STATE: 'Check `session.state` (or `context.sessionState`) before the operation, or listen to `state` events.',
  ERR_CALL_FAILED: 'Look at `reason` and `context.status`: retry later on busy/unavailable, fix the target on not-found.',
  ERR_NOT_SUPPORTED: 'Use another feature or upgrade sipline; nothing was sent.',
  ERR_WAV_FORMAT: 'Convert the file to a 16-bit PCM, mu-law or A-law mono WAV.',
  ERR_TRANSPORT_BIND: 'Pick another `sip.port` (or 0), or stop the process that holds it.',
  ERR_TRANSPORT_SEND: 'Check that the far end is reachable (address, port, firewall).',
  ERR_TRANSPORT_CONNECT: 'Check that the far end listens on TCP at that address and port.',
  ERR_TRANSPORT_CLOSED: 'The connection or the manager closed; place the call again on a live manager.',
  ERR_TRANSPORT_RESOLVE: 'Check the host name and DNS, or use an IP address in the URI.',
  ERR_TRANSPORT_UNSUPPORTED: 'Use a transport listed in `sip.transports` (UDP, TCP, TLS, WS, WSS).',
  ERR_TRANSPORT_SOCKET: 'A socket failed; check the network interface and the process limits.',
  ERR_TRANSPORT_TLS: 'Check the far end\'s certificate: trust its CA with `sip.tls.ca` and make its name or IP match the target (or `sip.tls.servername`).',
  ERR_PORT_RANGE_EXHAUSTED: 'Widen `media.portRange` or lower `limits.maxSessions`.',
  ERR_DTMF_SEND: 'Check that the call is connected and the far end accepts the DTMF method (`media.dtmfMethod`).',
  ERR_PRACK_TIMEOUT: 'The far end did not acknowledge a reliable provisional response; try `sip.reliableProvisional: \'off\'`.',
  ERR_SESSION_ALREADY_BRIDGED: 'Remove the session from its bridge first.',
  ERR_BRIDGE_MEDIA: 'Both sessions need running media (connected) before they can be bridged.',
  ERR_CONFERENCE_FULL: 'Raise the room capacity or wait for someone to leave.',
  ERR_CONFERENCE_LOCKED: 'Unlock the room first.',
  ERR_DEPENDENCY_CYCLE: 'Remove the dependency that closes the cycle.',
  ERR_GROUP_MEMBERSHIP: 'Check the group membership before adding or removing.',
  ERR_RESOURCE_LIMIT: 'Release resources or raise the limit.',
  ERR_CODEC: 'Use a codec listed in `media.codecs`.',
  ERR_SIP_PARSE: 'The far end sent a malformed SIP message; capture it with `session.trace()`.',
  ERR_SDP_PARSE: 'The far end sent malformed SDP; capture it with `session.trace()`.',
  ERR_SDP_NO_COMMON_CODEC: 'Offer a codec the far end supports (`media.codecs`).',
  ERR_SDP_ANSWER_MISMATCH: 'The far end answered SDP that does not match our offer; check its SDP in `session.trace()`.',
  ERR_SDP_SRTP_MISMATCH: 'Align `media.srtp` with the far end\'s SRTP setting (SDES, AES_CM_128_HMAC_SHA1_80/_32); check its a=crypto lines in `session.trace()`.',
  ERR_TRANSACTION: 'A SIP transaction failed; see `cause` and `session.trace()`.',
  ERR_TRANSACTION_TIMEOUT: 'The far end did not answer in time (Timer B/F); check reachability and `timers.T1`.',
  ERR_DIALOG_STATE: 'The dialog is not in a state that allows this request; check `session.state`.',
  ERR_DIALOG_TERMINATED: 'The call already ended.',
  ERR_DIALOG_REQUEST_PENDING: 'Wait for the pending request (re-INVITE) to finish, then retry.',
  ERR_DIALOG_METHOD: 'Use the dedicated method (hangup, hold, transfer) for this request.',
  ERR_DIALOG_ALREADY_RESPONDED: 'The request was already answered; do not respond twice.',
  ERR_DIALOG_CORE_CLOSED: 'The manager is closing; start a new one.',
  ERR_RTP_PARSE: 'A malformed RTP packet was dropped; nothing to do unless it repeats.',
  ERR_RTCP_PARSE: 'A malformed RTCP packet was dropped; nothing to do unless it repeats.',
  ERR_RTP_SOCKET: 'An RTP socket failed; check the network interface and `media.portRange`.',
  ERR_REINVITE_FAILED: 'The far end refused the re-INVITE (see `context.status`); the call is unchanged, retry later or hang up.',
  ERR_AUTH_NO_CREDENTIALS: 'Configure credentials for the realm the far end challenged with.',
  ERR_AUTH_PARSE: 'The far end sent a malformed authentication header; capture it with `session.trace()`.',
  ERR_AUTH_REJECTED: 'Check the user name and password for that realm.',
  ERR_SDP_CRYPTO: 'The far end sent a malformed or unsupported a=crypto line; check its SRTP settings.',
  ERR_SRTP_AUTH_FAILED: 'SRTP packets failed authentication: the keys of both ends differ.',
  ERR_SRTP_REPLAYED: 'A replayed or too old SRTP packet was dropped; nothing to do unless it repeats.',
  ERR_SRTP_TOO_SHORT: 'A truncated SRTP packet was dropped; nothing to do unless it repeats.',
  ERR_SRTP_KEY_EXHAUSTED: 'The SRTP master key is used up; re-key the call (re-INVITE) or place it again.',
  ERR_AUTHENTICATION_FAILED: 'The far end refused our credentials (see `reason`); check user, password and realm in `credentials`.',
  ERR_NOT_REGISTERED: 'The user has no current registration; wait for it to REGISTER or check the AOR.',
  ERR_TELEPHONE_EVENT_PARSE: 'A malformed RFC 4733 event was dropped; check the far end\'s DTMF settings.',
});

/** The recovery hint of `code` ({@link GENERIC_HINT} for a code without one). */
export function errorHint(code: string): string {
  return ERROR_HINTS[code] ?? GENERIC_HINT;
}
