/**
 * Errors that belong to the public API layer itself. The rest of what applications see
 * (`ConfigError`, `CallFailedError`, `InvalidStateError`, ...) comes from the layers below and is
 * re-exported by the package root.
 *
 * @module
 */
import { SiplineError } from '../util/index.js';

/**
 * The operation exists in the API but this release does not implement it yet (for example hold,
 * transfer or early media, which arrive with the call-control release). Nothing was sent and the
 * session is unchanged.
 *
 * @example
 * ```ts
 * try {
 *   await session.hold();
 * } catch (err) {
 *   if (err instanceof NotSupportedError) showUnavailable(err.feature); // e.g. 'hold'
 * }
 * ```
 */
export class NotSupportedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_NOT_SUPPORTED';
  /** The feature that is missing, e.g. `hold` or `early media`. */
  readonly feature: string;

  /**
   * @param feature - the missing feature, named as in the docs
   * @param message - optional message; a default says the feature lands in a later release
   */
  constructor(feature: string, message?: string) {
    super('ERR_NOT_SUPPORTED', message ?? `${feature} is not supported by this release of sipline yet; it lands in a later release`);
    this.feature = feature;
  }
}
