import { InvalidArgumentError } from '../../util/index.js';
import type { ResourceLimitError } from './errors.js';
import type { Unsubscribe } from './event-bus.js';
import { callSafely } from './reporting-emitter.js';
import type { ResourceHandle, ResourceKind, ResourceTracker } from './resource-tracker.js';

/** What {@link trackManagerLimits} needs of a session: an id and an `ended` event. A `CallSession` fits. */
export interface TrackedSession {
  /** The session id. */
  readonly id: string;
  /** Add a listener of the session's end. */
  once(event: 'ended', listener: (...args: unknown[]) => void): unknown;
}

/** What {@link trackManagerLimits} needs of a manager: a `session` event. A `SessionManager` fits. */
export interface TrackedManager<S extends TrackedSession> {
  /** Add a listener of new sessions. */
  on(event: 'session', listener: (session: S) => void): unknown;
  /** Remove it. */
  off(event: 'session', listener: (session: S) => void): unknown;
}

/** Options of {@link trackManagerLimits}. */
export interface ManagerLimitOptions<S extends TrackedSession> {
  /** The kind each session allocates one unit of; default `sessions`. */
  readonly kind?: ResourceKind;
  /** Sets the kind's global limit (e.g. the manager's `limits.maxSessions`); default: keep the tracker's. */
  readonly maxSessions?: number;
  /**
   * Called when a new session is over the limit (the tracker has also emitted `limit-exceeded`).
   * Typical: `(session) => session.hangup()`. What it throws is caught.
   */
  readonly onExceeded?: (session: S, error: ResourceLimitError) => void;
}

/**
 * Count a manager's live sessions in a {@link ResourceTracker}: each new session allocates one
 * unit of `sessions` (or `kind`), released when the session ends, so the manager's session limit
 * shows in the same snapshot, events and limits as bandwidth, ports and bridges. A session over
 * the limit is reported (`limit-exceeded`, then `onExceeded`). Returns the function that stops
 * tracking and releases what it allocated.
 *
 * @example
 * ```ts
 * const resources = new ResourceTracker();
 * const stop = trackManagerLimits(resources, manager, {
 *   maxSessions: manager.config.limits.maxSessions,
 *   onExceeded: (session) => void session.hangup(),
 * });
 * resources.used('sessions'); // live calls
 * ```
 */
export function trackManagerLimits<S extends TrackedSession>(
  tracker: ResourceTracker,
  manager: TrackedManager<S>,
  options: ManagerLimitOptions<S> = {},
): Unsubscribe {
  const kind = options.kind ?? 'sessions';
  if (options.maxSessions !== undefined) {
    if (typeof options.maxSessions !== 'number' || !(options.maxSessions >= 0)) {
      throw new InvalidArgumentError('maxSessions', 'must be a number >= 0');
    }
    tracker.setLimit(kind, { ...tracker.limitOf(kind), global: options.maxSessions });
  }
  const held = new Map<string, ResourceHandle>();
  let stopped = false;
  const onSession = (session: S): void => {
    if (stopped || held.has(session.id)) return;
    const result = tracker.tryAllocate(session.id, kind, 1, 'session');
    if (!result.ok) {
      const onExceeded = options.onExceeded;
      if (onExceeded !== undefined) callSafely('manager-limits', 'onExceeded', () => onExceeded(session, result.error));
      return;
    }
    held.set(session.id, result.handle);
    session.once('ended', () => {
      const handle = held.get(session.id);
      if (handle === undefined) return;
      held.delete(session.id);
      tracker.release(handle);
    });
  };
  manager.on('session', onSession);
  return () => {
    if (stopped) return;
    stopped = true;
    manager.off('session', onSession);
    for (const handle of held.values()) tracker.release(handle);
    held.clear();
  };
}
