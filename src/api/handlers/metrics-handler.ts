/**
 * `metricsHandler`: call counts and durations by outcome, as an object and in the Prometheus text
 * exposition format.
 *
 * @module
 */
import type { EndReason } from '../../session/index.js';
import type { CallSession } from '../call-session.js';
import type { ComposableHandler } from './compose-handlers.js';

/** Counts and durations of the calls that ended with one outcome (end reason). */
export interface OutcomeMetrics {
  /** Calls that ended this way. */
  readonly count: number;
  /** Of them, calls that had been answered. */
  readonly answered: number;
  /** Sum of their talk time (answer to end), seconds; unanswered calls count 0. */
  readonly durationSecondsSum: number;
  /** Longest talk time, seconds. */
  readonly durationSecondsMax: number;
  /** Cumulative histogram of talk times: calls with a duration at most each bucket bound. */
  readonly buckets: readonly {
    /** Upper bound of the bucket, seconds. */
    readonly le: number;
    /** Calls whose talk time is at most `le`. */
    readonly count: number;
  }[];
}

/** What {@link MetricsHandler.snapshot} returns. */
export interface CallMetricsSnapshot {
  /** Calls started, by direction. */
  readonly started: {
    /** Calls that arrived. */
    readonly incoming: number;
    /** Calls placed with `makeCall`. */
    readonly outgoing: number;
  };
  /** Calls live now. */
  readonly active: number;
  /** Calls answered (either direction). */
  readonly answered: number;
  /** Ended calls by outcome (end reason: `remote-hangup`, `busy`, `media-timeout`, ...). */
  readonly ended: Readonly<Partial<Record<EndReason, OutcomeMetrics>>>;
  /** Quality alerts raised (each crossing counts once). */
  readonly qualityAlerts: number;
  /** RTP timeouts. */
  readonly mediaTimeouts: number;
}

/** Options of {@link metricsHandler}. */
export interface MetricsOptions {
  /** Prefix of the Prometheus metric names. Default `sipline_`. */
  readonly prefix?: string;
  /** Upper bounds of the duration histogram, seconds, ascending. Default 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600. */
  readonly buckets?: readonly number[];
  /** Time source, ms since the Unix epoch (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/** A {@link metricsHandler}: a handler plus its readings. */
export interface MetricsHandler extends ComposableHandler {
  /** The counts now, as a plain frozen object. */
  snapshot(): CallMetricsSnapshot;
  /** The counts now in the Prometheus text exposition format (version 0.0.4). */
  prometheus(): string;
}

const DEFAULT_BUCKETS = Object.freeze([1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600]);

interface Outcome {
  count: number;
  answered: number;
  sum: number;
  max: number;
  readonly buckets: number[];
}

/** A Prometheus label value with `\`, `"` and line feeds escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function num(value: number): string {
  return Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : '-Inf';
}

/**
 * An observer that counts calls: started by direction, live, answered, ended by outcome (end
 * reason) with their talk time (answer to end) as a sum, a maximum and a histogram, quality alerts
 * and RTP timeouts. It never decides about a call. Read it with {@link MetricsHandler.snapshot} or
 * serve {@link MetricsHandler.prometheus} from an HTTP endpoint.
 *
 * @example
 * ```ts
 * const metrics = metricsHandler();
 * manager.setCallHandler(composeHandlers(metrics, myCallLogic));
 * http.createServer((req, res) => {
 *   res.setHeader('Content-Type', 'text/plain; version=0.0.4');
 *   res.end(metrics.prometheus());
 * }).listen(9464, '127.0.0.1');
 * ```
 *
 * @throws TypeError for buckets that are not ascending positive numbers, or a prefix that is not a
 *   valid metric name start
 */
export function metricsHandler(options: MetricsOptions = {}): MetricsHandler {
  const prefix = options.prefix ?? 'sipline_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) throw new TypeError('metricsHandler: prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*');
  const bounds = [...(options.buckets ?? DEFAULT_BUCKETS)];
  if (bounds.some((b, i) => !(typeof b === 'number' && b > 0) || (i > 0 && b <= bounds[i - 1]!))) {
    throw new TypeError('metricsHandler: buckets must be ascending positive numbers');
  }
  const now = options.now ?? Date.now;
  const started = { incoming: 0, outgoing: 0 };
  const live = new Set<string>();
  const ended = new Map<string, Outcome>();
  let answered = 0;
  let qualityAlerts = 0;
  let mediaTimeouts = 0;

  const handler: MetricsHandler = {
    onCallStarted(session: CallSession): void {
      if (live.has(session.id)) return;
      live.add(session.id);
      started[session.direction]++;
    },
    onCallEstablished(): void {
      answered++;
    },
    onCallEnded(session: CallSession, reason: EndReason): void {
      live.delete(session.id);
      const at = session.answeredAt;
      const seconds = at === undefined ? 0 : Math.max(0, (now() - at) / 1000);
      let o = ended.get(reason);
      if (o === undefined) {
        o = { count: 0, answered: 0, sum: 0, max: 0, buckets: bounds.map(() => 0) };
        ended.set(reason, o);
      }
      o.count++;
      if (at !== undefined) o.answered++;
      o.sum += seconds;
      o.max = Math.max(o.max, seconds);
      bounds.forEach((b, i) => { if (seconds <= b) o.buckets[i]!++; });
    },
    onQualityAlert(): void {
      qualityAlerts++;
    },
    onMediaTimeout(): void {
      mediaTimeouts++;
    },
    snapshot(): CallMetricsSnapshot {
      const byOutcome: Record<string, OutcomeMetrics> = {};
      for (const [reason, o] of [...ended].sort(([a], [b]) => a.localeCompare(b))) {
        byOutcome[reason] = Object.freeze({
          count: o.count, answered: o.answered, durationSecondsSum: o.sum, durationSecondsMax: o.max,
          buckets: Object.freeze(bounds.map((le, i) => Object.freeze({ le, count: o.buckets[i]! }))),
        });
      }
      return Object.freeze({
        started: Object.freeze({ ...started }),
        active: live.size,
        answered,
        ended: Object.freeze(byOutcome),
        qualityAlerts,
        mediaTimeouts,
      });
    },
    prometheus(): string {
      const s = handler.snapshot();
      const out: string[] = [];
      const metric = (name: string, type: string, help: string, samples: readonly string[]): void => {
        out.push(`# HELP ${prefix}${name} ${help}`, `# TYPE ${prefix}${name} ${type}`, ...samples);
      };
      metric('calls_started_total', 'counter', 'Calls started, by direction.', [
        `${prefix}calls_started_total{direction="incoming"} ${s.started.incoming}`,
        `${prefix}calls_started_total{direction="outgoing"} ${s.started.outgoing}`,
      ]);
      metric('calls_active', 'gauge', 'Calls live now.', [`${prefix}calls_active ${s.active}`]);
      metric('calls_answered_total', 'counter', 'Calls answered.', [`${prefix}calls_answered_total ${s.answered}`]);
      const outcomes = Object.entries(s.ended) as [string, OutcomeMetrics][];
      metric('calls_ended_total', 'counter', 'Calls ended, by outcome (end reason).',
        outcomes.map(([r, o]) => `${prefix}calls_ended_total{outcome="${label(r)}"} ${o.count}`));
      const hist: string[] = [];
      for (const [r, o] of outcomes) {
        const l = `outcome="${label(r)}"`;
        for (const b of o.buckets) hist.push(`${prefix}call_duration_seconds_bucket{${l},le="${num(b.le)}"} ${b.count}`);
        hist.push(`${prefix}call_duration_seconds_bucket{${l},le="+Inf"} ${o.count}`);
        hist.push(`${prefix}call_duration_seconds_sum{${l}} ${num(o.durationSecondsSum)}`);
        hist.push(`${prefix}call_duration_seconds_count{${l}} ${o.count}`);
      }
      metric('call_duration_seconds', 'histogram', 'Talk time of ended calls (answer to end; 0 when unanswered), by outcome.', hist);
      metric('quality_alerts_total', 'counter', 'Call quality alerts raised.', [`${prefix}quality_alerts_total ${s.qualityAlerts}`]);
      metric('media_timeouts_total', 'counter', 'Calls that received no RTP for media.rtpTimeoutMs.', [`${prefix}media_timeouts_total ${s.mediaTimeouts}`]);
      return `${out.join('\n')}\n`;
    },
  };
  return handler;
}
