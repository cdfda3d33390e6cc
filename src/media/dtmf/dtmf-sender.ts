/**
 * Planning the RTP packets of one RFC 4733 DTMF event (§2.5.1).
 *
 * For one digit: every packet carries the timestamp of the event's start
 * (§2.5.1.2); the first has the marker bit set (§2.5.1.1 "first packet of an
 * event"); one packet per packet interval updates the duration so far; the
 * end is sent three times with the E bit and the final duration (§2.5.1.4,
 * "the final packet ... SHOULD be retransmitted twice").
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { dtmfEventCode, serializeTelephoneEvent } from './telephone-event.js';

/** Options of {@link planDtmfEvent}. */
export interface DtmfEventOptions {
  /** Tone duration in ms (default 100; 40-5000). */
  readonly durationMs?: number;
  /** Power in -dBm0 (0-63, default 10). */
  readonly volume?: number;
  /** Interval between updates in ms (default 20, one audio frame). */
  readonly packetIntervalMs?: number;
  /** RTP clock rate of the telephone-event payload type (default 8000). */
  readonly clockRate?: number;
}

/** One packet of the plan: when to send it and what it carries. */
export interface DtmfPacketPlan {
  /** Send time relative to the event start, in ms. */
  readonly atMs: number;
  /** The marker bit (first packet only). */
  readonly marker: boolean;
  /** The telephone-event payload (4 octets). */
  readonly payload: Uint8Array;
  /** True for the end packets (E bit). */
  readonly end: boolean;
}

/**
 * The packets for one digit, in send order (RTP timestamp: the event start
 * for all; sequence numbers: the sender's next ones, one per packet).
 * @throws InvalidArgumentError on a bad digit or option
 */
export function planDtmfEvent(digit: string, options?: DtmfEventOptions): DtmfPacketPlan[] {
  const event = dtmfEventCode(digit);
  const durationMs = options?.durationMs ?? 100;
  const volume = options?.volume ?? 10;
  const intervalMs = options?.packetIntervalMs ?? 20;
  const clockRate = options?.clockRate ?? 8000;
  if (!(durationMs >= 40 && durationMs <= 5000)) throw new InvalidArgumentError('durationMs', 'must be 40-5000');
  if (!Number.isInteger(volume) || volume < 0 || volume > 63) throw new InvalidArgumentError('volume', 'must be 0-63');
  if (!(intervalMs >= 5 && intervalMs <= 100)) throw new InvalidArgumentError('packetIntervalMs', 'must be 5-100');
  const total = Math.round((durationMs * clockRate) / 1000);
  if (total > 0xffff) throw new InvalidArgumentError('durationMs', 'longer than one 16-bit duration field at this clock rate');
  const step = Math.round((intervalMs * clockRate) / 1000);
  const plan: DtmfPacketPlan[] = [];
  // Updates: the duration so far, one interval after another.
  let k = 0;
  for (let d = step; d < total; d += step, k++) {
    plan.push({ atMs: k * intervalMs, marker: k === 0, end: false, payload: serializeTelephoneEvent({ event, end: false, volume, duration: d }) });
  }
  // The end, sent three times (one interval apart, as packets of the stream).
  const endPayload = serializeTelephoneEvent({ event, end: true, volume, duration: total });
  for (let i = 0; i < 3; i++, k++) {
    plan.push({ atMs: k * intervalMs, marker: k === 0, end: true, payload: endPayload });
  }
  return plan;
}
