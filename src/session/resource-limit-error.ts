import { SiplineError } from '../util/index.js';

/**
 * A resource allocation would exceed a limit of a {@link ResourceTracker}: the global limit of
 * the kind, or the per-session limit. Nothing was allocated; the tracker also reported the
 * refusal as a `limit-exceeded` event.
 *
 * @example
 * ```ts
 * try {
 *   tracker.allocate('call-1', 'bandwidth', 64);
 * } catch (err) {
 *   if (err instanceof ResourceLimitError) console.log(err.kind, err.scope, err.limit);
 * }
 * ```
 */
export class ResourceLimitError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_RESOURCE_LIMIT';
  /** The resource kind, e.g. `bandwidth`. */
  readonly kind: string;
  /** Which limit was hit: the tracker-wide one or the one of the session. */
  readonly scope: 'global' | 'session';
  /** The session the allocation was for. */
  readonly sessionId: string;
  /** The limit in force. */
  readonly limit: number;
  /** Units in use (in the scope) before the refused allocation. */
  readonly used: number;
  /** Units asked for. */
  readonly requested: number;

  /**
   * @param kind - resource kind
   * @param message - description; a default one is built when omitted
   * @param details - scope, session, limit, usage and request
   */
  constructor(
    kind: string,
    message?: string,
    details?: {
      readonly scope?: 'global' | 'session';
      readonly sessionId?: string;
      readonly limit?: number;
      readonly used?: number;
      readonly requested?: number;
    },
  ) {
    const scope = details?.scope ?? 'global';
    const limit = details?.limit ?? 0;
    const used = details?.used ?? 0;
    const requested = details?.requested ?? 0;
    super(
      'ERR_RESOURCE_LIMIT',
      message ?? `${String(kind)}: ${scope} limit ${limit} exceeded (${used} in use, ${requested} requested)`,
    );
    this.kind = String(kind);
    this.scope = scope;
    this.sessionId = details?.sessionId ?? '';
    this.limit = limit;
    this.used = used;
    this.requested = requested;
  }
}
