import { errorHint } from './error-hints.js';

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
  #context: ErrorContext;
  #hint: string | undefined;

  /**
   * @param code - stable code of the condition
   * @param message - human-readable description
   * @param options - the underlying `cause`, when there is one; the call it concerns
   *   (`context`) and a recovery `hint` overriding the default hint of the code
   */
  constructor(code: string, message: string, options?: SiplineErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    this.#context = Object.freeze({ ...(options?.context ?? {}) });
    this.#hint = options?.hint;
  }

  /**
   * The call this error concerns, as far as it is known: session id and state, SIP Call-ID,
   * dialog tags, SIP status, correlation id. Empty for errors that concern no call (a bad config).
   */
  get context(): ErrorContext {
    return this.#context;
  }

  /** A short recovery hint for people (what to check or do next); see docs/errors.md. */
  get hint(): string {
    return this.#hint ?? errorHint(this.code);
  }

  /**
   * Fill in context fields that are not known yet (set fields are never overwritten). The
   * layers that know the call (session, api) call this before an error reaches the application.
   * @returns this error
   */
  addContext(context: ErrorContext): this {
    const merged: Record<string, unknown> = { ...this.#context };
    for (const [key, value] of Object.entries(context)) {
      if (value !== undefined && value !== '' && merged[key] === undefined) merged[key] = value;
    }
    this.#context = Object.freeze(merged as ErrorContext);
    return this;
  }

  /** A plain object for structured logs: name, code, message, hint and the context fields. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint, ...this.#context };
  }
}

/**
 * What an error knows about the call it concerns (RFC 3261 §12: a dialog is identified by
 * Call-ID, local tag and remote tag). Every field is optional.
 */
export interface ErrorContext {
  /** Id of the session (`session.id`). */
  readonly sessionId?: string;
  /** State of the session when the error happened, e.g. `ringing`. */
  readonly sessionState?: string;
  /** SIP Call-ID of the call. */
  readonly callId?: string;
  /** Our dialog tag. */
  readonly localTag?: string;
  /** The far end's dialog tag. */
  readonly remoteTag?: string;
  /** SIP status code behind the error (a final response), when there is one. */
  readonly status?: number;
  /** Correlation id of the call (see docs/observability.md). */
  readonly correlationId?: string;
}

/** Options of {@link SiplineError}. */
export interface SiplineErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown;
  /** The call the error concerns. */
  readonly context?: ErrorContext;
  /** A recovery hint overriding the default hint of the code. */
  readonly hint?: string;
}

/**
 * Fill the context of `error` when it is a {@link SiplineError} (see
 * {@link SiplineError.addContext}); other values are returned unchanged.
 */
export function withErrorContext<T>(error: T, context: ErrorContext): T {
  if (error instanceof SiplineError) error.addContext(context);
  return error;
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
