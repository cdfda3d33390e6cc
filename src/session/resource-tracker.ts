import createDebug from 'debug';
import { InvalidArgumentError, TypedEmitter } from '../util/index.js';
import { ResourceLimitError } from './resource-limit-error.js';

const debug = createDebug('sipline:session');


/**
 * A kind of resource: `bandwidth` (kbps), `media-ports` (RTP/RTCP ports), `bridges`, `sessions`,
 * or any custom string.
 */
export type ResourceKind = 'bandwidth' | 'media-ports' | 'bridges' | 'sessions' | (string & {});

/** The limits of one kind. Omitted means unlimited. */
export interface ResourceLimit {
  /** Units all sessions together may hold. */
  readonly global?: number;
  /** Units one session may hold. */
  readonly perSession?: number;
}

/** One allocation, returned by {@link ResourceTracker.allocate}; release it with {@link ResourceTracker.release}. */
export interface ResourceHandle {
  /** Unique within the tracker. */
  readonly id: number;
  /** The session holding it. */
  readonly sessionId: string;
  /** The resource kind. */
  readonly kind: ResourceKind;
  /** Units held. */
  readonly amount: number;
  /** Free text given at allocation, e.g. `RTP 10002`. */
  readonly label?: string;
}

/** Usage of one kind. */
export interface ResourceUsage {
  /** Units held by all sessions. */
  readonly used: number;
  /** The global limit, when there is one. */
  readonly limit?: number;
  /** The per-session limit, when there is one. */
  readonly perSession?: number;
  /** Units held, per session holding any. */
  readonly bySession: Readonly<Record<string, number>>;
}

/** The result of {@link ResourceTracker.tryAllocate}. */
export type AllocationResult =
  | {
      /** Allocated. */
      readonly ok: true;
      /** The allocation, to release later. */
      readonly handle: ResourceHandle;
    }
  | {
      /** Refused. */
      readonly ok: false;
      /** Why: which limit, how much was in use. */
      readonly error: ResourceLimitError;
    };

/** The events of a {@link ResourceTracker}. */
export type ResourceTrackerEvents = {
  /** An allocation was made. */
  allocated: [handle: ResourceHandle];
  /** An allocation was released. */
  released: [handle: ResourceHandle];
  /** An allocation was refused because it would exceed a limit. */
  'limit-exceeded': [error: ResourceLimitError];
};

/** Options of a {@link ResourceTracker}. */
export interface ResourceTrackerOptions {
  /** Limits per kind, e.g. `{ bandwidth: { global: 10_000, perSession: 128 } }`. */
  readonly limits?: Readonly<Record<string, ResourceLimit>>;
  /** Receives what an event listener throws. */
  readonly onListenerError?: (error: unknown, event: string) => void;
}

function checkLimit(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(name, 'must be a number >= 0 (Infinity for no limit)');
  }
}

/**
 * Tracks what each session holds (bandwidth, media ports, bridges, sessions, custom kinds) and
 * enforces per-kind limits, tracker-wide and per session. An allocation that would exceed a
 * limit is refused with a {@link ResourceLimitError} and reported as a `limit-exceeded` event.
 * Pure bookkeeping: it allocates nothing itself.
 *
 * @example
 * ```ts
 * const resources = new ResourceTracker({ limits: { bandwidth: { global: 1000, perSession: 100 } } });
 * const h = resources.allocate('call-1', 'bandwidth', 64);
 * resources.tryAllocate('call-1', 'bandwidth', 64).ok; // false: 128 > 100 per session
 * resources.release(h);
 * resources.releaseSession('call-1'); // everything call-1 still holds
 * ```
 */
export class ResourceTracker {
  readonly #limits = new Map<string, ResourceLimit>();
  readonly #handles = new Map<number, ResourceHandle>();
  /** kind -> session -> units */
  readonly #usage = new Map<string, Map<string, number>>();
  /** kind -> units held by all sessions */
  readonly #totals = new Map<string, number>();
  /** session -> ids of its live handles */
  readonly #bySession = new Map<string, Set<number>>();
  readonly #events;
  #nextId = 1;

  /** @param options - limits and error reporting */
  constructor(options: ResourceTrackerOptions = {}) {
    const events = new TypedEmitter<ResourceTrackerEvents>();
    events.setListenerErrorHandler((err, event) => {
      debug('resource tracker: listener of %s threw: %O', event, err);
      options.onListenerError?.(err, event);
    });
    this.#events = events;
    for (const [kind, limit] of Object.entries(options.limits ?? {})) this.setLimit(kind, limit);
  }

  /**
   * Set (or replace) the limits of a kind; omitted fields mean unlimited. Lowering a limit below
   * current usage refuses later allocations and releases nothing.
   *
   * @throws InvalidArgumentError for a negative or non-numeric limit
   */
  setLimit(kind: ResourceKind, limit: ResourceLimit): void {
    if (typeof kind !== 'string' || kind === '') throw new InvalidArgumentError('kind', 'must be a non-empty string');
    checkLimit(`limits.${kind}.global`, limit.global);
    checkLimit(`limits.${kind}.perSession`, limit.perSession);
    this.#limits.set(kind, Object.freeze({ ...limit }));
  }

  /** The limits of a kind (empty when unlimited). */
  limitOf(kind: ResourceKind): ResourceLimit {
    return this.#limits.get(kind) ?? {};
  }

  /**
   * Allocate `amount` units (default 1) of a kind to a session.
   *
   * @throws ResourceLimitError when a limit would be exceeded (also reported as `limit-exceeded`)
   * @throws InvalidArgumentError for an empty session id or kind, or an amount that is not a finite number >= 0
   */
  allocate(sessionId: string, kind: ResourceKind, amount = 1, label?: string): ResourceHandle {
    const result = this.tryAllocate(sessionId, kind, amount, label);
    if (!result.ok) throw result.error;
    return result.handle;
  }

  /**
   * Like {@link ResourceTracker.allocate}, but returns the refusal instead of throwing it (it is
   * still reported as `limit-exceeded`).
   */
  tryAllocate(sessionId: string, kind: ResourceKind, amount = 1, label?: string): AllocationResult {
    if (typeof sessionId !== 'string' || sessionId === '') throw new InvalidArgumentError('sessionId', 'must be a non-empty string');
    if (typeof kind !== 'string' || kind === '') throw new InvalidArgumentError('kind', 'must be a non-empty string');
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new InvalidArgumentError('amount', 'must be a finite number >= 0');
    }
    const limit = this.#limits.get(kind);
    const perKind = this.#usage.get(kind);
    const sessionUsed = perKind?.get(sessionId) ?? 0;
    const globalUsed = this.used(kind);
    let error: ResourceLimitError | undefined;
    if (limit?.perSession !== undefined && sessionUsed + amount > limit.perSession) {
      error = new ResourceLimitError(kind, undefined, {
        scope: 'session', sessionId, limit: limit.perSession, used: sessionUsed, requested: amount,
      });
    } else if (limit?.global !== undefined && globalUsed + amount > limit.global) {
      error = new ResourceLimitError(kind, undefined, {
        scope: 'global', sessionId, limit: limit.global, used: globalUsed, requested: amount,
      });
    }
    if (error !== undefined) {
      this.#events.safeEmit('limit-exceeded', error);
      return { ok: false, error };
    }
    const handle: ResourceHandle = Object.freeze({
      id: this.#nextId++, sessionId, kind, amount, ...(label === undefined ? {} : { label }),
    });
    this.#handles.set(handle.id, handle);
    let ids = this.#bySession.get(sessionId);
    if (ids === undefined) {
      ids = new Set();
      this.#bySession.set(sessionId, ids);
    }
    ids.add(handle.id);
    this.#totals.set(kind, globalUsed + amount);
    let map = perKind;
    if (map === undefined) {
      map = new Map();
      this.#usage.set(kind, map);
    }
    map.set(sessionId, sessionUsed + amount);
    this.#events.safeEmit('allocated', handle);
    return { ok: true, handle };
  }

  /** Whether an allocation would be accepted now (nothing is allocated or reported). */
  canAllocate(sessionId: string, kind: ResourceKind, amount = 1): boolean {
    const limit = this.#limits.get(kind);
    if (limit === undefined) return true;
    const sessionUsed = this.#usage.get(kind)?.get(sessionId) ?? 0;
    if (limit.perSession !== undefined && sessionUsed + amount > limit.perSession) return false;
    return !(limit.global !== undefined && this.used(kind) + amount > limit.global);
  }

  /** Release one allocation, by handle or handle id. Returns false when it was already released. */
  release(handle: ResourceHandle | number): boolean {
    const id = typeof handle === 'number' ? handle : handle?.id;
    const held = this.#handles.get(id);
    if (held === undefined) return false;
    this.#handles.delete(id);
    const ids = this.#bySession.get(held.sessionId);
    ids?.delete(id);
    if (ids?.size === 0) this.#bySession.delete(held.sessionId);
    const total = (this.#totals.get(held.kind) ?? 0) - held.amount;
    if (total > 1e-9) this.#totals.set(held.kind, total);
    else this.#totals.delete(held.kind);
    const map = this.#usage.get(held.kind);
    if (map !== undefined) {
      const rest = (map.get(held.sessionId) ?? 0) - held.amount;
      if (rest > 1e-9) map.set(held.sessionId, rest);
      else map.delete(held.sessionId);
      if (map.size === 0) this.#usage.delete(held.kind);
    }
    this.#events.safeEmit('released', held);
    return true;
  }

  /** Release everything a session holds (optionally of one kind). Returns how many allocations were released. */
  releaseSession(sessionId: string, kind?: ResourceKind): number {
    let count = 0;
    for (const id of [...(this.#bySession.get(sessionId) ?? [])]) {
      const h = this.#handles.get(id);
      if (h !== undefined && (kind === undefined || h.kind === kind) && this.release(h)) count++;
    }
    return count;
  }

  /** Units of a kind held, by everyone or by one session. */
  used(kind: ResourceKind, sessionId?: string): number {
    if (sessionId !== undefined) return this.#usage.get(kind)?.get(sessionId) ?? 0;
    return this.#totals.get(kind) ?? 0;
  }

  /** Units of a kind still available globally (Infinity when unlimited). */
  available(kind: ResourceKind): number {
    const limit = this.#limits.get(kind)?.global;
    return limit === undefined ? Infinity : Math.max(0, limit - this.used(kind));
  }

  /** The live allocations, optionally of one session. */
  handles(sessionId?: string): ResourceHandle[] {
    if (sessionId === undefined) return [...this.#handles.values()];
    return [...(this.#bySession.get(sessionId) ?? [])].map((id) => this.#handles.get(id) as ResourceHandle);
  }

  /** A frozen snapshot of usage and limits of every kind in use or limited. */
  snapshot(): Readonly<Record<string, ResourceUsage>> {
    const out: Record<string, ResourceUsage> = {};
    const kinds = new Set([...this.#limits.keys(), ...this.#usage.keys()]);
    for (const kind of kinds) {
      const limit = this.#limits.get(kind);
      out[kind] = Object.freeze({
        used: this.used(kind),
        ...(limit?.global === undefined ? {} : { limit: limit.global }),
        ...(limit?.perSession === undefined ? {} : { perSession: limit.perSession }),
        bySession: Object.freeze(Object.fromEntries(this.#usage.get(kind) ?? [])),
      });
    }
    return Object.freeze(out);
  }

  /**
   * Add a listener; returns the function that removes it.
   *
   * @example
   * ```ts
   * resources.on('limit-exceeded', (err) => metrics.increment(`limit.${err.kind}`));
   * ```
   */
  on<K extends keyof ResourceTrackerEvents>(event: K, listener: (...args: ResourceTrackerEvents[K]) => void): () => void {
    this.#events.on(event, listener);
    return () => void this.#events.off(event, listener);
  }
}
