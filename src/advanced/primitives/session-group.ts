import { InvalidArgumentError, InvalidStateError } from '../../util/index.js';
import { GroupMembershipError } from './errors.js';
import type { Unsubscribe } from './event-bus.js';
import { reportingEmitter } from './reporting-emitter.js';
import type { ListenerErrorHandler } from './reporting-emitter.js';

/** What a group is for. */
export type GroupKind = 'conference' | 'transfer' | 'bridge' | 'consultation' | 'custom';

/** Every {@link GroupKind}. */
export const GROUP_KINDS: readonly GroupKind[] = Object.freeze(['conference', 'transfer', 'bridge', 'consultation', 'custom'] as const);

/** The life of a group: `forming` -> `active` -> `ending` -> `ended` (any earlier state may jump to `ended`). */
export type GroupState = 'forming' | 'active' | 'ending' | 'ended';

/** The allowed moves of {@link GroupState}. */
export const GROUP_TRANSITIONS: ReadonlyMap<GroupState, ReadonlySet<GroupState>> = new Map<GroupState, ReadonlySet<GroupState>>([
  ['forming', new Set<GroupState>(['active', 'ending', 'ended'])],
  ['active', new Set<GroupState>(['ending', 'ended'])],
  ['ending', new Set<GroupState>(['ended'])],
  ['ended', new Set<GroupState>()],
]);

/**
 * The role of a member: the well-known ones, or any custom string.
 */
export type MemberRole =
  | 'a-leg' | 'b-leg' | 'participant' | 'moderator' | 'transferor' | 'transferee' | 'target' | (string & {});

/** What a group member must have: the session id (a `CallSession` fits). */
export interface SessionMember {
  /** The session id, e.g. `CallSession.id`. */
  readonly id: string;
}

/** A member of a group: the session-like object, its role and when it joined. */
export interface GroupMember<M extends SessionMember> {
  /** The member (its `id` is the session id). */
  readonly member: M;
  /** Its role in the group. */
  readonly role: MemberRole;
  /** When it joined, in milliseconds (the group's `now`). */
  readonly joinedAt: number;
}

/** The events of a {@link SessionGroup}. */
export type SessionGroupEvents<M extends SessionMember> = {
  /** A member joined. */
  'member-added': [entry: GroupMember<M>];
  /** A member left. */
  'member-removed': [entry: GroupMember<M>];
  /** A member's role changed. */
  'role-changed': [entry: GroupMember<M>, previous: MemberRole];
  /** The group changed state. */
  state: [to: GroupState, from: GroupState];
};

/** Options of a {@link SessionGroup}. */
export interface SessionGroupOptions {
  /** The group id. */
  readonly id: string;
  /** What the group is for. */
  readonly kind: GroupKind;
  /** Free text, e.g. a room name. */
  readonly label?: string;
  /** Most members at once; default unlimited. */
  readonly maxMembers?: number;
  /** Clock of `joinedAt`; default `Date.now`. */
  readonly now?: () => number;
  /** Receives what an event listener throws. */
  readonly onListenerError?: ListenerErrorHandler;
}

/**
 * A set of sessions that belong together (a conference, a transfer, a bridge, a consultation, or
 * custom), each with a role, and the group's state. Generic over the member type: anything with
 * an `id` string (a `CallSession`, or `{ id }` alone). Members can be added while the group is
 * `forming` or `active`; a session is a member at most once.
 *
 * @example
 * ```ts
 * const transfer = new SessionGroup({ id: 't1', kind: 'transfer' });
 * transfer.add(original, 'transferee').add(consult, 'target');
 * transfer.activate();
 * transfer.membersWithRole('target'); // [consult]
 * transfer.end();
 * ```
 */
export class SessionGroup<M extends SessionMember = SessionMember> {
  readonly #id: string;
  readonly #kind: GroupKind;
  readonly #label: string | undefined;
  readonly #maxMembers: number;
  readonly #now: () => number;
  readonly #members = new Map<string, GroupMember<M>>();
  readonly #events;
  #state: GroupState = 'forming';

  /**
   * @param options - id, kind, label and limits
   * @throws InvalidArgumentError for an empty id, an unknown kind or a bad `maxMembers`
   */
  constructor(options: SessionGroupOptions) {
    if (typeof options?.id !== 'string' || options.id === '') throw new InvalidArgumentError('id', 'must be a non-empty string');
    if (!GROUP_KINDS.includes(options.kind)) throw new InvalidArgumentError('kind', `unknown group kind ${String(options.kind)}`);
    const max = options.maxMembers ?? Infinity;
    if (typeof max !== 'number' || !(max >= 0)) throw new InvalidArgumentError('maxMembers', 'must be a number >= 0');
    this.#id = options.id;
    this.#kind = options.kind;
    this.#label = options.label;
    this.#maxMembers = max;
    this.#now = options.now ?? Date.now;
    this.#events = reportingEmitter<SessionGroupEvents<M>>(`group ${options.id}`, options.onListenerError);
  }

  /** The group id. */
  get id(): string { return this.#id; }
  /** What the group is for. */
  get kind(): GroupKind { return this.#kind; }
  /** The label given at creation. */
  get label(): string | undefined { return this.#label; }
  /** The group's state. */
  get state(): GroupState { return this.#state; }
  /** Number of members. */
  get size(): number { return this.#members.size; }
  /** Most members at once (Infinity when unlimited). */
  get maxMembers(): number { return this.#maxMembers; }

  /** The members with their roles, in joining order. */
  get members(): readonly GroupMember<M>[] {
    return [...this.#members.values()];
  }

  /** The session ids of the members, in joining order. */
  get sessionIds(): readonly string[] {
    return [...this.#members.keys()];
  }

  /**
   * Add a member with a role (default `participant`). Returns the group, so calls chain.
   *
   * @throws InvalidStateError when the group is `ending` or `ended`
   * @throws GroupMembershipError when the session is already a member or the group is full
   */
  add(member: M, role: MemberRole = 'participant'): this {
    if (typeof member?.id !== 'string' || member.id === '') throw new InvalidArgumentError('member.id', 'must be a non-empty string');
    if (typeof role !== 'string' || role === '') throw new InvalidArgumentError('role', 'must be a non-empty string');
    if (this.#state === 'ending' || this.#state === 'ended') {
      throw new InvalidStateError(`group ${this.#id}: cannot add a member while ${this.#state}`);
    }
    if (this.#members.has(member.id)) throw new GroupMembershipError(this.#id, `${member.id} is already a member`, member.id);
    if (this.#members.size >= this.#maxMembers) {
      throw new GroupMembershipError(this.#id, `full (${this.#maxMembers} members)`, member.id);
    }
    const entry: GroupMember<M> = Object.freeze({ member, role, joinedAt: this.#now() });
    this.#members.set(member.id, entry);
    this.#events.safeEmit('member-added', entry);
    return this;
  }

  /** Remove a member (by session id or member). Returns the removed entry, or undefined when it was not a member. */
  remove(member: string | M): GroupMember<M> | undefined {
    const id = typeof member === 'string' ? member : member?.id;
    const entry = this.#members.get(id);
    if (entry === undefined) return undefined;
    this.#members.delete(id);
    this.#events.safeEmit('member-removed', entry);
    return entry;
  }

  /** Whether a session is a member. */
  has(sessionId: string): boolean {
    return this.#members.has(sessionId);
  }

  /** A member's entry, by session id. */
  get(sessionId: string): GroupMember<M> | undefined {
    return this.#members.get(sessionId);
  }

  /** A member's role, or undefined when it is not a member. */
  roleOf(sessionId: string): MemberRole | undefined {
    return this.#members.get(sessionId)?.role;
  }

  /** The members with a role, in joining order. */
  membersWithRole(role: MemberRole): M[] {
    return [...this.#members.values()].filter((e) => e.role === role).map((e) => e.member);
  }

  /** The first member matching a predicate. */
  find(predicate: (entry: GroupMember<M>) => boolean): GroupMember<M> | undefined {
    for (const e of this.#members.values()) if (predicate(e)) return e;
    return undefined;
  }

  /**
   * Change a member's role.
   *
   * @throws GroupMembershipError when the session is not a member
   * @throws InvalidStateError when the group has ended
   */
  setRole(sessionId: string, role: MemberRole): GroupMember<M> {
    if (typeof role !== 'string' || role === '') throw new InvalidArgumentError('role', 'must be a non-empty string');
    if (this.#state === 'ended') throw new InvalidStateError(`group ${this.#id}: ended`);
    const entry = this.#members.get(sessionId);
    if (entry === undefined) throw new GroupMembershipError(this.#id, `${sessionId} is not a member`, sessionId);
    if (entry.role === role) return entry;
    const next: GroupMember<M> = Object.freeze({ ...entry, role });
    this.#members.set(sessionId, next);
    this.#events.safeEmit('role-changed', next, entry.role);
    return next;
  }

  /** `forming` -> `active`. @throws InvalidStateError from any other state */
  activate(): void {
    this.transition('active');
  }

  /** Start ending (`forming`/`active` -> `ending`); members may still be removed. @throws InvalidStateError when ending or ended */
  beginEnd(): void {
    this.transition('ending');
  }

  /** End the group (from any state but `ended`): members are removed, last joined first. Ending twice does nothing. */
  end(): void {
    if (this.#state === 'ended') return;
    for (const id of [...this.#members.keys()].reverse()) this.remove(id);
    this.transition('ended');
  }

  /**
   * Apply a state change, validated against {@link GROUP_TRANSITIONS}.
   * @throws InvalidStateError for a move the table does not allow
   */
  transition(to: GroupState): void {
    const from = this.#state;
    if (!GROUP_TRANSITIONS.get(from)?.has(to)) throw new InvalidStateError(`group ${this.#id}: cannot go from ${from} to ${String(to)}`);
    this.#state = to;
    this.#events.safeEmit('state', to, from);
  }

  /**
   * Add a listener; returns the function that removes it.
   *
   * @example
   * ```ts
   * group.on('member-removed', ({ member }) => { if (group.size < 2) group.end(); });
   * ```
   */
  on<K extends keyof SessionGroupEvents<M>>(event: K, listener: (...args: SessionGroupEvents<M>[K]) => void): Unsubscribe {
    this.#events.on(event, listener);
    return () => void this.#events.off(event, listener);
  }
}
