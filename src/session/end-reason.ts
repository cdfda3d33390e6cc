/**
 * Why a call ended, and why a session changed state: typed reasons carried by every `state` event,
 * with the mapping from SIP final status codes (RFC 3261 §21) to end reasons.
 *
 * @module
 */
import { InvalidArgumentError } from '../util/index.js';

/**
 * Every {@link EndReason}, in documentation order. Stable strings: applications may switch on them
 * and count calls by them.
 */
export const END_REASONS = Object.freeze([
  'local-hangup',
  'remote-hangup',
  'rejected',
  'cancelled',
  'busy',
  'declined',
  'not-found',
  'redirected',
  'unauthorized',
  'unavailable',
  'server-error',
  'no-such-call',
  'timeout',
  'no-answer',
  'transport-error',
  'ack-timeout',
  'media-timeout',
  'codec-mismatch',
  'replaced',
  'transferred',
  'overloaded',
  'manager-closed',
  'error',
] as const);

/**
 * Why a call ended.
 *
 * - `local-hangup`: this side hung up (BYE sent by us).
 * - `remote-hangup`: the far end hung up (BYE received).
 * - `rejected`: a final failure response not covered by a narrower reason (e.g. 403), or this side
 *   rejected an incoming call.
 * - `cancelled`: the caller gave up before the answer (CANCEL, 487 Request Terminated).
 * - `busy`: 486 Busy Here or 600 Busy Everywhere.
 * - `declined`: 603 Decline.
 * - `not-found`: 404, 410, 484 or 604: the target does not exist.
 * - `redirected`: a 3xx response; sipline does not follow redirects by itself.
 * - `unauthorized`: 401 or 407 that could not be answered with credentials.
 * - `unavailable`: 503 Service Unavailable.
 * - `server-error`: any other 5xx.
 * - `no-such-call`: 481 Call/Transaction Does Not Exist: the far end lost the dialog.
 * - `timeout`: no final response in time (Timer B, or a 408 Request Timeout).
 * - `no-answer`: nobody answered (480 Temporarily Unavailable, or the ring timeout of `makeCall`).
 * - `transport-error`: the message could not be sent, or the connection broke (RFC 3261 §8.1.3.1).
 * - `ack-timeout`: we answered but no ACK arrived within 64*T1 (RFC 3261 §13.3.1.4).
 * - `media-timeout`: no RTP or RTCP from the far end for too long.
 * - `codec-mismatch`: no common codec: 488 Not Acceptable Here or 606 Not Acceptable.
 * - `replaced`: another call took this one's place (RFC 3891 Replaces).
 * - `transferred`: the call was handed to another party (RFC 3515 REFER succeeded).
 * - `overloaded`: refused locally because `limits.maxSessions` was reached.
 * - `manager-closed`: the manager was closed while the call was live.
 * - `error`: an unexpected failure; the session event carries the error.
 */
export type EndReason = (typeof END_REASONS)[number];

/**
 * Every {@link ProgressReason}: why a session moved between two live states.
 */
export const PROGRESS_REASONS = Object.freeze([
  'invite-sent',
  'invite-received',
  'provisional',
  'answered',
  'local-hold',
  'remote-hold',
  'local-resume',
  'remote-resume',
  'transfer-started',
  'transfer-failed',
] as const);

/**
 * Why a session moved between two live states.
 *
 * - `invite-sent`: `initializing` -> `dialing`.
 * - `invite-received`: `initializing` -> `ringing`.
 * - `provisional`: a 180/183 arrived for an outgoing call (`dialing` -> `ringing`).
 * - `answered`: a 2xx was sent or received (-> `connected`).
 * - `local-hold` / `remote-hold`: this side or the far end put the call on hold (-> `on-hold`).
 * - `local-resume` / `remote-resume`: the hold was lifted (-> `connected`).
 * - `transfer-started`: a REFER is in progress (-> `transferring`).
 * - `transfer-failed`: the transfer failed, the call goes on (`transferring` -> `connected` or
 *   `on-hold`).
 */
export type ProgressReason = (typeof PROGRESS_REASONS)[number];

/** The reason carried by a `state` event: progress between live states, or why the call ends. */
export type StateChangeReason = ProgressReason | EndReason;

const END_SET: ReadonlySet<string> = new Set(END_REASONS);
const PROGRESS_SET: ReadonlySet<string> = new Set(PROGRESS_REASONS);

/** True when `value` is one of the {@link EndReason} strings. */
export function isEndReason(value: unknown): value is EndReason {
  return typeof value === 'string' && END_SET.has(value);
}

/** True when `value` is one of the {@link ProgressReason} strings. */
export function isProgressReason(value: unknown): value is ProgressReason {
  return typeof value === 'string' && PROGRESS_SET.has(value);
}

const BY_STATUS: ReadonlyMap<number, EndReason> = new Map<number, EndReason>([
  [401, 'unauthorized'],
  [407, 'unauthorized'],
  [404, 'not-found'],
  [410, 'not-found'],
  [484, 'not-found'],
  [604, 'not-found'],
  [408, 'timeout'],
  [480, 'no-answer'],
  [481, 'no-such-call'],
  [486, 'busy'],
  [600, 'busy'],
  [487, 'cancelled'],
  [488, 'codec-mismatch'],
  [606, 'codec-mismatch'],
  [503, 'unavailable'],
  [603, 'declined'],
]);

/**
 * The end reason that a final, non-2xx response to an INVITE stands for (RFC 3261 §21.3-§21.6):
 * 486/600 `busy`, 603 `declined`, 404/410/484/604 `not-found`, 408 `timeout`, 480 `no-answer`,
 * 481 `no-such-call`, 487 `cancelled`, 488/606 `codec-mismatch`, 401/407 `unauthorized`,
 * 503 `unavailable`, other 3xx `redirected`, other 5xx `server-error`, any other 4xx/6xx `rejected`.
 *
 * @param status - a final failure status code, 300-699
 * @throws InvalidArgumentError when `status` is not an integer from 300 to 699
 */
export function endReasonFromStatus(status: number): EndReason {
  if (!Number.isInteger(status) || status < 300 || status > 699) {
    throw new InvalidArgumentError('status', `${String(status)} is not a final failure status (300-699)`);
  }
  const known = BY_STATUS.get(status);
  if (known !== undefined) return known;
  if (status < 400) return 'redirected';
  if (status >= 500 && status < 600) return 'server-error';
  return 'rejected';
}
