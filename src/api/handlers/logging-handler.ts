/**
 * `loggingHandler`: every call's lifecycle, one line per event, through `debug` (namespace
 * `sipline:calls`) or the application's logger.
 *
 * @module
 */
import createDebug from 'debug';
import type { EndReason, MediaTimeoutEvent, QualityEvent, SessionStateChange } from '../../session/index.js';
import type { CallSession } from '../call-session.js';
import type { DtmfEvent, HoldEvent } from '../types.js';
import type { ComposableHandler } from './compose-handlers.js';

/** The structured fields of a call log line. */
export interface CallLogFields {
  /** What happened: `started`, `state`, `established`, `ended`, `dtmf`, `hold`, `resume`, `quality`, `media-timeout`. */
  readonly event: string;
  /** Id of the session. */
  readonly sessionId: string | undefined;
  /** Correlation id of the call. */
  readonly correlationId: string | undefined;
  /** SIP Call-ID of the call. */
  readonly callId: string | undefined;
  /** `incoming` or `outgoing`. */
  readonly direction: string | undefined;
  /** Event details (state change, end reason, digit, quality figures, error). */
  readonly [key: string]: unknown;
}

/**
 * An application logger: an object with `info` (and optionally `warn` and `error`) taking a
 * message and the structured fields, such as `console` or a winston logger.
 */
export interface CallLogger {
  /** Ordinary lifecycle lines. */
  info(message: string, fields: CallLogFields): void;
  /** Quality alerts and RTP timeouts; `info` when absent. */
  warn?(message: string, fields: CallLogFields): void;
  /** Reserved for failures; `info` when absent. */
  error?(message: string, fields: CallLogFields): void;
}

/** Options of {@link loggingHandler}. */
export interface LoggingOptions {
  /** Where lines go; default `debug` with namespace `sipline:calls` (enable with `DEBUG=sipline:calls`). */
  readonly logger?: CallLogger;
  /** The `debug` namespace when no logger is given. Default `sipline:calls`. */
  readonly namespace?: string;
}

type Level = 'info' | 'warn' | 'error';

/**
 * An observer that logs every call: start (direction, from, to), each state change with its
 * reason, the answer, the end with its reason and talk time, DTMF, hold and resume, quality alerts
 * and recoveries and RTP timeouts. Each line starts with the session id and the
 * correlation id (`<id> [<correlation id>]`). It never decides about a call, and it has no
 * `onError`: handler errors still go to your `onError` or the manager's `error` event.
 *
 * @example
 * ```ts
 * // DEBUG=sipline:calls node server.js
 * manager.setCallHandler(composeHandlers(loggingHandler(), myCallLogic));
 * // or to the application's logger:
 * manager.setCallHandler(composeHandlers(loggingHandler({ logger: console }), myCallLogic));
 * ```
 */
export function loggingHandler(options: LoggingOptions = {}): ComposableHandler {
  const logger = options.logger;
  if (logger !== undefined && (logger === null || typeof logger.info !== 'function')) {
    throw new TypeError('loggingHandler: logger must have an info(message, fields) method');
  }
  const debug = createDebug(options.namespace ?? 'sipline:calls');

  const log = (level: Level, session: CallSession | undefined, event: string, text: string, details: Record<string, unknown> = {}): void => {
    const prefix = session === undefined ? '-' : `${session.id} [${session.correlationId}]`;
    const message = `${prefix} ${text}`;
    if (logger === undefined) {
      debug('%s', message);
      return;
    }
    const fields: CallLogFields = {
      event,
      sessionId: session?.id,
      correlationId: session?.correlationId,
      callId: session?.callId,
      direction: session?.direction,
      ...details,
    };
    const write = (level === 'info' ? logger.info : logger[level] ?? logger.info).bind(logger);
    write(message, fields);
  };

  return {
    onCallStarted(session: CallSession): void {
      const [from, to] = session.direction === 'incoming' ? [session.remote.uri, session.local.uri] : [session.local.uri, session.remote.uri];
      log('info', session, 'started', `${session.direction} call ${from} -> ${to} (Call-ID ${session.callId})`, { from, to });
    },
    onStateChanged(session: CallSession, change: SessionStateChange): void {
      const status = change.status === undefined ? '' : ` ${change.status}`;
      log('info', session, 'state', `${change.from} -> ${change.to} (${change.reason}${status})`, {
        from: change.from, to: change.to, reason: change.reason, ...(change.status === undefined ? {} : { status: change.status }),
      });
    },
    onCallEstablished(session: CallSession): void {
      log('info', session, 'established', 'answered');
    },
    onCallEnded(session: CallSession, reason: EndReason): void {
      const at = session.answeredAt;
      const seconds = at === undefined ? undefined : Math.max(0, (Date.now() - at) / 1000);
      log('info', session, 'ended', `ended: ${reason}${seconds === undefined ? ' (unanswered)' : ` after ${seconds.toFixed(1)} s`}`, {
        reason, ...(seconds === undefined ? {} : { durationSeconds: seconds }),
      });
    },
    onDtmf(session: CallSession, event: DtmfEvent): void {
      log('info', session, 'dtmf', `DTMF ${event.digit}`, { digit: event.digit });
    },
    onHold(session: CallSession, event: HoldEvent): void {
      log('info', session, 'hold', `held by ${event.by}`, { by: event.by });
    },
    onResume(session: CallSession, event: HoldEvent): void {
      log('info', session, 'resume', `resumed by ${event.by}`, { by: event.by });
    },
    onQualityAlert(session: CallSession, event: QualityEvent): void {
      const s = event.sample;
      log('warn', session, 'quality', `quality alert: ${event.metrics.join(', ')} (mos ${s.mos?.toFixed(2) ?? '-'}, loss ${s.loss === undefined ? '-' : `${(s.loss * 100).toFixed(1)}%`}, jitter ${s.jitterMs?.toFixed(1) ?? '-'} ms, rtt ${s.rttMs?.toFixed(0) ?? '-'} ms)`, {
        type: event.type, metrics: event.metrics, mos: s.mos, loss: s.loss, jitterMs: s.jitterMs, rttMs: s.rttMs,
      });
    },
    onQualityRecovered(session: CallSession, event: QualityEvent): void {
      log('info', session, 'quality', `quality recovered: ${event.metrics.join(', ')}`, { type: event.type, metrics: event.metrics });
    },
    onMediaTimeout(session: CallSession, event: MediaTimeoutEvent): void {
      log('warn', session, 'media-timeout', `no RTP for ${event.silentForMs} ms (${event.action})`, { silentForMs: event.silentForMs, action: event.action });
    },
  };
}
