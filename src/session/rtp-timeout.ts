/**
 * RTP timeout (`media.rtpTimeoutMs`): a connected call whose far end sends no RTP and no RTCP for
 * that long is considered dead (the far end crashed, or a NAT binding broke). The watch is
 * suspended while the call is on hold (RFC 3264 §8.4: a held stream may carry nothing) and
 * restarts its count when the hold ends.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../util/index.js';
import type { MediaStats } from './media-pipeline.js';

/** The `media-timeout` event of a session. */
export interface MediaTimeoutEvent {
  /** How long nothing arrived, ms. */
  readonly silentForMs: number;
  /** The configured `media.rtpTimeoutMs`. */
  readonly timeoutMs: number;
  /** What the session does: `hangup` (BYE with a Reason header) or `event` (nothing more). */
  readonly action: 'hangup' | 'event';
}

/** Options of an {@link RtpTimeoutWatch}. */
export interface RtpTimeoutOptions {
  /** Silence that counts as a timeout, ms (0: off). */
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Current media statistics. */
  readonly stats: () => MediaStats | undefined;
  /** False while nothing is expected (on hold, inactive stream): the count restarts. */
  readonly expecting: () => boolean;
  /** Called once when the timeout strikes. */
  readonly onTimeout: (silentForMs: number) => void;
}

/** How often the watch looks at the counters, as a fraction of the timeout (at most 1 s). */
function checkEvery(timeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(timeoutMs / 4)));
}

/**
 * Watches the RTP and RTCP receive counters of one call. {@link start} when media runs,
 * {@link stop} at the end; fires {@link RtpTimeoutOptions.onTimeout} at most once.
 */
export class RtpTimeoutWatch {
  readonly #o: RtpTimeoutOptions;
  #timer: TimerHandle | undefined;
  #lastCount = -1;
  #lastActivity = 0;
  #fired = false;

  /** @param options - timeout, clock, statistics and callbacks */
  constructor(options: RtpTimeoutOptions) {
    this.#o = options;
  }

  /** True once the timeout struck. */
  get fired(): boolean {
    return this.#fired;
  }

  /** Start watching (no-op when off, already started or already fired). */
  start(): void {
    if (this.#o.timeoutMs <= 0 || this.#timer !== undefined || this.#fired) return;
    this.#lastActivity = this.#o.clock.now();
    this.#lastCount = -1;
    const every = checkEvery(this.#o.timeoutMs);
    const tick = (): void => {
      this.#timer = undefined;
      if (this.check()) return;
      this.#timer = this.#o.clock.setTimeout(tick, every);
    };
    this.#timer = this.#o.clock.setTimeout(tick, every);
  }

  /** Stop watching. Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Look at the counters now; true when the timeout struck (now or before). */
  check(): boolean {
    if (this.#fired) return true;
    const now = this.#o.clock.now();
    const stats = this.#o.stats();
    const count = stats === undefined ? 0 : stats.packetsIn + stats.rtcpIn;
    if (count !== this.#lastCount || !this.#o.expecting()) {
      this.#lastCount = count;
      this.#lastActivity = now;
      return false;
    }
    const silent = now - this.#lastActivity;
    if (silent < this.#o.timeoutMs) return false;
    this.#fired = true;
    this.stop();
    this.#o.onTimeout(silent);
    return true;
  }
}
