/**
 * Errors of the session layer: invalid configuration and operations forbidden by the session
 * state machine.
 *
 * @module
 */
import { InvalidStateError, SiplineError } from '../util/index.js';
import type { EndReason } from './end-reason.js';

/**
 * A configuration option has the wrong type, an impossible value, or an unknown name. Thrown by
 * `SessionManager.new(config)` before anything is started, so nothing needs cleaning up.
 *
 * @example
 * ```ts
 * try {
 *   await SessionManager.new({ media: { portRange: { min: 20000, max: 10000 } } });
 * } catch (err) {
 *   if (err instanceof ConfigError) report(err.option); // 'media.portRange'
 * }
 * ```
 */
export class ConfigError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_INVALID_CONFIG';
  /** Path of the offending option, e.g. `media.portRange.min` or `sip.transports[1]`. */
  readonly option: string;

  /**
   * @param option - path of the offending option
   * @param message - what is wrong with it
   */
  constructor(option: string, message: string) {
    super('ERR_INVALID_CONFIG', `Invalid config option ${option}: ${message}`);
    this.option = option;
  }
}

/**
 * An operation or a state change is not allowed in the session's current state. A subclass of
 * {@link InvalidStateError} (code `ERR_INVALID_STATE`) that also says which operation was refused
 * and in which state. Nothing was changed.
 */
export class SessionStateError extends InvalidStateError {
  /** The refused operation, e.g. `hold` or `transition to connected`. */
  readonly operation: string;
  /** The session's state when the operation was refused. */
  readonly state: string;

  /**
   * @param operation - the refused operation
   * @param state - the current state
   * @param message - optional message; a default names the operation and the state
   */
  constructor(operation: string, state: string, message?: string) {
    super(message ?? `Cannot ${operation}: the session is ${state}`);
    this.operation = operation;
    this.state = state;
  }
}

/**
 * An outgoing call did not get answered: the far end (or a proxy) sent a final failure response
 * (RFC 3261 §21.3-§21.6), the INVITE timed out (a synthesised 408, Timer B), the transport failed
 * (a synthesised 503, §8.1.3.1), the caller cancelled, or the ring timeout ran out. `status` is the
 * final status seen, `reason` the typed {@link EndReason} it stands for.
 *
 * @example
 * ```ts
 * try {
 *   await session.answered();
 * } catch (err) {
 *   if (err instanceof CallFailedError && err.reason === 'busy') retryLater();
 * }
 * ```
 */
export class CallFailedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_CALL_FAILED';
  /** Final SIP status of the INVITE (e.g. 486, 603, 487), or `undefined` when none applies. */
  readonly status: number | undefined;
  /** Why the call failed. */
  readonly reason: EndReason;

  /**
   * @param reason - the end reason
   * @param status - the final status, when there was one
   * @param options - message override and underlying cause
   */
  constructor(reason: EndReason, status?: number, options: { message?: string; cause?: unknown } = {}) {
    super(
      'ERR_CALL_FAILED',
      options.message ?? `The call failed: ${reason}${status === undefined ? '' : ` (${status})`}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.status = status;
    this.reason = reason;
  }
}
