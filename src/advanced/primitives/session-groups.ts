import { InvalidArgumentError, randomToken } from '../../util/index.js';
import type { Unsubscribe } from './event-bus.js';
import { reportingEmitter } from './reporting-emitter.js';
import type { ListenerErrorHandler } from './reporting-emitter.js';
import { SessionGroup } from './session-group.js';
import type { GroupKind, GroupMember, MemberRole, SessionMember } from './session-group.js';

/** The events of a {@link SessionGroups} registry. */
export type SessionGroupsEvents<M extends SessionMember> = {
  /** A group was created. */
  'group-created': [group: SessionGroup<M>];
  /** A group ended and left the registry. */
  'group-ended': [group: SessionGroup<M>];
  /** A session joined a group. */
  'member-added': [group: SessionGroup<M>, entry: GroupMember<M>];
  /** A session left a group. */
  'member-removed': [group: SessionGroup<M>, entry: GroupMember<M>];
};

/** Options of {@link SessionGroups.create}. */
export interface CreateGroupOptions {
  /** What the group is for. */
  readonly kind: GroupKind;
  /** The group id; default a random one. */
  readonly id?: string;
  /** Free text, e.g. a room name. */
  readonly label?: string;
  /** Most members at once; default unlimited. */
  readonly maxMembers?: number;
}

/** Options of a {@link SessionGroups} registry. */
export interface SessionGroupsOptions {
  /** Clock of `joinedAt`; default `Date.now`. */
  readonly now?: () => number;
  /** Receives what an event listener (of the registry or of its groups) throws. */
  readonly onListenerError?: ListenerErrorHandler;
}

/**
 * The live {@link SessionGroup}s of an engine, indexed by group id and by member session id, so
 * "which groups is this call in?" is one lookup. Ended groups leave the registry by themselves.
 *
 * @example
 * ```ts
 * const groups = new SessionGroups<CallSession>();
 * const room = groups.create({ kind: 'conference', label: 'room 42' });
 * room.add(alice, 'moderator').add(bob);
 * groups.groupsOf(bob.id); // [room]
 * session.on('ended', () => groups.removeSession(session.id));
 * ```
 */
export class SessionGroups<M extends SessionMember = SessionMember> {
  readonly #groups = new Map<string, SessionGroup<M>>();
  /** session id -> ids of the groups it is in */
  readonly #bySession = new Map<string, Set<string>>();
  readonly #now: (() => number) | undefined;
  readonly #onListenerError: ListenerErrorHandler | undefined;
  readonly #events;

  /** @param options - clock and error reporting */
  constructor(options: SessionGroupsOptions = {}) {
    this.#now = options.now;
    this.#onListenerError = options.onListenerError;
    this.#events = reportingEmitter<SessionGroupsEvents<M>>('session-groups', options.onListenerError);
  }

  /** Number of live groups. */
  get size(): number {
    return this.#groups.size;
  }

  /**
   * Create a group (state `forming`) and register it.
   *
   * @throws InvalidArgumentError when the id is taken, or for a bad kind or limit
   */
  create(options: CreateGroupOptions): SessionGroup<M> {
    const id = options.id ?? `group-${randomToken(12)}`;
    if (this.#groups.has(id)) throw new InvalidArgumentError('id', `a group ${id} already exists`);
    const group = new SessionGroup<M>({
      ...options, id,
      ...(this.#now === undefined ? {} : { now: this.#now }),
      ...(this.#onListenerError === undefined ? {} : { onListenerError: this.#onListenerError }),
    });
    this.#groups.set(id, group);
    group.on('member-added', (entry) => {
      let set = this.#bySession.get(entry.member.id);
      if (set === undefined) {
        set = new Set();
        this.#bySession.set(entry.member.id, set);
      }
      set.add(id);
      this.#events.safeEmit('member-added', group, entry);
    });
    group.on('member-removed', (entry) => {
      const set = this.#bySession.get(entry.member.id);
      set?.delete(id);
      if (set?.size === 0) this.#bySession.delete(entry.member.id);
      this.#events.safeEmit('member-removed', group, entry);
    });
    group.on('state', (to) => {
      if (to !== 'ended') return;
      this.#groups.delete(id);
      this.#events.safeEmit('group-ended', group);
    });
    this.#events.safeEmit('group-created', group);
    return group;
  }

  /** A live group by id. */
  get(groupId: string): SessionGroup<M> | undefined {
    return this.#groups.get(groupId);
  }

  /** The live groups, optionally of one kind, in creation order. */
  all(kind?: GroupKind): SessionGroup<M>[] {
    const groups = [...this.#groups.values()];
    return kind === undefined ? groups : groups.filter((g) => g.kind === kind);
  }

  /** The groups a session is a member of (optionally only where it has a role). */
  groupsOf(sessionId: string, role?: MemberRole): SessionGroup<M>[] {
    const out: SessionGroup<M>[] = [];
    for (const gid of this.#bySession.get(sessionId) ?? []) {
      const group = this.#groups.get(gid);
      if (group !== undefined && (role === undefined || group.roleOf(sessionId) === role)) out.push(group);
    }
    return out;
  }

  /** The first live group matching a predicate. */
  find(predicate: (group: SessionGroup<M>) => boolean): SessionGroup<M> | undefined {
    for (const g of this.#groups.values()) if (predicate(g)) return g;
    return undefined;
  }

  /** Remove a session from every group it is in (call it when the session ends). Returns the groups it left. */
  removeSession(sessionId: string): SessionGroup<M>[] {
    const groups = this.groupsOf(sessionId);
    for (const g of groups) g.remove(sessionId);
    return groups;
  }

  /** End a group by id (see {@link SessionGroup.end}). Returns whether it was live. */
  end(groupId: string): boolean {
    const group = this.#groups.get(groupId);
    if (group === undefined) return false;
    group.end();
    return true;
  }

  /**
   * Add a listener; returns the function that removes it.
   *
   * @example
   * ```ts
   * groups.on('member-removed', (group) => { if (group.size === 0) group.end(); });
   * ```
   */
  on<K extends keyof SessionGroupsEvents<M>>(event: K, listener: (...args: SessionGroupsEvents<M>[K]) => void): Unsubscribe {
    this.#events.on(event, listener);
    return () => void this.#events.off(event, listener);
  }
}
