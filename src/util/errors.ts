/**
 * Base class of every error sipline throws or reports.
 *
 * Each subclass stands for one condition and carries a stable, literal-typed
 * {@link SiplineError.code | code} that applications can switch on; the message
 * is for people and may change between versions.
 *
 * @example
 * ```ts
 * try {
 *   await session.hold();
 * } catch (err) {
 *   if (err instanceof SiplineError && err.code === 'ERR_INVALID_STATE') {
 *     // the call was not connected
 *   }
 * }
 * ```
 */
export class SiplineError extends Error {
  /** Stable machine-readable code, e.g. `ERR_SIP_PARSE`. */
  readonly code: string;

  /**
   * @param code - stable code of the condition
   * @param message - human-readable description
   * @param options - the underlying `cause`, when there is one
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * An argument had the wrong type or an impossible value. Thrown synchronously
 * by the function that received it.
 */
export class InvalidArgumentError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_INVALID_ARGUMENT';
  /** Name of the offending argument or option, e.g. `media.portRange`. */
  readonly argument: string;

  /**
   * @param argument - name of the argument or option
   * @param message - what is wrong with it
   */
  constructor(argument: string, message: string) {
    super('ERR_INVALID_ARGUMENT', `${argument}: ${message}`);
    this.argument = argument;
  }
}

/**
 * An operation is not allowed in the object's current state (a closed socket,
 * a call that is not connected). Nothing was changed.
 */
export class InvalidStateError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_INVALID_STATE';

  /** @param message - which operation and which state */
  constructor(message: string) {
    super('ERR_INVALID_STATE', message);
  }
}
