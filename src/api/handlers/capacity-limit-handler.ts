/**
 * `capacityLimitHandler`: refuse incoming calls past a number of concurrent calls.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import type { CallSession } from '../call-session.js';
import type { IncomingCall } from '../incoming-call.js';
import type { ComposableHandler } from './compose-handlers.js';

/** Options of {@link capacityLimitHandler}. */
export interface CapacityLimitOptions {
  /** Most calls (incoming and outgoing) live at once; the next incoming call is refused. At least 0. */
  readonly maxConcurrent: number;
  /** Status of the refusal: 486 Busy Here (default) or 503 Service Unavailable (RFC 3261 §21.4.24, §21.5.4). */
  readonly status?: 486 | 503;
  /** Seconds for a `Retry-After` header (RFC 3261 §20.33); only with status 503. */
  readonly retryAfter?: number;
}

/** A {@link capacityLimitHandler}: a handler plus the number of calls it counts now. */
export interface CapacityLimitHandler extends ComposableHandler {
  /** Calls live now, as the handler counts them. */
  readonly active: number;
  /** Incoming calls refused so far. */
  readonly refused: number;
}

/**
 * A handler that refuses incoming calls once `maxConcurrent` calls (incoming and outgoing) are
 * live, with 486 Busy Here or 503 Service Unavailable (with `Retry-After` when given). Below the
 * limit it does not decide: the call goes on to the next handler of a {@link composeHandlers}
 * (it is pass-through: alone, or with only other pass-through handlers, admitted calls are
 * answered). It counts calls through `onCallStarted` and `onCallEnded`, so it must see every
 * call: give it to `setCallHandler` or put it in a composition.
 *
 * This is an application-level limit; `limits.maxSessions` is the hard limit of the manager.
 *
 * @example
 * ```ts
 * manager.setCallHandler(composeHandlers(
 *   capacityLimitHandler({ maxConcurrent: 20, status: 503, retryAfter: 60 }),
 *   myCallLogic,
 * ));
 * ```
 *
 * @throws InvalidArgumentError for a negative or fractional `maxConcurrent`, another status, or
 *   a `retryAfter` that is not a whole number of seconds with status 503
 */
export function capacityLimitHandler(options: CapacityLimitOptions): CapacityLimitHandler {
  const { maxConcurrent, status = 486, retryAfter } = options ?? ({} as CapacityLimitOptions);
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 0) {
    throw new InvalidArgumentError('maxConcurrent', 'must be a whole number, 0 or more');
  }
  if (status !== 486 && status !== 503) throw new InvalidArgumentError('status', 'must be 486 or 503');
  if (retryAfter !== undefined) {
    if (status !== 503) throw new InvalidArgumentError('retryAfter', 'only applies to status 503');
    if (!Number.isInteger(retryAfter) || retryAfter < 0) throw new InvalidArgumentError('retryAfter', 'must be a whole number of seconds');
  }
  const live = new Set<string>();
  let refused = 0;
  return {
    passThrough: true,
    get active(): number {
      return live.size;
    },
    get refused(): number {
      return refused;
    },
    onCallStarted(session: CallSession): void {
      live.add(session.id);
    },
    onCallEnded(session: CallSession): void {
      live.delete(session.id);
    },
    onIncomingCall(call: IncomingCall): Promise<void> | undefined {
      const id = call.session.id;
      const others = live.size - (live.has(id) ? 1 : 0);
      if (others < maxConcurrent) {
        live.add(id);
        return undefined;
      }
      live.delete(id);
      refused++;
      return call.reject(status, undefined, retryAfter === undefined ? undefined : { 'Retry-After': String(retryAfter) });
    },
  };
}
