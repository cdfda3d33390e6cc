/**
 * Reliable provisional responses at the UAS (RFC 3262 §3): RSeq numbering, retransmission of the
 * reliable 1xx until its PRACK, one unacknowledged reliable response at a time, PRACK matching by
 * RAck, and the "no final 2xx while an offer-bearing 1xx is unacknowledged" rule.
 *
 * @module
 */
import type { SipMessage, SipRequest, SipResponse } from '../sip/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { randomIntBetween } from '../util/index.js';
import type { Clock, TimerHandle } from '../util/index.js';
import { PrackTimeoutError } from './prack-errors.js';
import type { DialogTimers } from './timing.js';

/** The option tag of RFC 3262. */
export const OPTION_100REL = '100rel';

/** True when a message lists `tag` in one of the option-tag headers (Require, Supported, ...). */
export function hasOptionTag(message: SipMessage, header: 'Require' | 'Supported', tag: string = OPTION_100REL): boolean {
  const lower = tag.toLowerCase();
  return message.getAll(header).some((v) => v.split(',').some((t) => t.trim().toLowerCase() === lower));
}

/** A parsed RAck header (RFC 3262 §7.2): `response-num CSeq-num Method`. */
export interface RAck {
  /** RSeq of the provisional response acknowledged. */
  readonly rseq: number;
  /** CSeq number of the request it answered. */
  readonly cseq: number;
  /** Method of that request (INVITE). */
  readonly method: string;
}

/** Parse an RAck value; undefined when malformed (RFC 3262 §7.2, numbers 1 to 2^32-1). */
export function parseRAck(value: string | undefined): RAck | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d{1,10})\s+(\d{1,10})\s+([A-Za-z!%*_+`'~.-]+)\s*$/.exec(value);
  if (m === null) return undefined;
  const rseq = Number(m[1]);
  const cseq = Number(m[2]);
  if (rseq < 1 || rseq > 0xffffffff || cseq > 0xffffffff) return undefined;
  return { rseq, cseq, method: m[3]! };
}

/** Parse an RSeq value (RFC 3262 §7.1); undefined when malformed. */
export function parseRSeq(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,10}\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= 0xffffffff ? n : undefined;
}

interface Pending {
  readonly send: (rseq: number) => SipResponse;
  readonly carriesSdp: boolean;
  readonly resolve: (prack: SipRequest) => void;
  readonly reject: (err: Error) => void;
}

interface Outstanding extends Pending {
  readonly rseq: number;
  readonly response: SipResponse;
  interval: number;
  timer: TimerHandle | undefined;
  deadline: TimerHandle | undefined;
}

/**
 * The reliable provisional responses of one INVITE server transaction (RFC 3262 §3). Each
 * {@link ReliableProvisionals.send} gets the next RSeq (the first one random in 1..2^31-1), is
 * sent, and is passed to the transaction again at T1, 2*T1, 4*T1 ... until its PRACK arrives; a
 * later reliable response waits until the earlier one is acknowledged. Without PRACK after 64*T1
 * the `onTimeout` callback runs (the INVITE is then rejected with a 5xx) and the waiting promises
 * reject with {@link PrackTimeoutError}.
 */
export class ReliableProvisionals {
  readonly #tx: ServerTransaction;
  readonly #clock: Clock;
  readonly #timers: DialogTimers;
  readonly #onTimeout: () => void;
  #nextRSeq = randomIntBetween(1, 0x7fffffff);
  #current: Outstanding | undefined;
  readonly #queue: Pending[] = [];
  #offerWaiters: (() => void)[] = [];
  #stopped = false;
  /** Retransmissions of reliable provisional responses so far (first sends not counted). */
  retransmissions = 0;
  /** RSeq values acknowledged so far, in order. */
  readonly acknowledged: number[] = [];

  /**
   * @param tx - the INVITE server transaction
   * @param clock - time source
   * @param timers - T1
   * @param onTimeout - no PRACK after 64*T1 (RFC 3262 §3)
   */
  constructor(tx: ServerTransaction, clock: Clock, timers: DialogTimers, onTimeout: () => void) {
    this.#tx = tx;
    this.#clock = clock;
    this.#timers = timers;
    this.#onTimeout = onTimeout;
  }

  /** True while a reliable response carrying SDP waits for its PRACK (a 2xx must wait, §3). */
  get offerPending(): boolean {
    return this.#current?.carriesSdp === true || this.#queue.some((p) => p.carriesSdp);
  }

  /** True while any reliable response waits to be sent or acknowledged. */
  get busy(): boolean {
    return this.#current !== undefined || this.#queue.length > 0;
  }

  /**
   * Send a reliable provisional response: `send(rseq)` builds and sends it (with `Require: 100rel`
   * and `RSeq: rseq`) when its turn comes. Resolves with the PRACK.
   * @throws PrackTimeoutError (rejection) when no PRACK came within 64*T1 or the INVITE ended
   */
  send(send: (rseq: number) => SipResponse, carriesSdp: boolean): Promise<SipRequest> {
    return new Promise<SipRequest>((resolve, reject) => {
      if (this.#stopped) {
        reject(new PrackTimeoutError('the INVITE transaction is over'));
        return;
      }
      this.#queue.push({ send, carriesSdp, resolve, reject });
      if (this.#current === undefined) this.#next();
    });
  }

  /** Resolves once no offer-bearing reliable response is unacknowledged (at once when none is). */
  offerSettled(): Promise<void> {
    if (!this.offerPending) return Promise.resolve();
    return new Promise<void>((resolve) => this.#offerWaiters.push(resolve));
  }

  #next(): void {
    const p = this.#queue.shift();
    if (p === undefined) {
      this.#flushOfferWaiters();
      return;
    }
    const rseq = this.#nextRSeq;
    this.#nextRSeq = rseq >= 0xffffffff ? 1 : rseq + 1;
    let response: SipResponse;
    try {
      response = p.send(rseq);
    } catch (err) {
      p.reject(err as Error);
      this.#next();
      return;
    }
    const o: Outstanding = { ...p, rseq, response, interval: this.#timers.T1, timer: undefined, deadline: undefined };
    this.#current = o;
    this.#schedule(o);
    o.deadline = this.#clock.setTimeout(() => this.#timeout(o), 64 * this.#timers.T1);
  }

  #schedule(o: Outstanding): void {
    o.timer = this.#clock.setTimeout(() => {
      if (this.#current !== o) return;
      this.retransmissions++;
      this.#tx.respond(o.response);
      o.interval *= 2;
      this.#schedule(o);
    }, o.interval);
  }

  #clear(o: Outstanding): void {
    if (o.timer !== undefined) this.#clock.clearTimeout(o.timer);
    if (o.deadline !== undefined) this.#clock.clearTimeout(o.deadline);
    o.timer = undefined;
    o.deadline = undefined;
  }

  #timeout(o: Outstanding): void {
    if (this.#current !== o) return;
    this.stop();
    this.#onTimeout();
  }

  /**
   * A PRACK arrived in the early dialog: true when its RAck matches the unacknowledged reliable
   * response (which then stops retransmitting), false otherwise (the caller answers 481, §3).
   * `onMatched` runs before the next queued reliable response goes out (so the PRACK's 200
   * precedes it on the wire).
   */
  receivePrack(prack: SipRequest, onMatched?: () => void): boolean {
    const o = this.#current;
    const rack = parseRAck(prack.get('RAck'));
    if (o === undefined || rack === undefined) return false;
    const req = this.#tx.request;
    if (rack.rseq !== o.rseq || rack.cseq !== req.cseq.seq || rack.method.toUpperCase() !== req.method) return false;
    this.#clear(o);
    this.#current = undefined;
    this.acknowledged.push(o.rseq);
    onMatched?.();
    o.resolve(prack);
    this.#next();
    return true;
  }

  /** Stop every timer; waiting sends reject (the INVITE got its final response or ended). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const err = new PrackTimeoutError();
    const o = this.#current;
    this.#current = undefined;
    if (o !== undefined) {
      this.#clear(o);
      o.reject(err);
    }
    for (const p of this.#queue.splice(0)) p.reject(err);
    this.#flushOfferWaiters();
  }

  #flushOfferWaiters(): void {
    if (this.offerPending) return;
    const w = this.#offerWaiters;
    this.#offerWaiters = [];
    for (const fn of w) fn();
  }
}
