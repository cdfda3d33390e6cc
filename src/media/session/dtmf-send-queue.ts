/**
 * Sending RFC 4733 DTMF digits through an RTP session, one event after the
 * other, paced by the session clock (RFC 4733 §2.5.1).
 *
 * @module
 */
import type { Clock } from '../../util/index.js';
import { planDtmfEvent } from '../dtmf/dtmf-sender.js';
import type { DtmfEventOptions } from '../dtmf/dtmf-sender.js';

/** Options of a DTMF send. */
export interface SendDtmfOptions extends Omit<DtmfEventOptions, 'clockRate'> {
  /** Pause between digits in ms (default 60). */
  readonly gapMs?: number;
}

/** What the queue needs from its session. */
export interface DtmfSendTarget {
  /** The session clock. */
  readonly clock: Clock;
  /** RTP clock rate of the telephone-event payload type. */
  readonly clockRate: number;
  /** True once the session is closed (sending stops). */
  closed(): boolean;
  /** The RTP timestamp "now": the start of the next event. */
  timestamp(): number;
  /** Send one telephone-event packet. */
  send(marker: boolean, timestamp: number, payload: Uint8Array): void;
  /** Audio is held while `busy` (RFC 4733 §2.5.1.1); `endTimestamp` is where audio resumes. */
  setBusy(busy: boolean, endTimestamp?: number): void;
}

/** Serialises DTMF sends of one session. */
export class DtmfSendQueue {
  readonly #target: DtmfSendTarget;
  #tail: Promise<void> = Promise.resolve();

  /** @param target - the session side */
  constructor(target: DtmfSendTarget) {
    this.#target = target;
  }

  /**
   * Queue digits; resolves when the last end packet has been sent.
   * @throws InvalidArgumentError synchronously for a bad digit or option
   */
  send(digits: string, options?: SendDtmfOptions): Promise<void> {
    const t = this.#target;
    const plans = [...digits].map((d) => planDtmfEvent(d, { ...options, clockRate: t.clockRate }));
    const gapMs = options?.gapMs ?? 60;
    const durationTicks = Math.round(((options?.durationMs ?? 100) * t.clockRate) / 1000);
    const sleep = (ms: number): Promise<void> => new Promise((r) => { t.clock.setTimeout(r, ms); });
    const run = async (): Promise<void> => {
      try {
        for (const plan of plans) {
          if (t.closed()) return;
          t.setBusy(true);
          const start = t.timestamp();
          const t0 = t.clock.now();
          for (const p of plan) {
            const wait = t0 + p.atMs - t.clock.now();
            if (wait > 0) await sleep(wait);
            if (t.closed()) return;
            t.send(p.marker, start, p.payload);
          }
          t.setBusy(false, (start + durationTicks) >>> 0);
          await sleep(gapMs);
        }
      } finally {
        t.setBusy(false);
      }
    };
    // Audio stops at once: the first event starts now unless others are queued.
    if (plans.length > 0) t.setBusy(true);
    const next = this.#tail.then(run, run);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
