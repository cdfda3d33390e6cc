import createDebug from 'debug';
import { TypedEmitter } from '../../util/index.js';
import type { EventMap } from '../../util/index.js';

const debug = createDebug('sipline:advanced');

/**
 * Where a primitive reports an exception thrown by one of its listeners. The primitive's state
 * is already consistent when it is called; what it throws is ignored.
 */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

/**
 * A {@link TypedEmitter} whose listener exceptions go to `onListenerError` (or to the
 * `sipline:advanced` debug log when none is given). Internal to the primitives.
 * @internal
 */
export function reportingEmitter<E extends EventMap>(
  owner: string,
  onListenerError?: ListenerErrorHandler,
): TypedEmitter<E> {
  const emitter = new TypedEmitter<E>();
  emitter.setListenerErrorHandler((err, event) => {
    debug('%s: listener of %s threw: %O', owner, event, err);
    onListenerError?.(err, event);
  });
  return emitter;
}

/**
 * Calls `fn`, reporting what it throws instead of letting it unwind the caller. Internal.
 * @internal
 */
export function callSafely(owner: string, what: string, fn: () => void, onError?: ListenerErrorHandler): void {
  try {
    fn();
  } catch (err) {
    debug('%s: %s threw: %O', owner, what, err);
    try {
      onError?.(err, what);
    } catch {
      /* reporting must not throw */
    }
  }
}
