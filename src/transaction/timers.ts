import type { Clock, TimerHandle } from '../util/index.js';

/**
 * The three base timer values of RFC 3261 §17 (Table 4), in milliseconds.
 * T1 is the RTT estimate, T2 the maximum retransmit interval for non-INVITE
 * requests and INVITE responses, T4 the time a message may stay in the network.
 */
export interface TimerConfig {
  /** RTT estimate; default 500 ms. */
  readonly T1: number;
  /** Cap of the retransmission interval; default 4000 ms. */
  readonly T2: number;
  /** Maximum duration a message remains in the network; default 5000 ms. */
  readonly T4: number;
}

/** RFC 3261 default timer values: T1 = 500 ms, T2 = 4 s, T4 = 5 s. */
export const DEFAULT_TIMERS: TimerConfig = Object.freeze({ T1: 500, T2: 4000, T4: 5000 });

/**
 * The §17 timer durations for one transaction, derived from {@link TimerConfig}
 * and whether the transport is reliable (RFC 3261 Table 4, RFC 6026 Timers L
 * and M). `undefined` means "not started"; `0` means "fires at once".
 */
export interface TimerValues {
  /** INVITE request retransmit, initial interval: T1 on unreliable transports, not started on reliable ones. */
  readonly A: number | undefined;
  /** INVITE transaction timeout: 64*T1. */
  readonly B: number;
  /** Wait for response retransmissions (INVITE client): 32 s or more on unreliable, 0 on reliable. */
  readonly D: number;
  /** Non-INVITE request retransmit, initial interval: T1 on unreliable, not started on reliable. */
  readonly E: number | undefined;
  /** Non-INVITE transaction timeout: 64*T1. */
  readonly F: number;
  /** INVITE response retransmit, initial interval: T1 on unreliable, not started on reliable. */
  readonly G: number | undefined;
  /** Wait for ACK receipt: 64*T1. */
  readonly H: number;
  /** Wait for ACK retransmissions: T4 on unreliable, 0 on reliable. */
  readonly I: number;
  /** Wait for non-INVITE request retransmissions: 64*T1 on unreliable, 0 on reliable. */
  readonly J: number;
  /** Wait for non-INVITE response retransmissions: T4 on unreliable, 0 on reliable. */
  readonly K: number;
  /** RFC 6026: INVITE server in Accepted, wait for 2xx retransmissions and ACKs: 64*T1. */
  readonly L: number;
  /** RFC 6026: INVITE client in Accepted, wait for 2xx retransmissions: 64*T1. */
  readonly M: number;
  /** Retransmission cap (T2). */
  readonly T2: number;
}

/**
 * Validate and complete a partial timer configuration.
 * @throws RangeError when a value is not a positive finite number or T2 < T1.
 */
export function resolveTimerConfig(partial: Partial<TimerConfig> | undefined): TimerConfig {
  const cfg = { ...DEFAULT_TIMERS, ...partial };
  for (const key of ['T1', 'T2', 'T4'] as const) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new RangeError(`timers.${key} must be a positive number of milliseconds, got ${String(v)}`);
    }
  }
  if (cfg.T2 < cfg.T1) throw new RangeError(`timers.T2 (${cfg.T2}) must not be smaller than timers.T1 (${cfg.T1})`);
  return Object.freeze(cfg);
}

/**
 * RFC 3261 Table 4 (and RFC 6026 L/M): the timer durations for a transaction
 * over a reliable or unreliable transport. Timers are zero (or not started)
 * only on reliable transports.
 */
export function timerValues(cfg: TimerConfig, reliable: boolean): TimerValues {
  let cached = valuesCache.get(cfg);
  if (cached === undefined) {
    cached = [computeTimerValues(cfg, false), computeTimerValues(cfg, true)];
    valuesCache.set(cfg, cached);
  }
  return cached[reliable ? 1 : 0];
}

/** Per configuration, the (frozen) values for unreliable and reliable transports: computed once, shared by every transaction. */
const valuesCache = new WeakMap<TimerConfig, readonly [TimerValues, TimerValues]>();

function computeTimerValues(cfg: TimerConfig, reliable: boolean): TimerValues {
  const t64 = 64 * cfg.T1;
  return Object.freeze({
    A: reliable ? undefined : cfg.T1,
    B: t64,
    D: reliable ? 0 : Math.max(32_000, t64),
    E: reliable ? undefined : cfg.T1,
    F: t64,
    G: reliable ? undefined : cfg.T1,
    H: t64,
    I: reliable ? 0 : cfg.T4,
    J: reliable ? 0 : t64,
    K: reliable ? 0 : cfg.T4,
    L: t64,
    M: t64,
    T2: cfg.T2,
  });
}

/**
 * Named one-shot timers of one transaction on a {@link Clock}. Starting a
 * timer that is already running restarts it; {@link TransactionTimers.clearAll}
 * leaves nothing pending.
 */
export class TransactionTimers<N extends string> {
  readonly #clock: Clock;
  readonly #handles = new Map<N, TimerHandle>();

  /** @param clock - where timers are scheduled */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** (Re)start timer `name` to call `fn` after `ms` milliseconds. */
  start(name: N, ms: number, fn: () => void): void {
    this.stop(name);
    const handle = this.#clock.setTimeout(() => {
      this.#handles.delete(name);
      fn();
    }, ms);
    this.#handles.set(name, handle);
  }

  /** Stop timer `name` if it is running. */
  stop(name: N): void {
    const handle = this.#handles.get(name);
    if (handle !== undefined) {
      this.#clock.clearTimeout(handle);
      this.#handles.delete(name);
    }
  }

  /** True while timer `name` is pending. */
  isRunning(name: N): boolean {
    return this.#handles.has(name);
  }

  /** Number of pending timers. */
  get size(): number {
    return this.#handles.size;
  }

  /** Stop every timer. */
  clearAll(): void {
    for (const handle of this.#handles.values()) this.#clock.clearTimeout(handle);
    this.#handles.clear();
  }
}
