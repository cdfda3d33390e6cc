/**
 * The running RFC 4028 session timer of one call: refresh at half the interval when we are the
 * refresher (§10), end the call with BYE when no refresh arrived before the session expires
 * (interval minus min(32 s, interval / 3)), on the engine's clock so tests use fake time.
 *
 * @module
 */
import createDebug from 'debug';
import type { Clock, TimerHandle } from '../util/index.js';
import { expiryDelaySeconds } from './session-timer-rules.js';
import type { SessionTimerTerms } from './session-timer-rules.js';

const debug = createDebug('sipline:session');

/** What a {@link SessionTimer} does when its timers fire. */
export interface SessionTimerActions {
  /** Send a refresh (re-INVITE or UPDATE); the caller restarts the timer from its 2xx. */
  refresh(): void;
  /** The session expired: send BYE and end the call. */
  expire(): void;
}

/**
 * One call's session timer. {@link SessionTimer.start} (re)arms it with the terms of the last
 * successful refresh (or of the initial INVITE); {@link SessionTimer.stop} disarms it.
 */
export class SessionTimer {
  readonly #clock: Clock;
  readonly #actions: SessionTimerActions;
  readonly #label: string;
  #terms: SessionTimerTerms | undefined;
  #refreshTimer: TimerHandle | undefined;
  #expiryTimer: TimerHandle | undefined;
  #refreshes = 0;

  /**
   * @param clock - the engine's clock
   * @param actions - what to do on refresh and on expiry
   * @param label - session id for debug logs
   */
  constructor(clock: Clock, actions: SessionTimerActions, label: string) {
    this.#clock = clock;
    this.#actions = actions;
    this.#label = label;
  }

  /** The terms in force, or `undefined` when no session timer runs. */
  get terms(): SessionTimerTerms | undefined {
    return this.#terms;
  }

  /** Refreshes sent by us or received from the far end since the call started. */
  get refreshes(): number {
    return this.#refreshes;
  }

  /**
   * Arm (or re-arm, after a refresh) with `terms`; `undefined` disarms (the far end stopped
   * asking for a timer). As the refresher we refresh at half the interval (§10); either way the
   * session expires after {@link expiryDelaySeconds} without a refresh.
   */
  start(terms: SessionTimerTerms | undefined): void {
    this.stop();
    this.#terms = terms;
    if (terms === undefined) return;
    if (terms.weRefresh) {
      this.#refreshTimer = this.#clock.setTimeout(() => {
        this.#refreshTimer = undefined;
        debug('%s: session refresh due (interval %d s)', this.#label, terms.interval);
        this.#actions.refresh();
      }, (terms.interval * 1000) / 2);
    }
    // As the refresher we still give up when our own refreshes keep failing until expiry.
    const expiry = terms.weRefresh ? terms.interval : expiryDelaySeconds(terms.interval);
    this.#expiryTimer = this.#clock.setTimeout(() => {
      this.#expiryTimer = undefined;
      debug('%s: session expired (no refresh within %d s)', this.#label, terms.interval);
      this.#actions.expire();
    }, expiry * 1000);
  }

  /** A refresh succeeded (sent or received): count it and re-arm with its terms. */
  refreshed(terms: SessionTimerTerms | undefined): void {
    this.#refreshes++;
    this.start(terms);
  }

  /** Disarm both timers; the terms stay readable. Idempotent. */
  stop(): void {
    if (this.#refreshTimer !== undefined) this.#clock.clearTimeout(this.#refreshTimer);
    if (this.#expiryTimer !== undefined) this.#clock.clearTimeout(this.#expiryTimer);
    this.#refreshTimer = undefined;
    this.#expiryTimer = undefined;
  }
}
