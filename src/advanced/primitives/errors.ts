import { SiplineError } from '../../util/index.js';

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

/**
 * Adding a relation to a {@link DependencyTracker} would create a cycle (including a session
 * depending on itself). The relation was not added. `cycle` is the closed path, first id
 * repeated at the end: `['a', 'b', 'c', 'a']`.
 *
 * @example
 * ```ts
 * deps.relate('a', 'b');
 * try { deps.relate('b', 'a'); } catch (err) {
 *   if (err instanceof DependencyCycleError) console.log(err.cycle.join(' -> ')); // a -> b -> a
 * }
 * ```
 */
export class DependencyCycleError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DEPENDENCY_CYCLE';
  /** The cycle the relation would have closed, first session repeated at the end. */
  readonly cycle: readonly string[];

  /**
   * @param cycle - the closed path (a string is taken as a one-element path)
   * @param message - description; a default one is built when omitted
   */
  constructor(cycle: readonly string[] | string, message?: string) {
    const path = Object.freeze(Array.isArray(cycle) ? [...cycle].map(String) : [String(cycle)]);
    super('ERR_DEPENDENCY_CYCLE', message ?? `relation would create a cycle: ${path.join(' -> ')}`);
    this.cycle = path;
  }
}

/**
 * A {@link SessionGroup} membership operation named a session that is already a member (add) or
 * is not one (remove with `strict`, setRole), or the group is full. Nothing was changed.
 *
 * @example
 * ```ts
 * group.add({ id: 'call-1' }, 'participant');
 * group.add({ id: 'call-1' }, 'moderator'); // throws GroupMembershipError (already a member)
 * ```
 */
export class GroupMembershipError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_GROUP_MEMBERSHIP';
  /** The group. */
  readonly groupId: string;
  /** The session concerned. */
  readonly sessionId: string;

  /**
   * @param groupId - the group
   * @param message - what is wrong
   * @param sessionId - the session concerned
   */
  constructor(groupId: string, message: string, sessionId?: string) {
    super('ERR_GROUP_MEMBERSHIP', `group ${String(groupId)}: ${message}`);
    this.groupId = String(groupId);
    this.sessionId = sessionId ?? '';
  }
}
