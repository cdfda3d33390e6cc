/**
 * Call counters of a session engine (DESIGN.md, "Observability").
 *
 * @module
 */
import type { EndReason } from './end-reason.js';

/** A snapshot of a session engine's call counters. */
export interface EngineCounters {
  /** Incoming INVITEs that started a call (including those refused for overload). */
  readonly callsIn: number;
  /** Outgoing calls started with `call()`. */
  readonly callsOut: number;
  /** Live sessions now. */
  readonly active: number;
  /** Calls answered (2xx sent or received), both directions. */
  readonly answered: number;
  /** Calls that ended without being answered, by end reason. */
  readonly failed: Readonly<Partial<Record<EndReason, number>>>;
  /** Every ended call, by end reason. */
  readonly ended: Readonly<Partial<Record<EndReason, number>>>;
}

/** Mutable counters behind {@link EngineCounters}. @internal */
export class CounterSet {
  callsIn = 0;
  callsOut = 0;
  answered = 0;
  readonly #failed = new Map<EndReason, number>();
  readonly #ended = new Map<EndReason, number>();

  /** Count an ended call. */
  countEnd(reason: EndReason, connected: boolean): void {
    this.#ended.set(reason, (this.#ended.get(reason) ?? 0) + 1);
    if (!connected) this.countFailure(reason);
  }

  /** Count a call that failed before it had a session (overload, closed engine). */
  countFailure(reason: EndReason): void {
    this.#failed.set(reason, (this.#failed.get(reason) ?? 0) + 1);
  }

  /** A frozen snapshot. */
  snapshot(active: number): EngineCounters {
    return Object.freeze({
      callsIn: this.callsIn,
      callsOut: this.callsOut,
      active,
      answered: this.answered,
      failed: Object.freeze(Object.fromEntries(this.#failed)),
      ended: Object.freeze(Object.fromEntries(this.#ended)),
    });
  }
}
