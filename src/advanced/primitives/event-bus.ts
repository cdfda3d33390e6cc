import { InvalidArgumentError } from '../../util/index.js';
import { callSafely } from './reporting-emitter.js';
import type { ListenerErrorHandler } from './reporting-emitter.js';

/**
 * One event on a {@link SessionEventBus}: its `type`, the session it concerns, when it was
 * published and its payload. A union over the requested types, discriminated by `type`.
 */
export type BusEvent<M extends object, K extends keyof M & string = keyof M & string> = {
  [P in K]: {
    /** The event type, a key of the bus's event map. */
    readonly type: P;
    /** The session (e.g. `CallSession.id`) the event concerns. */
    readonly sessionId: string;
    /** When it was published, in milliseconds (the bus's `now`, `Date.now()` by default). */
    readonly at: number;
    /** The payload declared for the type in the event map. */
    readonly data: M[P];
  };
}[K];

/** Any event of any bus, as seen by {@link SessionEventBusOptions.onListenerError}. */
export interface AnyBusEvent {
  /** The event type. */
  readonly type: string;
  /** The session it concerns. */
  readonly sessionId: string;
  /** When it was published. */
  readonly at: number;
  /** Its payload. */
  readonly data: unknown;
}

/** A listener of a {@link SessionEventBus}. */
export type BusListener<M extends object, K extends keyof M & string = keyof M & string> = (event: BusEvent<M, K>) => void;

/** Removes a subscription. Safe to call more than once. */
export type Unsubscribe = () => void;

/**
 * Which events a subscriber receives. Every given condition must hold; an empty filter
 * receives everything.
 */
export interface BusFilter<M extends object, K extends keyof M & string = keyof M & string> {
  /** Only events of this session, or of any of these sessions. */
  readonly sessionIds?: string | Iterable<string>;
  /** Only events of this type, or of any of these types. */
  readonly types?: K | readonly K[];
  /** Only events this predicate accepts (a predicate that throws is reported and counts as false). */
  readonly where?: (event: BusEvent<M, K>) => boolean;
  /** Unsubscribe after the first delivered event. */
  readonly once?: boolean;
  /** Unsubscribe when this signal aborts (an already aborted signal subscribes nothing). */
  readonly signal?: AbortSignal;
}

/** Options of a {@link SessionEventBus}. */
export interface SessionEventBusOptions {
  /** Receives what a listener or a `where` predicate throws; `publish` goes on regardless. */
  readonly onListenerError?: (error: unknown, event: AnyBusEvent) => void;
  /** Clock of the `at` field, in milliseconds; default `Date.now`. */
  readonly now?: () => number;
}

interface Subscription {
  readonly seq: number;
  readonly sessions: ReadonlySet<string> | undefined;
  readonly types: ReadonlySet<string> | undefined;
  readonly where: ((event: never) => boolean) | undefined;
  readonly once: boolean;
  readonly listener: (event: never) => void;
  active: boolean;
  detach: (() => void) | undefined;
}

function toSet(value: string | Iterable<string> | undefined, name: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return new Set([value]);
  if (value === null || typeof (value as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(name, 'must be a string or an iterable of strings');
  }
  return new Set(value);
}

/**
 * A synchronous publish/subscribe channel of typed session events, with subscriber filters by
 * session id(s), by event type(s) and by predicate. A listener that throws is reported to
 * `onListenerError` and never stops delivery to the others nor breaks `publish`.
 *
 * The event map `M` names each event type and its payload; {@link CoordinationEventMap} is the
 * map of the raw session coordination events.
 *
 * @example
 * ```ts
 * const bus = new SessionEventBus<{ dtmf: { digit: string }; ended: { reason: string } }>();
 * const stop = bus.subscribe({ sessionIds: 'call-1', types: 'dtmf' }, (e) => console.log(e.data.digit));
 * bus.publish('dtmf', 'call-1', { digit: '5' }); // logs 5
 * bus.publish('dtmf', 'call-2', { digit: '6' }); // filtered out
 * stop();
 * ```
 */
export class SessionEventBus<M extends object> {
  /** Every live subscription, in subscription order. */
  readonly #subs = new Set<Subscription>();
  /** Subscriptions without a session filter, in subscription order. */
  readonly #anySession = new Set<Subscription>();
  /** Subscriptions with a session filter, by session id, in subscription order. */
  readonly #bySession = new Map<string, Set<Subscription>>();
  #seq = 0;
  readonly #onListenerError: SessionEventBusOptions['onListenerError'];
  readonly #now: () => number;
  #listenerErrors = 0;

  /** @param options - error reporting and clock */
  constructor(options: SessionEventBusOptions = {}) {
    this.#onListenerError = options.onListenerError;
    this.#now = options.now ?? Date.now;
  }

  /** Number of live subscriptions. */
  get subscriberCount(): number {
    return this.#subs.size;
  }

  /** How many listener or predicate exceptions were caught since the bus was created. */
  get listenerErrors(): number {
    return this.#listenerErrors;
  }

  /**
   * Subscribe to every event, or to those a filter selects. Returns the function that
   * unsubscribes.
   *
   * @example
   * ```ts
   * const stop = bus.subscribe({ types: ['state', 'ended'], where: (e) => e.sessionId.startsWith('in-') }, log);
   * ```
   */
  subscribe(listener: BusListener<M>): Unsubscribe;
  subscribe<K extends keyof M & string>(filter: BusFilter<M, K>, listener: BusListener<M, K>): Unsubscribe;
  subscribe<K extends keyof M & string>(
    filterOrListener: BusFilter<M, K> | BusListener<M>,
    maybeListener?: BusListener<M, K>,
  ): Unsubscribe {
    const filter: BusFilter<M, K> = typeof filterOrListener === 'function' ? {} : (filterOrListener ?? {});
    const listener = typeof filterOrListener === 'function' ? filterOrListener : maybeListener;
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'must be a function');
    if (filter.where !== undefined && typeof filter.where !== 'function') {
      throw new InvalidArgumentError('filter.where', 'must be a function');
    }
    const types = filter.types === undefined ? undefined : toSet(filter.types as string | readonly string[], 'filter.types');
    const sub: Subscription = {
      seq: this.#seq++,
      sessions: toSet(filter.sessionIds, 'filter.sessionIds'),
      types,
      where: filter.where as ((event: never) => boolean) | undefined,
      once: filter.once === true,
      listener: listener as (event: never) => void,
      active: true,
      detach: undefined,
    };
    const unsubscribe = (): void => {
      if (!sub.active) return;
      this.#remove(sub);
    };
    const signal = filter.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        sub.active = false;
        return unsubscribe;
      }
      signal.addEventListener('abort', unsubscribe, { once: true });
      sub.detach = () => signal.removeEventListener('abort', unsubscribe);
    }
    this.#subs.add(sub);
    if (sub.sessions === undefined) this.#anySession.add(sub);
    else {
      for (const id of sub.sessions) {
        let set = this.#bySession.get(id);
        if (set === undefined) {
          set = new Set();
          this.#bySession.set(id, set);
        }
        set.add(sub);
      }
    }
    return unsubscribe;
  }

  /**
   * Publish an event to every matching subscriber, synchronously, in subscription order.
   * Subscriptions added by a listener during the call see only later events. Returns the number
   * of listeners the event was delivered to (including those that threw).
   *
   * @example
   * ```ts
   * bus.publish('ended', 'call-1', { reason: 'remote-hangup' });
   * ```
   */
  publish<K extends keyof M & string>(type: K, sessionId: string, data: M[K]): number {
    if (typeof type !== 'string') throw new InvalidArgumentError('type', 'must be a string');
    if (typeof sessionId !== 'string') throw new InvalidArgumentError('sessionId', 'must be a string');
    const event = Object.freeze({ type, sessionId, at: this.#now(), data }) as unknown as BusEvent<M, K>;
    let delivered = 0;
    for (const sub of this.#candidates(sessionId)) {
      if (!sub.active) continue;
      if (sub.types !== undefined && !sub.types.has(type)) continue;
      if (sub.where !== undefined) {
        let accepted = false;
        callSafely('event-bus', 'filter predicate', () => {
          accepted = (sub.where as (e: BusEvent<M, K>) => boolean)(event) === true;
        }, (err) => this.#report(err, event));
        if (!accepted) continue;
      }
      if (sub.once) this.#remove(sub);
      delivered++;
      callSafely('event-bus', `listener of ${type}`, () => (sub.listener as (e: BusEvent<M, K>) => void)(event),
        (err) => this.#report(err, event));
    }
    return delivered;
  }

  /** Remove every subscription. */
  clear(): void {
    for (const sub of [...this.#subs]) this.#remove(sub);
  }

  /** The subscriptions that may want an event of this session, in subscription order (a snapshot). */
  #candidates(sessionId: string): Subscription[] {
    const bySession = this.#bySession.get(sessionId);
    if (bySession === undefined) return [...this.#anySession];
    if (this.#anySession.size === 0) return [...bySession];
    const a = [...this.#anySession];
    const b = [...bySession];
    const merged: Subscription[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && (a[i] as Subscription).seq < (b[j] as Subscription).seq)) merged.push(a[i++] as Subscription);
      else merged.push(b[j++] as Subscription);
    }
    return merged;
  }

  #remove(sub: Subscription): void {
    sub.active = false;
    this.#subs.delete(sub);
    if (sub.sessions === undefined) this.#anySession.delete(sub);
    else {
      for (const id of sub.sessions) {
        const set = this.#bySession.get(id);
        set?.delete(sub);
        if (set?.size === 0) this.#bySession.delete(id);
      }
    }
    sub.detach?.();
  }

  #report(err: unknown, event: BusEvent<M>): void {
    this.#listenerErrors++;
    this.#onListenerError?.(err, event as unknown as AnyBusEvent);
  }
}
