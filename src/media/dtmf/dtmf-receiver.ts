/**
 * Turning received RFC 4733 telephone-event packets into digit events
 * (RFC 4733 §2.5.2).
 *
 * An event is identified by its RTP timestamp (§2.5.1.2: all packets of one
 * event share it). A new timestamp starts a new event, whether or not its
 * first (marker) packet arrived: a lost start is tolerated. The first packet
 * with the E bit completes it; the retransmitted end packets (§2.5.1.4) carry
 * the same timestamp and are dropped. An event whose end packets were all
 * lost is completed when the next event starts or when {@link DtmfReceiver.expire}
 * finds it silent for too long.
 *
 * @module
 */
import { dtmfDigitOf, parseTelephoneEvent } from './telephone-event.js';
import type { DtmfDigit } from './telephone-event.js';

/** A received digit. */
export interface DtmfDigitEvent {
  /** The digit. */
  readonly digit: DtmfDigit;
  /** Its duration in ms, from the last duration field seen. */
  readonly durationMs: number;
  /** Power in -dBm0. */
  readonly volume: number;
  /** RTP timestamp of the event start. */
  readonly timestamp: number;
  /** True when the end packet was seen; false when completed by a new event or a timeout. */
  readonly ended: boolean;
}

interface Current {
  timestamp: number;
  event: number;
  volume: number;
  duration: number;
  lastSeenMs: number;
}

/** See the module documentation. */
export class DtmfReceiver {
  readonly #clockRate: number;
  readonly #timeoutMs: number;
  #current: Current | undefined;
  /** Timestamps of the last few completed events (retransmissions of them are dropped). */
  readonly #done: number[] = [];
  #duplicates = 0;

  /**
   * @param clockRate - RTP clock rate of the telephone-event payload type (default 8000)
   * @param timeoutMs - silence after which an event without an end packet is completed (default 500)
   */
  constructor(clockRate = 8000, timeoutMs = 500) {
    this.#clockRate = clockRate;
    this.#timeoutMs = timeoutMs;
  }

  /** True while an event has started and not completed. */
  get pending(): boolean {
    return this.#current !== undefined;
  }

  /** End packets dropped as retransmissions (or packets of an already completed event). */
  get duplicates(): number {
    return this.#duplicates;
  }

  /**
   * Feed one telephone-event packet.
   * @param timestamp - the packet's RTP timestamp
   * @param payload - its payload (shorter than 4 octets: ignored)
   * @param nowMs - arrival time in ms, for {@link DtmfReceiver.expire}
   * @returns the completed digits (zero, one, or two when a new event closes an unfinished one)
   */
  push(timestamp: number, payload: Uint8Array, nowMs = 0): DtmfDigitEvent[] {
    if (payload.length < 4) return [];
    const ev = parseTelephoneEvent(payload);
    const out: DtmfDigitEvent[] = [];
    if (this.#done.includes(timestamp)) {
      this.#duplicates++;
      return out;
    }
    let cur = this.#current;
    if (cur !== undefined && cur.timestamp !== timestamp) {
      out.push(this.#complete(cur, false));
      cur = undefined;
    }
    if (cur === undefined) {
      cur = { timestamp, event: ev.event, volume: ev.volume, duration: 0, lastSeenMs: nowMs };
      this.#current = cur;
    }
    // Out-of-order update packets never shorten the event.
    if (ev.duration > cur.duration) cur.duration = ev.duration;
    cur.volume = ev.volume;
    cur.lastSeenMs = nowMs;
    if (ev.end) {
      out.push(this.#complete(cur, true));
    }
    // Non-DTMF events (flash, tones) are tracked for de-duplication but not reported.
    return out.filter((e) => e.digit !== undefined);
  }

  /** Complete an event left without an end packet for longer than the timeout. */
  expire(nowMs: number): DtmfDigitEvent[] {
    const cur = this.#current;
    if (cur === undefined || nowMs - cur.lastSeenMs < this.#timeoutMs) return [];
    const e = this.#complete(cur, false);
    return e.digit === undefined ? [] : [e];
  }

  #complete(cur: Current, ended: boolean): DtmfDigitEvent {
    this.#current = undefined;
    this.#done.push(cur.timestamp);
    if (this.#done.length > 4) this.#done.shift();
    return {
      digit: dtmfDigitOf(cur.event) as DtmfDigit,
      durationMs: (cur.duration * 1000) / this.#clockRate,
      volume: cur.volume,
      timestamp: cur.timestamp,
      ended,
    };
  }
}
