/**
 * `composeHandlers`: stack small handlers (logging, metrics, a capacity limit) on top of the
 * application's own, in order.
 *
 * @module
 */
import type { CallHandler } from '../call-handler.js';
import type { CallSession } from '../call-session.js';
import type { IncomingCall } from '../incoming-call.js';

/**
 * A {@link CallHandler} that may mark itself as pass-through: its `onIncomingCall` only ever
 * rejects (or lets the call go on), it never answers. When every handler of a composition that
 * looks at incoming calls is pass-through and none of them decided, the composition answers the
 * call, as a manager without a handler does.
 */
export interface ComposableHandler extends CallHandler {
  /** True for handlers that never answer an incoming call themselves (e.g. `capacityLimitHandler`). */
  readonly passThrough?: boolean;
}

/** Every CallHandler method but `onIncomingCall` and `onError`: events every handler sees. */
const EVENT_METHODS = [
  'onCallStarted', 'onCallEstablished', 'onCallEnded', 'onStateChanged', 'onHold', 'onResume', 'onDtmf',
  'onTransferRequest', 'onQualityAlert', 'onQualityRecovered', 'onMediaTimeout',
] as const;

type EventMethod = (typeof EVENT_METHODS)[number];
type AnyMethod = (this: CallHandler, ...args: unknown[]) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * One handler made of several, run in the order given.
 *
 * Order rules:
 * 1. `onIncomingCall` goes to the handlers in order, each awaited. The first handler that decides
 *    (answers or rejects the call) wins, and the handlers after it are not asked. A handler that
 *    returns without deciding passes the call on to the next one.
 * 2. When no handler decides, the call keeps ringing (the application decides later), except when
 *    every handler that looks at incoming calls is pass-through (`passThrough: true`, such as
 *    {@link capacityLimitHandler}): the call is then answered, as without any handler.
 * 3. Every other method (`onCallStarted`, `onStateChanged`, `onCallEnded`, `onDtmf`,
 *    `onQualityAlert`, ...) goes to every handler, in order, whatever was decided: observers such
 *    as {@link loggingHandler} and {@link metricsHandler} see every call and every event. A
 *    handler that throws does not stop the others; the first error is reported (`onError`).
 * 4. `onError` goes to every handler that has one.
 *
 * Put the handlers that refuse calls (capacity limits) first, your own call logic after them, and
 * observers anywhere.
 *
 * @example
 * ```ts
 * const metrics = metricsHandler();
 * manager.setCallHandler(composeHandlers(
 *   loggingHandler(),                                   // sees everything
 *   metrics,                                            // sees everything
 *   capacityLimitHandler({ maxConcurrent: 50, status: 503, retryAfter: 30 }), // rejects past 50
 *   { onIncomingCall: (call) => call.answer({ play: 'welcome.wav' }) },      // decides the rest
 * ));
 * ```
 *
 * @param handlers - the handlers, in order
 * @returns a handler to give to `SessionManager.setCallHandler`
 * @throws TypeError when an argument is not an object
 */
export function composeHandlers(...handlers: readonly ComposableHandler[]): ComposableHandler {
  for (const [i, h] of handlers.entries()) {
    if (h === null || typeof h !== 'object') throw new TypeError(`composeHandlers: handler ${i} is not an object`);
  }
  const list = [...handlers];
  const deciders = list.filter((h) => typeof h.onIncomingCall === 'function');
  const composed: Record<string, unknown> = {};
  if (deciders.length > 0) {
    const allPassThrough = deciders.every((h) => h.passThrough === true);
    // Synchronous handlers run synchronously, so a decision taken at once still goes out without a 180.
    const run = (call: IncomingCall, from: number): unknown => {
      for (let i = from; i < deciders.length; i++) {
        if (call.decision !== 'pending') return undefined;
        const result = deciders[i]!.onIncomingCall?.(call);
        if (isThenable(result)) return Promise.resolve(result).then(() => run(call, i + 1));
      }
      return call.decision === 'pending' && allPassThrough ? call.answer() : undefined;
    };
    composed.onIncomingCall = (call: IncomingCall): unknown => run(call, 0);
    if (allPassThrough) composed.passThrough = true;
  }
  for (const name of EVENT_METHODS) {
    const targets = list.filter((h) => typeof h[name] === 'function');
    if (targets.length === 0) continue;
    composed[name] = async (...args: unknown[]): Promise<void> => {
      let first: { error: unknown } | undefined;
      for (const h of targets) {
        try {
          await (h[name as EventMethod] as AnyMethod).apply(h, args);
        } catch (error) {
          first ??= { error };
        }
      }
      if (first !== undefined) throw first.error;
    };
  }
  const errorTargets = list.filter((h) => typeof h.onError === 'function');
  if (errorTargets.length > 0) {
    composed.onError = (error: unknown, session: CallSession | undefined): void => {
      for (const h of errorTargets) {
        try {
          h.onError?.(error, session);
        } catch {
          /* an error handler that throws must not hide the error from the others */
        }
      }
    };
  }
  return composed as ComposableHandler;
}
