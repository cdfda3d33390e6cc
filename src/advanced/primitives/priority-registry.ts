import { InvalidArgumentError } from '../../util/index.js';
import type { Unsubscribe } from './event-bus.js';
import { comparePriority, isPriority, isQosClass, QOS_DSCP, sortByPriority } from './priority.js';
import type { Priority, QosClass, QosMarking } from './priority.js';
import { reportingEmitter } from './reporting-emitter.js';
import type { ListenerErrorHandler } from './reporting-emitter.js';

/** The priority and QoS class of one session. */
export interface SessionLevels {
  /** How urgent the session is. */
  readonly priority: Priority;
  /** The traffic class of its media. */
  readonly qos: QosClass;
}

/** The events of a {@link PriorityRegistry}. */
export type PriorityRegistryEvents = {
  /** A session's levels changed (`previous` is the defaults when it had none assigned). */
  changed: [sessionId: string, levels: SessionLevels, previous: SessionLevels];
  /** A session's assignment was removed (it reads the defaults again). */
  removed: [sessionId: string, previous: SessionLevels];
};

/** Options of a {@link PriorityRegistry}. */
export interface PriorityRegistryOptions {
  /** Levels of a session with no assignment; default `{ priority: 'normal', qos: 'voice' }`. */
  readonly defaults?: Partial<SessionLevels>;
  /** Receives what an event listener throws. */
  readonly onListenerError?: ListenerErrorHandler;
}

/**
 * Assigns a {@link Priority} and a {@link QosClass} to session ids, for engines to read: which
 * call to serve first, how to mark its packets. Sessions with no assignment read the defaults.
 *
 * @example
 * ```ts
 * const levels = new PriorityRegistry();
 * levels.assign('call-911', { priority: 'emergency' });
 * levels.priorityOf('call-911'); // 'emergency'
 * levels.sorted(['call-1', 'call-911']); // ['call-911', 'call-1']
 * levels.markingOf('call-911').dscp; // 46 (voice, EF)
 * ```
 */
export class PriorityRegistry {
  readonly #levels = new Map<string, SessionLevels>();
  readonly #defaults: SessionLevels;
  readonly #events;

  /** @param options - defaults and error reporting */
  constructor(options: PriorityRegistryOptions = {}) {
    const priority = options.defaults?.priority ?? 'normal';
    const qos = options.defaults?.qos ?? 'voice';
    if (!isPriority(priority)) throw new InvalidArgumentError('defaults.priority', `unknown priority ${String(priority)}`);
    if (!isQosClass(qos)) throw new InvalidArgumentError('defaults.qos', `unknown QoS class ${String(qos)}`);
    this.#defaults = Object.freeze({ priority, qos });
    this.#events = reportingEmitter<PriorityRegistryEvents>('priority-registry', options.onListenerError);
  }

  /** The levels of sessions with no assignment. */
  get defaults(): SessionLevels {
    return this.#defaults;
  }

  /** Number of sessions with an assignment. */
  get size(): number {
    return this.#levels.size;
  }

  /**
   * Set a session's priority and/or QoS class; omitted fields keep their current value. Returns
   * the new levels.
   *
   * @throws InvalidArgumentError for an unknown priority or class
   */
  assign(sessionId: string, levels: Partial<SessionLevels>): SessionLevels {
    if (typeof sessionId !== 'string') throw new InvalidArgumentError('sessionId', 'must be a string');
    if (levels.priority !== undefined && !isPriority(levels.priority)) {
      throw new InvalidArgumentError('priority', `unknown priority ${String(levels.priority)}`);
    }
    if (levels.qos !== undefined && !isQosClass(levels.qos)) {
      throw new InvalidArgumentError('qos', `unknown QoS class ${String(levels.qos)}`);
    }
    const previous = this.get(sessionId);
    const next: SessionLevels = Object.freeze({
      priority: levels.priority ?? previous.priority,
      qos: levels.qos ?? previous.qos,
    });
    this.#levels.set(sessionId, next);
    if (next.priority !== previous.priority || next.qos !== previous.qos) {
      this.#events.safeEmit('changed', sessionId, next, previous);
    }
    return next;
  }

  /** A session's levels (the defaults when it has no assignment). */
  get(sessionId: string): SessionLevels {
    return this.#levels.get(sessionId) ?? this.#defaults;
  }

  /** Whether the session has an assignment of its own. */
  has(sessionId: string): boolean {
    return this.#levels.has(sessionId);
  }

  /** A session's priority. */
  priorityOf(sessionId: string): Priority {
    return this.get(sessionId).priority;
  }

  /** A session's QoS class. */
  qosOf(sessionId: string): QosClass {
    return this.get(sessionId).qos;
  }

  /** The DSCP marking of a session's QoS class (RFC 4594). */
  markingOf(sessionId: string): QosMarking {
    return QOS_DSCP[this.qosOf(sessionId)];
  }

  /** Forget a session's assignment (call it when the session ends). Returns whether it had one. */
  remove(sessionId: string): boolean {
    const previous = this.#levels.get(sessionId);
    if (previous === undefined) return false;
    this.#levels.delete(sessionId);
    this.#events.safeEmit('removed', sessionId, previous);
    return true;
  }

  /** Session ids sorted most urgent first; equal priorities keep their given order. */
  sorted(sessionIds: Iterable<string>): string[] {
    return sortByPriority(sessionIds, (id) => this.priorityOf(id));
  }

  /** Compare two sessions by priority (negative when `a` is more urgent), for `sort`. */
  compare(a: string, b: string): number {
    return comparePriority(this.priorityOf(a), this.priorityOf(b));
  }

  /** The assigned sessions with at least the given urgency (e.g. `'high'`: emergency, critical, high). */
  atLeast(priority: Priority): string[] {
    const out: string[] = [];
    for (const [id, levels] of this.#levels) if (comparePriority(levels.priority, priority) <= 0) out.push(id);
    return this.sorted(out);
  }

  /** Every assignment, in assignment order. */
  entries(): Array<[sessionId: string, levels: SessionLevels]> {
    return [...this.#levels];
  }

  /**
   * Add a listener; returns the function that removes it.
   *
   * @example
   * ```ts
   * levels.on('changed', (id, now, before) => engine.reorder(id, now.priority));
   * ```
   */
  on<K extends keyof PriorityRegistryEvents>(event: K, listener: (...args: PriorityRegistryEvents[K]) => void): Unsubscribe {
    this.#events.on(event, listener);
    return () => void this.#events.off(event, listener);
  }
}
