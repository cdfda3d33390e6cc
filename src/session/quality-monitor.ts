/**
 * Per-call quality alerts: every `quality.intervalMs` the receive statistics of the call (RFC 3550
 * §6.4.1 loss and interarrival jitter, RTT from RTCP LSR/DLSR) are turned into a
 * {@link QualitySample} with a MOS estimate from the simplified ITU-T G.107 E-model of the media
 * layer, and compared with the configured thresholds. A metric that crosses its threshold raises
 * one `alert`; it raises one `recovered` once it is back inside the threshold by a margin
 * (hysteresis), so a value hovering at the threshold does not flap.
 *
 * @module
 */
import { CODEC_IMPAIRMENTS, estimateMos } from '../media/index.js';
import type { Clock, TimerHandle } from '../util/index.js';
import type { ResolvedConfig } from './config-types.js';
import type { MediaStats } from './media-pipeline.js';

/** A quality metric that can raise an alert. */
export type QualityMetric = 'mos' | 'loss' | 'jitter' | 'rtt';

/** The quality of a call over one sampling interval. */
export interface QualitySample {
  /** When the sample was taken, ms since the Unix epoch. */
  readonly at: number;
  /** Length of the interval, ms. */
  readonly intervalMs: number;
  /** MOS estimate (1-4.5) of the interval; `undefined` when no RTP arrived in it. */
  readonly mos: number | undefined;
  /** Fraction of the packets expected in the interval that were lost (0-1); `undefined` when none were expected. */
  readonly loss: number | undefined;
  /** Interarrival jitter of the far end's stream, ms (RFC 3550 §6.4.1); `undefined` before RTP. */
  readonly jitterMs: number | undefined;
  /** Round-trip time from RTCP, ms; `undefined` until the far end reported on our stream. */
  readonly rttMs: number | undefined;
  /** RTP packets received in the interval. */
  readonly packetsReceived: number;
  /** Every metric past its alert threshold now (alerting and not yet recovered). */
  readonly breached: readonly QualityMetric[];
}

/** A `quality` event: metrics that crossed their threshold (`alert`) or came back (`recovered`). */
export interface QualityEvent {
  /** `alert` or `recovered`. */
  readonly type: 'alert' | 'recovered';
  /** The metrics that crossed (for `alert`) or cleared (for `recovered`) with this sample. */
  readonly metrics: readonly QualityMetric[];
  /** The sample that triggered the event. */
  readonly sample: QualitySample;
}

/** Thresholds of a {@link QualityMonitor} (resolved `quality` config). */
export type QualityThresholds = ResolvedConfig['quality'];

/** How far back inside a threshold a metric must come to recover. */
const HYSTERESIS = { mos: 0.1, ratio: 0.8 } as const;

/** Options of a {@link QualityMonitor}. */
export interface QualityMonitorOptions {
  readonly thresholds: QualityThresholds;
  readonly clock: Clock;
  /** Current statistics of the call's media, `undefined` before media runs. */
  readonly stats: () => MediaStats | undefined;
  /** Packetization time, ms (part of the one-way delay estimate). */
  readonly ptimeMs: number;
  /** False while the call is on hold: samples are skipped, nothing is raised. */
  readonly active: () => boolean;
  /** Each sample. */
  readonly onSample?: (sample: QualitySample) => void;
  /** Each alert or recovery. */
  readonly onEvent: (event: QualityEvent) => void;
}

interface Previous {
  readonly expected: number;
  readonly received: number;
  readonly packetsIn: number;
  readonly at: number;
}

/** True when `value` is past the alert threshold of `metric`. */
function breaches(metric: QualityMetric, value: number, t: QualityThresholds): boolean {
  switch (metric) {
    case 'mos': return value < t.mosBelow;
    case 'loss': return value > t.lossAbove;
    case 'jitter': return value > t.jitterAboveMs;
    case 'rtt': return value > t.rttAboveMs;
  }
}

/** True when `value` is back inside the threshold of `metric` with the hysteresis margin. */
function clears(metric: QualityMetric, value: number, t: QualityThresholds): boolean {
  switch (metric) {
    case 'mos': return value >= t.mosBelow + HYSTERESIS.mos;
    case 'loss': return value <= t.lossAbove * HYSTERESIS.ratio;
    case 'jitter': return value <= t.jitterAboveMs * HYSTERESIS.ratio;
    case 'rtt': return value <= t.rttAboveMs * HYSTERESIS.ratio;
  }
}

/**
 * Samples one call's quality on a timer and raises alerts with hysteresis. {@link start} when
 * media runs, {@link stop} at the end of the call. The evaluation itself ({@link evaluate}) is
 * pure and separately tested.
 */
export class QualityMonitor {
  readonly #o: QualityMonitorOptions;
  readonly #breached = new Set<QualityMetric>();
  #timer: TimerHandle | undefined;
  #previous: Previous | undefined;
  #last: QualitySample | undefined;

  /** @param options - thresholds, clock, statistics source and callbacks */
  constructor(options: QualityMonitorOptions) {
    this.#o = options;
  }

  /** The last sample taken, if any. */
  get last(): QualitySample | undefined {
    return this.#last;
  }

  /** Start sampling (no-op when `intervalMs` is 0 or already started). */
  start(): void {
    const interval = this.#o.thresholds.intervalMs;
    if (interval <= 0 || this.#timer !== undefined) return;
    this.#previous = undefined;
    const tick = (): void => {
      this.#timer = this.#o.clock.setTimeout(tick, interval);
      this.sample();
    };
    this.#timer = this.#o.clock.setTimeout(tick, interval);
  }

  /** Stop sampling. Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Take one sample now and raise what it crosses. Returns it (`undefined` when skipped). */
  sample(): QualitySample | undefined {
    const stats = this.#o.stats();
    if (stats === undefined) return undefined;
    const rx = stats.receive;
    const now = this.#o.clock.now();
    const current: Previous = { expected: rx?.expected ?? 0, received: rx?.received ?? 0, packetsIn: stats.packetsIn, at: now };
    const prev = this.#previous;
    this.#previous = current;
    if (!this.#o.active()) return undefined;
    const expected = current.expected - (prev?.expected ?? 0);
    const received = current.received - (prev?.received ?? 0);
    const packetsReceived = current.packetsIn - (prev?.packetsIn ?? 0);
    const loss = expected > 0 ? Math.min(1, Math.max(0, (expected - received) / expected)) : undefined;
    const jitterMs = rx?.jitterMs;
    const rttMs = stats.rttMs;
    const impairment = CODEC_IMPAIRMENTS[stats.codec.toLowerCase()];
    const mos = packetsReceived === 0 || loss === undefined ? undefined : estimateMos({
      oneWayDelayMs: (rttMs ?? 0) / 2 + 2 * (jitterMs ?? 0) + this.#o.ptimeMs,
      lossPercent: loss * 100,
      ...(impairment === undefined ? {} : { codec: impairment }),
    });
    const values: Partial<Record<QualityMetric, number>> = {};
    if (mos !== undefined) values.mos = mos;
    if (loss !== undefined) values.loss = loss;
    if (jitterMs !== undefined && packetsReceived > 0) values.jitter = jitterMs;
    if (rttMs !== undefined) values.rtt = rttMs;
    const { crossed, cleared } = evaluate(this.#breached, values, this.#o.thresholds);
    const sample: QualitySample = Object.freeze({
      at: Date.now(), intervalMs: prev === undefined ? this.#o.thresholds.intervalMs : now - prev.at,
      mos, loss, jitterMs, rttMs, packetsReceived, breached: Object.freeze([...this.#breached]),
    });
    this.#last = sample;
    this.#o.onSample?.(sample);
    if (crossed.length > 0) this.#o.onEvent(Object.freeze({ type: 'alert', metrics: Object.freeze(crossed), sample }));
    if (cleared.length > 0) this.#o.onEvent(Object.freeze({ type: 'recovered', metrics: Object.freeze(cleared), sample }));
    return sample;
  }
}

/**
 * Compare measured `values` with the thresholds, updating `breached` in place: a metric not yet
 * breached that is past its threshold is `crossed`; a breached metric back inside its threshold
 * by the hysteresis margin is `cleared`. Metrics without a value keep their state.
 */
export function evaluate(
  breached: Set<QualityMetric>,
  values: Partial<Record<QualityMetric, number>>,
  thresholds: QualityThresholds,
): { crossed: QualityMetric[]; cleared: QualityMetric[] } {
  const crossed: QualityMetric[] = [];
  const cleared: QualityMetric[] = [];
  for (const metric of ['mos', 'loss', 'jitter', 'rtt'] as const) {
    const value = values[metric];
    if (value === undefined) continue;
    if (!breached.has(metric) && breaches(metric, value, thresholds)) {
      breached.add(metric);
      crossed.push(metric);
    } else if (breached.has(metric) && clears(metric, value, thresholds)) {
      breached.delete(metric);
      cleared.push(metric);
    }
  }
  return { crossed, cleared };
}
