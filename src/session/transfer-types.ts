/**
 * Types of call transfer (RFC 3515 REFER, RFC 3891 Replaces): the typed result of a transfer we
 * start, its progress events, and a transfer the far end asks of us.
 *
 * @module
 */

/**
 * How a transfer we started ended:
 * - `succeeded`: the transfer target answered (a 2xx in the final NOTIFY); our call is ended;
 * - `failed`: the REFER was refused, or the new call failed (the status says how); our call goes on;
 * - `accepted`: the REFER was accepted but no final progress arrived (the subscription ended
 *   without one, or the wait timed out); our call goes on.
 */
export type TransferOutcome = 'succeeded' | 'failed' | 'accepted';

/** The typed result of `transfer()`. */
export interface TransferResult {
  /** See {@link TransferOutcome}. */
  readonly outcome: TransferOutcome;
  /** Final status: the sipfrag status of the new call, or the REFER's own status when it was refused. */
  readonly status: number;
  /** Its reason phrase. */
  readonly reason: string;
  /** True for an attended transfer (Refer-To carried Replaces). */
  readonly attended: boolean;
}

/**
 * A step of a transfer we started (the `transfer` event):
 * - `accepted`: the far end answered the REFER with 2xx (status 202 usually);
 * - `progress`: a NOTIFY reported a provisional status of the new call (100, 180, 183);
 * - `succeeded` / `failed`: the final result (same as the promise's {@link TransferResult}).
 */
export interface TransferProgressEvent {
  /** Which step. */
  readonly type: 'accepted' | 'progress' | 'succeeded' | 'failed';
  /** Status of that step (REFER response, or the sipfrag status of a NOTIFY). */
  readonly status: number;
  /** Its reason phrase. */
  readonly reason: string;
}

/** Options of a transfer we start. */
export interface TransferOptions {
  /**
   * How long to wait for the final NOTIFY after the REFER was accepted, ms. Default 120000. When
   * it passes, the result is `accepted` and the call goes on.
   */
  readonly timeoutMs?: number;
}

/** A transfer the far end asks of us (an incoming REFER), as the engine hands it to the application. */
export interface TransferRequestInfo {
  /** Where we are asked to call: the Refer-To URI without its headers. */
  readonly target: string;
  /** Referred-By (RFC 3892), when present. */
  readonly referredBy: string | undefined;
  /** True when Refer-To carries Replaces (attended transfer, RFC 3891). */
  readonly attended: boolean;
  /** Every header of the REFER: lower-case names to values. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
}

/** The application's decision about an incoming REFER: accept (202), or reject with a status. */
export type TransferDecision =
  | { readonly accept: true }
  | { readonly accept: false; readonly status: number; readonly reason?: string };
