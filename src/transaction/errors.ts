import { SiplineError } from '../util/index.js';

/** Why a {@link TransactionError} was raised. */
export type TransactionErrorReason =
  /** The transaction layer was closed; no new transaction can start. */
  | 'closed'
  /** Target resolution (RFC 3263) gave no usable destination for the request. */
  | 'no-target'
  /** The request cannot start a client transaction (no Via, no CSeq, an ACK, ...). */
  | 'bad-request';

/**
 * A transaction could not be created or run (RFC 3261 §17). Reported to the
 * transaction user (`onTransportError`) when target resolution yields nothing,
 * alongside the synthesised 503 of §8.1.3.1.
 */
export class TransactionError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_TRANSACTION';
  /** Which condition. */
  readonly reason: TransactionErrorReason;

  /**
   * @param reason - which condition
   * @param message - human-readable description
   * @param options - the underlying error, when there is one
   */
  constructor(reason: TransactionErrorReason, message: string, options?: { cause?: unknown }) {
    super('ERR_TRANSACTION', message, options);
    this.reason = reason;
  }
}

/**
 * A transaction timer expired without the expected message: Timer B (INVITE
 * client, no final response), Timer F (non-INVITE client, no final response)
 * or Timer H (INVITE server, no ACK for a non-2xx final response); RFC 3261
 * §17.1.1.2, §17.1.2.2, §17.2.1.
 */
export class TransactionTimeoutError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_TRANSACTION_TIMEOUT';
  /** The RFC 3261 timer that fired. */
  readonly timer: 'B' | 'F' | 'H';

  /**
   * @param timer - the timer that fired
   * @param message - human-readable description
   */
  constructor(timer: 'B' | 'F' | 'H', message: string) {
    super('ERR_TRANSACTION_TIMEOUT', message);
    this.timer = timer;
  }
}
