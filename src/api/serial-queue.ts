/**
 * A tiny ordered task runner: tasks run one after another, in the order they were queued, and a
 * failing task never stops the ones after it. Each session has one, so a slow application handler
 * for one call delays only that call's later callbacks (DESIGN.md, "Concurrency and ordering").
 *
 * @module
 * @internal
 */

/** Runs queued tasks strictly one at a time, in order. @internal */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  readonly #onError: (err: unknown) => void;

  /** @param onError - receives what a task threw or rejected with */
  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Queue `task`; the returned promise settles when it has run (never rejects). */
  push(task: () => unknown): Promise<void> {
    this.#pending++;
    const run = this.#tail.then(async () => {
      try {
        await task();
      } catch (err) {
        try { this.#onError(err); } catch { /* reporting must not throw */ }
      } finally {
        this.#pending--;
      }
    });
    this.#tail = run;
    return run;
  }

  /** Resolves once every task queued so far has run. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
