/**
 * Errors of the session layer: invalid configuration and operations forbidden by the session
 * state machine.
 *
 * @module
 */
import { InvalidStateError, SiplineError } from '../util/index.js';

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
