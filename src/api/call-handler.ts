/**
 * `CallHandler`: what the application tells the manager to do with calls.
 *
 * @module
 */
import type { EndReason, SessionStateChange } from '../session/index.js';
import type { CallSession } from './call-session.js';
import type { IncomingCall } from './incoming-call.js';
import type { DtmfEvent } from './types.js';

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
  /** A call (either direction) was answered and media is set up. */
  onCallEstablished?(session: CallSession): unknown;
  /** A call (either direction) ended; `reason` says why (e.g. `remote-hangup`, `busy`). */
  onCallEnded?(session: CallSession, reason: EndReason): unknown;
  /** Every state change of every call, with the old state, the new state and the reason. */
  onStateChanged?(session: CallSession, change: SessionStateChange): unknown;
  /** A DTMF digit arrived on a call. */
  onDtmf?(session: CallSession, event: DtmfEvent): unknown;
  /**
   * A handler method (or a session event listener) threw or rejected. `session` is the call it
   * concerned. Without this method the error is emitted as the manager's `error` event.
   */
  onError?(error: unknown, session: CallSession | undefined): void;
}
