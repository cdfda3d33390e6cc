import { SiplineError } from '../../util/index.js';

// ResourceLimitError lives with the ResourceTracker in the session layer, which enforces the
// manager's own limits with it; it is re-exported here for the primitives.
export { ResourceLimitError } from '../../session/index.js';

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
