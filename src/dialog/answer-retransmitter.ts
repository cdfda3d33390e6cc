import type { SipResponse } from '../sip/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Clock, TimerHandle } from '../util/index.js';
import { next2xxInterval, type DialogTimers } from './timing.js';

/**
 * Reliability of a 2xx to INVITE at the UAS core (RFC 3261 §13.3.1.4, RFC
 * 6026 §7.1): the response is sent, then passed again to the transaction at
 * T1, 2*T1, 4*T1 ... capped at T2 until the ACK arrives (whatever the
 * transport). Without ACK after 64*T1, `onTimeout` runs (the dialog sends BYE).
 */
export class AnswerRetransmitter {
  /** CSeq number of the INVITE answered. */
  readonly cseq: number;
  /** The 2xx being retransmitted. */
  readonly response: SipResponse;
  readonly #tx: ServerTransaction;
  readonly #clock: Clock;
  readonly #timers: DialogTimers;
  readonly #onTimeout: () => void;
  #interval = 0;
  #retransmitTimer: TimerHandle | undefined;
  #deadline: TimerHandle | undefined;
  #done = false;
  /** Retransmissions sent so far (the first send not counted). */
  retransmissions = 0;

  /**
   * @param tx - the INVITE server transaction
   * @param response - the 2xx
   * @param clock - time source
   * @param timers - T1/T2
   * @param onTimeout - no ACK after 64*T1
   */
  constructor(tx: ServerTransaction, response: SipResponse, clock: Clock, timers: DialogTimers, onTimeout: () => void) {
    this.cseq = tx.request.cseq.seq;
    this.response = response;
    this.#tx = tx;
    this.#clock = clock;
    this.#timers = timers;
    this.#onTimeout = onTimeout;
  }

  /** True once ACKed, timed out or stopped. */
  get done(): boolean {
    return this.#done;
  }

  /** Send the 2xx and start the timers. */
  start(): void {
    this.#tx.respond(this.response);
    this.#schedule();
    this.#deadline = this.#clock.setTimeout(() => {
      if (this.#done) return;
      this.stop();
      this.#onTimeout();
    }, 64 * this.#timers.T1);
  }

  #schedule(): void {
    this.#interval = next2xxInterval(this.#interval, this.#timers);
    this.#retransmitTimer = this.#clock.setTimeout(() => {
      if (this.#done) return;
      this.retransmissions++;
      this.#tx.respond(this.response);
      this.#schedule();
    }, this.#interval);
  }

  /** The ACK arrived (or the dialog ended): stop retransmitting. */
  stop(): void {
    this.#done = true;
    if (this.#retransmitTimer !== undefined) this.#clock.clearTimeout(this.#retransmitTimer);
    if (this.#deadline !== undefined) this.#clock.clearTimeout(this.#deadline);
    this.#retransmitTimer = undefined;
    this.#deadline = undefined;
  }
}
