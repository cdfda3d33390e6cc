import createDebug from 'debug';
import { InvalidArgumentError, InvalidStateError, systemClock } from '../../util/index.js';
import type { Clock, TimerHandle } from '../../util/index.js';

const debug = createDebug('sipline:media');

/** Options of a {@link FramePacer}. */
export interface FramePacerOptions {
  /** Tick interval in milliseconds (the packetisation time; default 20, RFC 3551 §4.2). */
  readonly intervalMs?: number;
  /**
   * How far behind the ideal timeline the pacer may fall and still catch up by
   * firing the missed ticks back to back, in milliseconds (default 100). Further
   * behind (the process was suspended, the event loop blocked), the missed ticks
   * are skipped and counted instead, so the far end does not get a burst.
   */
  readonly maxCatchUpMs?: number;
  /** Time source (default: `performance.now()` and global timers). */
  readonly clock?: Clock;
}

/**
 * Emits a tick every `intervalMs` on an ideal timeline `start + n * interval`
 * measured with a monotonic clock. Each timer is armed for the next ideal
 * instant, not for "interval from now", so timer lateness never accumulates:
 * a late tick makes the next one come sooner. RTP senders tick one frame per
 * call, keeping the RTP timestamp (RFC 3550 §5.1) and the wall clock in step.
 */
export class FramePacer {
  /** Tick interval, ms. */
  readonly intervalMs: number;
  readonly #maxCatchUpMs: number;
  readonly #clock: Clock;
  #onTick: ((tick: number) => void) | undefined;
  #timer: TimerHandle | undefined;
  #start = 0;
  #next = 0;
  #ticks = 0;
  #skipped = 0;
  #maxLateMs = 0;
  #running = false;

  /** @throws InvalidArgumentError for a non-positive interval or catch-up window */
  constructor(options: FramePacerOptions = {}) {
    const interval = options.intervalMs ?? 20;
    if (!(interval > 0 && Number.isFinite(interval))) throw new InvalidArgumentError('intervalMs', 'must be > 0');
    const catchUp = options.maxCatchUpMs ?? 100;
    if (!(catchUp >= 0)) throw new InvalidArgumentError('maxCatchUpMs', 'must be >= 0');
    this.intervalMs = interval;
    this.#maxCatchUpMs = catchUp;
    this.#clock = options.clock ?? systemClock;
  }

  /** Ticks delivered so far. */
  get ticks(): number {
    return this.#ticks;
  }

  /** Ticks skipped because the pacer fell more than `maxCatchUpMs` behind. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Largest lateness of a delivered tick against its ideal instant, ms. */
  get maxLateMs(): number {
    return this.#maxLateMs;
  }

  /** Whether the pacer is running. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Start ticking: `onTick(n)` is called for tick n = 0, 1, 2, ... (n counts
   * timeline slots, so skipped slots leave gaps). The first tick fires one
   * interval after start. An exception from `onTick` is logged and ignored.
   * @throws InvalidStateError when already running
   */
  start(onTick: (tick: number) => void): void {
    if (this.#running) throw new InvalidStateError('FramePacer is already running');
    this.#running = true;
    this.#onTick = onTick;
    this.#start = this.#clock.now();
    this.#next = 1;
    this.#arm();
  }

  /** Stop ticking; no tick fires after this returns. Safe to call twice. */
  stop(): void {
    this.#running = false;
    this.#onTick = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Ideal instant of slot n on the clock's timeline. */
  #ideal(n: number): number {
    return this.#start + n * this.intervalMs;
  }

  #arm(): void {
    const delay = Math.max(0, this.#ideal(this.#next) - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => this.#fire(), delay);
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const behind = now - this.#ideal(this.#next);
    if (behind > this.#maxCatchUpMs) {
      // Too far behind: jump to the latest due slot, counting what was skipped.
      const due = Math.floor((now - this.#start) / this.intervalMs);
      this.#skipped += due - this.#next;
      debug('pacer %d ms behind: skipping %d ticks', Math.round(behind), due - this.#next);
      this.#next = due;
    }
    while (this.#running && this.#ideal(this.#next) <= now) {
      const late = now - this.#ideal(this.#next);
      if (late > this.#maxLateMs) this.#maxLateMs = late;
      const n = this.#next++;
      this.#ticks++;
      try {
        this.#onTick?.(n - 1);
      } catch (err) {
        debug('pacer tick handler threw: %o', err);
      }
    }
    if (this.#running) this.#arm();
  }
}
