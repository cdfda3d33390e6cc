/**
 * Errors of in-call renegotiation: hold, resume and session refreshes.
 *
 * @module
 */
import { SiplineError } from '../util/index.js';

/** What a failed renegotiation was for. */
export type RenegotiationOperation = 'hold' | 'resume' | 'refresh';

/**
 * A re-INVITE we sent (RFC 3261 §14.1) to hold, resume or refresh the call failed: the far end
 * rejected it (`status`, e.g. 488 Not Acceptable Here), it timed out, or its answer was unusable.
 * The session is exactly as it was before the call: same state, same media, same hold flags. A 491
 * (glare) is never reported this way: it is retried first (§14.1).
 *
 * @example
 * ```ts
 * try {
 *   await session.hold();
 * } catch (err) {
 *   if (err instanceof ReinviteFailedError) log(`hold refused with ${err.status}`); // still connected
 * }
 * ```
 */
export class ReinviteFailedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_REINVITE_FAILED';
  /** What the re-INVITE was for: `hold`, `resume` or `refresh`. */
  readonly operation: RenegotiationOperation;
  /** The final SIP status of the re-INVITE, when one arrived (408 for a timeout). */
  readonly status: number | undefined;

  /**
   * @param operation - what the re-INVITE was for
   * @param status - its final status, if any
   * @param options - the underlying cause (an unusable SDP answer, a send failure)
   */
  constructor(operation: RenegotiationOperation, status?: number, options: { cause?: unknown; message?: string } = {}) {
    super(
      'ERR_REINVITE_FAILED',
      options.message ?? `${String(operation)} failed: the re-INVITE ${status === undefined ? 'could not be completed' : `was answered ${String(status)}`}; the call is unchanged`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.operation = operation;
    this.status = status;
  }
}
