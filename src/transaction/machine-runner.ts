import type { Clock } from '../util/index.js';
import type { Move } from './state-machine.js';
import { TransactionTimers } from './timers.js';

/**
 * Drives one transaction state machine: applies the transition function to
 * each event, runs the move's actions, owns the transaction's timers.
 *
 * Events raised while a move is running (a zero-length timer, a response the
 * TU passes from inside a callback) are queued and applied after it, so every
 * move completes before the next starts. A timer of 0 ms (Timers D, I, J, K
 * on reliable transports) fires as a queued event at once, never as a clock
 * timer.
 * @internal
 */
export class MachineRunner<S extends string, E extends string, A extends string, D> {
  #state: S;
  readonly #transition: (state: S, event: E) => Move<S, A> | undefined;
  readonly #run: (action: A, data: D | undefined, event: E) => void;
  readonly #onTerminated: () => void;
  readonly #onIgnored: ((state: S, event: E) => void) | undefined;
  readonly #onMove: ((to: S) => void) | undefined;
  readonly #timers: TransactionTimers<string>;
  readonly #queue: { event: E; data: D | undefined }[] = [];
  #busy = false;

  /**
   * @param initial - the initial state
   * @param transition - the machine's transition function
   * @param run - executes one action of a move
   * @param onTerminated - called once, after the move that reached `terminated`
   * @param clock - where timers run
   * @param onIgnored - told of each event the current state ignores (for logging)
   * @param onMove - told of each state entered by a move, before its actions run
   */
  constructor(
    initial: S,
    transition: (state: S, event: E) => Move<S, A> | undefined,
    run: (action: A, data: D | undefined, event: E) => void,
    onTerminated: () => void,
    clock: Clock,
    onIgnored?: (state: S, event: E) => void,
    onMove?: (to: S) => void,
  ) {
    this.#state = initial;
    this.#transition = transition;
    this.#run = run;
    this.#onTerminated = onTerminated;
    this.#onIgnored = onIgnored;
    this.#onMove = onMove;
    this.#timers = new TransactionTimers(clock);
  }

  /** Current state. */
  get state(): S {
    return this.#state;
  }

  /** Number of pending clock timers. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Apply `event` (queued if a move is in progress). Events after `terminated` are ignored. */
  dispatch(event: E, data?: D): void {
    this.#queue.push({ event, data });
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let item = this.#queue.shift(); item !== undefined; item = this.#queue.shift()) {
        if (this.#state === 'terminated') { this.#queue.length = 0; break; }
        const mv = this.#transition(this.#state, item.event);
        if (mv === undefined) {
          this.#onIgnored?.(this.#state, item.event);
          continue;
        }
        this.#state = mv.to;
        this.#onMove?.(mv.to);
        for (const action of mv.actions) this.#run(action, item.data, item.event);
        if (mv.to === 'terminated') {
          this.#queue.length = 0;
          this.#timers.clearAll();
          this.#onTerminated();
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Start (or restart) timer `name` raising `event`: `undefined` = not started
   * (reliable transport), `0` = the event is applied right after this move.
   */
  startTimer(name: string, ms: number | undefined, event: E): void {
    if (ms === undefined) return;
    if (ms <= 0) {
      this.#timers.stop(name);
      this.#queue.push({ event, data: undefined });
      return;
    }
    this.#timers.start(name, ms, () => this.dispatch(event));
  }

  /** Stop timer `name`. */
  stopTimer(name: string): void {
    this.#timers.stop(name);
  }

  /**
   * End the machine without a move (layer closing): clears every timer and
   * sets `terminated`. Returns false when it was already terminated.
   */
  halt(): boolean {
    this.#timers.clearAll();
    this.#queue.length = 0;
    if (this.#state === 'terminated') return false;
    this.#state = 'terminated' as S;
    return true;
  }
}
