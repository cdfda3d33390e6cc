/**
 * `CallHandler`: what the application tells the manager to do with calls.
 *
 * @module
 */
import type { EndReason, MediaTimeoutEvent, QualityEvent, SessionStateChange } from '../session/index.js';
import type { CallSession } from './call-session.js';
import type { IncomingCall } from './incoming-call.js';
import type { TransferRequest } from './transfer-request.js';
import type { DtmfEvent, HoldEvent } from './types.js';

/**
 * The application's call logic, given to `SessionManager.setCallHandler`. Every method is
 * optional. Methods may return a value or a promise; the manager awaits it. Each session's
 * callbacks run one at a time, in the order things happened, so a slow handler for one call never
 * reorders or blocks another call.
 *
 * A handler method that throws or rejects never breaks the stack: the error goes to
 * {@link CallHandler.onError} (or, without one, the manager's `error` event), and an incoming call
 * that was not decided yet is rejected with 500 Server Internal Error.
 *
 * @example
 * ```ts
 * manager.setCallHandler({
 *   async onIncomingCall(call) {
 *     if (await isBlocked(call.caller.uri)) return call.reject(603);
 *     return call.answer();
 *   },
 *   onCallEnded: (session, reason) => log(`${session.id} ended: ${reason}`),
 * });
 * ```
 */
export interface CallHandler {
  /**
   * A call arrived. Answer it (`call.answer()`), reject it (`call.reject(code)`), or defer: return
   * without deciding and the caller keeps hearing ringing (180) until the application decides
   * later or the caller gives up. Without this method, every call is answered.
   */
  onIncomingCall?(call: IncomingCall): unknown;
  /**
   * A session was created: an incoming call arrived (called before {@link CallHandler.onIncomingCall}),
   * or `makeCall` sent an INVITE. For observers (logging, metrics) that must see every call
   * whatever is decided about it.
   */
  onCallStarted?(session: CallSession): unknown;
  /** A call (either direction) was answered and media is set up. */
  onCallEstablished?(session: CallSession): unknown;
  /** A call (either direction) ended; `reason` says why (e.g. `remote-hangup`, `busy`). */
  onCallEnded?(session: CallSession, reason: EndReason): unknown;
  /** Every state change of every call, with the old state, the new state and the reason. */
  onStateChanged?(session: CallSession, change: SessionStateChange): unknown;
  /**
   * A call was put on hold: by this side (`event.by === 'local'`, after `hold()`) or by the far end
   * (`remote`, its re-INVITE with `a=sendonly` / `a=inactive`).
   */
  onHold?(session: CallSession, event: HoldEvent): unknown;
  /** A hold was lifted, by this side (`local`) or the far end (`remote`). */
  onResume?(session: CallSession, event: HoldEvent): unknown;
  /** A DTMF digit arrived on a call. */
  onDtmf?(session: CallSession, event: DtmfEvent): unknown;
  /**
   * The far end of `session` asks us to transfer it (REFER, RFC 3515): accepted unless the handler
   * calls `request.reject(status)`. On accept, sipline answers 202, calls `request.target` (with
   * Replaces for an attended transfer), reports the progress to the far end (NOTIFY), and ends
   * `session` once the new call is answered. The new call is reported like any other
   * (`onCallEstablished`, ...).
   */
  onTransferRequest?(session: CallSession, request: TransferRequest): unknown;
  /**
   * A quality metric of a call crossed its threshold in the `quality` config: MOS below
   * `mosBelow`, loss above `lossAbove`, jitter or round-trip time above theirs. Called once per
   * crossing; `event.metrics` names the metrics that crossed, `event.sample` holds the figures.
   */
  onQualityAlert?(session: CallSession, event: QualityEvent): unknown;
  /** Metrics that raised {@link CallHandler.onQualityAlert} are back inside their thresholds. */
  onQualityRecovered?(session: CallSession, event: QualityEvent): unknown;
  /**
   * No RTP or RTCP arrived on a connected call for `media.rtpTimeoutMs`. With
   * `media.rtpTimeoutAction: 'hangup'` the call then ends with reason `media-timeout`.
   */
  onMediaTimeout?(session: CallSession, event: MediaTimeoutEvent): unknown;
  /**
   * A handler method (or a session event listener) threw or rejected. `session` is the call it
   * concerned. Without this method the error is emitted as the manager's `error` event.
   */
  onError?(error: unknown, session: CallSession | undefined): void;
}
