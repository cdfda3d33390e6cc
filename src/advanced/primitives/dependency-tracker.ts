import { InvalidArgumentError } from '../../util/index.js';
import { DependencyCycleError } from './errors.js';
import type { Unsubscribe } from './event-bus.js';
import { callSafely, reportingEmitter } from './reporting-emitter.js';
import type { ListenerErrorHandler } from './reporting-emitter.js';

/**
 * The kind of a relation between two sessions: `parent` (the child is a sub-call of the parent),
 * `depends-on` (the child needs the parent), `consults` (the child is a consultation call of the
 * parent), or any custom string.
 */
export type RelationKind = 'parent' | 'depends-on' | 'consults' | (string & {});

/**
 * A directed relation: `child` is the dependent end. When `cascade` is true, the end of `parent`
 * ends `child`.
 */
export interface SessionRelation {
  /** The session depended upon. */
  readonly parent: string;
  /** The dependent session. */
  readonly child: string;
  /** What the relation means. */
  readonly kind: RelationKind;
  /** Whether the end of `parent` ends `child`. */
  readonly cascade: boolean;
}

/** Why a session is being ended by a cascade; passed to `onCascade` and the `cascade` event. */
export interface CascadeCause {
  /** The session whose end started the cascade. */
  readonly root: string;
  /** The ended session whose relation reached this one. */
  readonly parent: string;
  /** That relation. */
  readonly relation: SessionRelation;
  /** The reason given to {@link DependencyTracker.end}, if any. */
  readonly reason?: string;
}

/** The events of a {@link DependencyTracker}. */
export type DependencyTrackerEvents = {
  /** A relation was added (or replaced). */
  related: [relation: SessionRelation];
  /** A relation was removed (by `unrelate`, `remove` or `end`). */
  unrelated: [relation: SessionRelation];
  /** A session must end because a session it depends on ended. Hang it up. */
  cascade: [sessionId: string, cause: CascadeCause];
};

/** Options of a {@link DependencyTracker}. */
export interface DependencyTrackerOptions {
  /**
   * Whether each relation kind cascades by default. Defaults: `parent` and `depends-on` true,
   * `consults` false; a custom kind not listed uses `defaultCascade`.
   */
  readonly cascade?: Readonly<Record<string, boolean>>;
  /** Cascade of custom kinds not in `cascade`; default false. */
  readonly defaultCascade?: boolean;
  /**
   * Called for each session a cascade ends, parents before children (after the graph is
   * updated, so calling `end` again from it is harmless). What it throws is caught and reported.
   */
  readonly onCascade?: (sessionId: string, cause: CascadeCause) => void;
  /** Receives what `onCascade` or an event listener throws. */
  readonly onListenerError?: ListenerErrorHandler;
}

/** Options of {@link DependencyTracker.relate}. */
export interface RelateOptions {
  /** The relation kind; default `parent`. */
  readonly kind?: RelationKind;
  /** Whether this relation cascades; default: the kind's. */
  readonly cascade?: boolean;
}

const DEFAULT_CASCADE: Readonly<Record<string, boolean>> = { parent: true, 'depends-on': true, consults: false };

function checkId(name: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '') throw new InvalidArgumentError(name, 'must be a non-empty string');
}

/**
 * Relations between session ids (parent/child, depends-on, consults, custom) forming a directed
 * acyclic graph: a relation that would close a cycle, a session depending on itself included, is
 * refused with a {@link DependencyCycleError}. {@link DependencyTracker.end} ends a session and,
 * along relations that cascade, every session that depends on it, reported through `onCascade`
 * and the `cascade` event so the engine hangs them up.
 *
 * @example
 * ```ts
 * const deps = new DependencyTracker({ onCascade: (id) => sessions.get(id)?.hangup() });
 * deps.relate('a-leg', 'b-leg');                                 // parent: cascades
 * deps.relate('b-leg', 'consult-1', { kind: 'consults' });      // does not cascade
 * deps.end('a-leg');                                             // ['b-leg']: hang it up
 * ```
 */
export class DependencyTracker {
  /** parent -> child -> relation */
  readonly #down = new Map<string, Map<string, SessionRelation>>();
  /** child -> parent -> relation */
  readonly #up = new Map<string, Map<string, SessionRelation>>();
  readonly #cascadeDefaults: Readonly<Record<string, boolean>>;
  readonly #defaultCascade: boolean;
  readonly #onCascade: DependencyTrackerOptions['onCascade'];
  readonly #onListenerError: ListenerErrorHandler | undefined;
  readonly #events;

  /** @param options - cascade defaults and the cascade callback */
  constructor(options: DependencyTrackerOptions = {}) {
    this.#cascadeDefaults = Object.freeze({ ...DEFAULT_CASCADE, ...options.cascade });
    this.#defaultCascade = options.defaultCascade ?? false;
    this.#onCascade = options.onCascade;
    this.#onListenerError = options.onListenerError;
    this.#events = reportingEmitter<DependencyTrackerEvents>('dependency-tracker', options.onListenerError);
  }

  /** Whether relations of a kind cascade unless told otherwise. */
  cascadesByDefault(kind: RelationKind): boolean {
    return this.#cascadeDefaults[kind] ?? this.#defaultCascade;
  }

  /**
   * Relate `child` to `parent` (the child depends on the parent). Relating the same pair again
   * replaces the kind and cascade.
   *
   * @throws DependencyCycleError when the child already reaches the parent (or they are equal)
   * @throws InvalidArgumentError for an empty id
   */
  relate(parent: string, child: string, options: RelateOptions = {}): SessionRelation {
    checkId('parent', parent);
    checkId('child', child);
    const kind = options.kind ?? 'parent';
    if (typeof kind !== 'string' || kind === '') throw new InvalidArgumentError('kind', 'must be a non-empty string');
    const cycle = this.#pathBetween(child, parent);
    if (cycle !== undefined) throw new DependencyCycleError([parent, ...cycle]);
    const relation: SessionRelation = Object.freeze({
      parent, child, kind, cascade: options.cascade ?? this.cascadesByDefault(kind),
    });
    const down = this.#down.get(parent) ?? new Map<string, SessionRelation>();
    const up = this.#up.get(child) ?? new Map<string, SessionRelation>();
    down.set(child, relation);
    up.set(parent, relation);
    this.#down.set(parent, down);
    this.#up.set(child, up);
    this.#events.safeEmit('related', relation);
    return relation;
  }

  /** Shorthand: `dependent` depends on `dependency` (kind `depends-on`). */
  dependsOn(dependent: string, dependency: string, options: { readonly cascade?: boolean } = {}): SessionRelation {
    return this.relate(dependency, dependent, { ...options, kind: 'depends-on' });
  }

  /** Whether relating `child` to `parent` would be accepted (no cycle). */
  canRelate(parent: string, child: string): boolean {
    return this.#pathBetween(child, parent) === undefined;
  }

  /** Remove the relation between two sessions. Returns whether there was one. */
  unrelate(parent: string, child: string): boolean {
    const relation = this.#down.get(parent)?.get(child);
    if (relation === undefined) return false;
    this.#detach(relation);
    return true;
  }

  /** The relation from `parent` to `child`, if any. */
  relation(parent: string, child: string): SessionRelation | undefined {
    return this.#down.get(parent)?.get(child);
  }

  /** Every relation, or those touching one session. */
  relations(sessionId?: string): SessionRelation[] {
    if (sessionId !== undefined) {
      return [...(this.#up.get(sessionId)?.values() ?? []), ...(this.#down.get(sessionId)?.values() ?? [])];
    }
    const out: SessionRelation[] = [];
    for (const m of this.#down.values()) out.push(...m.values());
    return out;
  }

  /** Whether a session has any relation. */
  has(sessionId: string): boolean {
    return this.#down.has(sessionId) || this.#up.has(sessionId);
  }

  /** Direct dependents of a session. */
  children(sessionId: string): string[] {
    return [...(this.#down.get(sessionId)?.keys() ?? [])];
  }

  /** Sessions a session directly depends on. */
  parents(sessionId: string): string[] {
    return [...(this.#up.get(sessionId)?.keys() ?? [])];
  }

  /** Every session reachable downwards (its dependents, transitively), nearest first. */
  descendants(sessionId: string, options: { readonly cascadingOnly?: boolean } = {}): string[] {
    return this.#reach(sessionId, this.#down, options.cascadingOnly === true);
  }

  /** Every session reachable upwards (what it depends on, transitively), nearest first. */
  ancestors(sessionId: string): string[] {
    return this.#reach(sessionId, this.#up, false);
  }

  /**
   * Every related session, each after all the sessions it depends on (Kahn's algorithm; ties in
   * first-seen order). Reverse it to end dependents first.
   */
  topologicalOrder(): string[] {
    return this.#order(new Set([...this.#down.keys(), ...this.#up.keys()]), false);
  }

  /** The sessions {@link DependencyTracker.end} would end by cascade, parents first, without ending them. */
  cascadeOf(sessionId: string): string[] {
    const reached = new Set(this.descendants(sessionId, { cascadingOnly: true }));
    reached.add(sessionId);
    return this.#order(reached, true).filter((id) => id !== sessionId);
  }

  /**
   * A session ended: remove it and, along cascading relations (transitively), every session that
   * depends on it; each of those is reported to `onCascade` and as a `cascade` event, parents
   * first. Dependents through non-cascading relations are only detached. Returns the ids ended
   * by cascade.
   */
  end(sessionId: string, reason?: string): string[] {
    const cascaded = this.cascadeOf(sessionId);
    const causes = new Map<string, CascadeCause>();
    const ended = new Set([sessionId]);
    for (const id of cascaded) {
      // The first ended parent (in order) whose cascading relation reaches this session.
      let cause: CascadeCause | undefined;
      for (const [parent, relation] of this.#up.get(id) ?? []) {
        if (relation.cascade && ended.has(parent)) {
          cause = { root: sessionId, parent, relation, ...(reason === undefined ? {} : { reason }) };
          break;
        }
      }
      if (cause !== undefined) causes.set(id, Object.freeze(cause));
      ended.add(id);
    }
    for (const id of ended) this.remove(id);
    for (const id of cascaded) {
      const cause = causes.get(id);
      if (cause === undefined) continue;
      const onCascade = this.#onCascade;
      if (onCascade !== undefined) callSafely('dependency-tracker', 'onCascade', () => onCascade(id, cause), this.#onListenerError);
      this.#events.safeEmit('cascade', id, cause);
    }
    return cascaded;
  }

  /** Forget a session and its relations without cascading. Returns whether it had any. */
  remove(sessionId: string): boolean {
    const relations = this.relations(sessionId);
    for (const r of relations) this.#detach(r);
    return relations.length > 0;
  }

  /**
   * Add a listener; returns the function that removes it.
   *
   * @example
   * ```ts
   * deps.on('cascade', (id, cause) => sessions.get(id)?.hangup());
   * ```
   */
  on<K extends keyof DependencyTrackerEvents>(event: K, listener: (...args: DependencyTrackerEvents[K]) => void): Unsubscribe {
    this.#events.on(event, listener);
    return () => void this.#events.off(event, listener);
  }

  #detach(relation: SessionRelation): void {
    const down = this.#down.get(relation.parent);
    down?.delete(relation.child);
    if (down?.size === 0) this.#down.delete(relation.parent);
    const up = this.#up.get(relation.child);
    up?.delete(relation.parent);
    if (up?.size === 0) this.#up.delete(relation.child);
    this.#events.safeEmit('unrelated', relation);
  }

  /** A path from `from` to `to` along relations (both ends included), or undefined. Iterative BFS. */
  #pathBetween(from: string, to: string): string[] | undefined {
    if (from === to) return [from];
    const previous = new Map<string, string>([[from, from]]);
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i] as string;
      for (const next of this.#down.get(node)?.keys() ?? []) {
        if (previous.has(next)) continue;
        previous.set(next, node);
        if (next === to) {
          const path = [to];
          let at = to;
          while (at !== from) {
            at = previous.get(at) as string;
            path.push(at);
          }
          return path.reverse();
        }
        queue.push(next);
      }
    }
    return undefined;
  }

  #reach(start: string, edges: Map<string, Map<string, SessionRelation>>, cascadingOnly: boolean): string[] {
    const seen = new Set([start]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const [next, relation] of edges.get(queue[i] as string) ?? []) {
        if (seen.has(next) || (cascadingOnly && !relation.cascade)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return queue.slice(1);
  }

  /** Topological order of `nodes`, counting only relations inside the set (cascading ones when asked). */
  #order(nodes: ReadonlySet<string>, cascadingOnly: boolean): string[] {
    const indegree = new Map<string, number>();
    for (const n of nodes) {
      let d = 0;
      for (const [p, r] of this.#up.get(n) ?? []) if (nodes.has(p) && (!cascadingOnly || r.cascade)) d++;
      indegree.set(n, d);
    }
    const queue = [...nodes].filter((n) => indegree.get(n) === 0);
    for (let i = 0; i < queue.length; i++) {
      for (const [c, r] of this.#down.get(queue[i] as string) ?? []) {
        if (!nodes.has(c) || (cascadingOnly && !r.cascade)) continue;
        const d = (indegree.get(c) as number) - 1;
        indegree.set(c, d);
        if (d === 0) queue.push(c);
      }
    }
    return queue;
  }
}
