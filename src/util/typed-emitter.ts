import { EventEmitter } from 'node:events';

/** An event map: event name to the tuple of listener arguments. */
export type EventMap = { [event: string]: unknown[] };

/**
 * A typed EventEmitter. Library code emits through {@link TypedEmitter.safeEmit},
 * which catches an exception thrown by an application listener and reports it
 * on the `listenerError` hook instead of letting it unwind library state.
 */
export class TypedEmitter<E extends EventMap> {
  /** Created with the first listener: most library objects (transactions) never get one. */
  #ee: EventEmitter | undefined;
  #onListenerError: ((err: unknown, event: string) => void) | undefined;

  #emitter(): EventEmitter {
    let ee = this.#ee;
    if (ee === undefined) {
      ee = new EventEmitter();
      ee.setMaxListeners(0);
      this.#ee = ee;
    }
    return ee;
  }

  /** Add a listener. */
  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter().on(event, listener as (...a: unknown[]) => void);
    return this;
  }

  /** Add a one-shot listener. */
  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter().once(event, listener as (...a: unknown[]) => void);
    return this;
  }

  /** Remove a listener. */
  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#ee?.off(event, listener as (...a: unknown[]) => void);
    return this;
  }

  /** Number of listeners for an event. */
  listenerCount<K extends keyof E & string>(event: K): number {
    return this.#ee?.listenerCount(event) ?? 0;
  }

  /** Remove every listener (of one event, or of all). */
  removeAllListeners<K extends keyof E & string>(event?: K): this {
    const ee = this.#ee;
    if (ee === undefined) return this;
    if (event === undefined) ee.removeAllListeners();
    else ee.removeAllListeners(event);
    return this;
  }

  /**
   * Where exceptions thrown by listeners go. Internal: the owner of the
   * emitter sets it (usually to a `debug` logger or an `error` event).
   * @internal
   */
  setListenerErrorHandler(fn: (err: unknown, event: string) => void): void {
    this.#onListenerError = fn;
  }

  /**
   * Emit an event; a listener that throws never breaks the emitter's owner.
   * @internal
   */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const ee = this.#ee;
    if (ee === undefined || ee.listenerCount(event) === 0) return false;
    const listeners = ee.rawListeners(event) as ((...a: unknown[]) => void)[];
    for (const l of listeners) {
      try {
        // rawListeners returns once-wrappers that remove themselves when called.
        l.apply(this, args);
      } catch (err) {
        if (this.#onListenerError) {
          try { this.#onListenerError(err, event); } catch { /* reporting must not throw */ }
        }
      }
    }
    return true;
  }
}
