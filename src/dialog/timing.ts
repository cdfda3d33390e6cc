import { randomIntBetween } from '../util/index.js';

/** RFC 3261 timer values the dialog layer needs (milliseconds). */
export interface DialogTimers {
  /** RTT estimate, default 500 ms. */
  readonly T1: number;
  /** Maximum retransmission interval for non-INVITE requests and INVITE 2xx, default 4 s. */
  readonly T2: number;
  /** Maximum duration a message remains in the network, default 5 s. */
  readonly T4: number;
}

/** RFC 3261 defaults (§17.1.1.1 table 4). */
export const DEFAULT_DIALOG_TIMERS: DialogTimers = { T1: 500, T2: 4000, T4: 5000 };

/**
 * Interval before the next retransmission of a 2xx to INVITE (RFC 3261
 * §13.3.1.4): T1, then doubling, capped at T2. `previous` is the interval
 * used last (0 before the first retransmission).
 */
export function next2xxInterval(previous: number, timers: DialogTimers): number {
  if (previous <= 0) return timers.T1;
  return Math.min(previous * 2, timers.T2);
}

/**
 * Delay before retrying a re-INVITE that got 491 (RFC 3261 §14.1): when the
 * UAC generated the Call-ID, a random value in 2.1 s .. 4 s in units of 10 ms,
 * otherwise a random value in 0 .. 2 s in units of 10 ms.
 */
export function glareRetryDelay(ownsCallId: boolean): number {
  return ownsCallId ? randomIntBetween(210, 401) * 10 : randomIntBetween(0, 201) * 10;
}

/**
 * Retry-After value (seconds) of the 500 answered to a re-INVITE that arrives
 * while another one is still pending (RFC 3261 §14.2): random in 0..10.
 */
export function overlapRetryAfterSeconds(): number {
  return randomIntBetween(0, 11);
}

/**
 * Delay before retrying a re-INVITE that the peer refused with 500 and Retry-After because
 * another INVITE was still pending on its side (RFC 3261 §14.2; after a lost ACK the peer still
 * waits for the ACK of its previous 2xx): the Retry-After seconds, at least 0.5 s and at most
 * 10 s (the range §14.2 asks the peer to draw from). Undefined for any other response.
 */
export function overlapRetryDelayMs(status: number, retryAfter: string | undefined): number | undefined {
  if (status !== 500 || retryAfter === undefined) return undefined;
  const seconds = Number.parseInt(retryAfter, 10);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(Math.max(seconds * 1000, 500), 10_000);
}
