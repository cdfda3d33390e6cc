/**
 * The observability side of one {@link Session}: its correlation id, its SIP message trace, its
 * quality monitor and its RTP timeout watch, and the context errors of the session carry. The
 * session creates one, tells it when media starts and when the call ends.
 *
 * @module
 */
import type { ExtraHeaders } from '../dialog/index.js';
import type { SipRequest } from '../sip/index.js';
import type { ErrorContext } from '../util/index.js';
import { CallTrace } from './call-trace.js';
import type { SipMessageRouter, SipTrace } from './call-trace.js';
import { callLabel, correlationIdFor } from './correlation.js';
import type { EndReason } from './end-reason.js';
import type { MediaStats } from './media-pipeline.js';
import { QualityMonitor } from './quality-monitor.js';
import type { QualityEvent, QualitySample } from './quality-monitor.js';
import { RtpTimeoutWatch } from './rtp-timeout.js';
import type { MediaTimeoutEvent } from './rtp-timeout.js';
import type { SessionContext } from './session-context.js';
import { SessionState } from './session-state.js';

/** The Reason header (RFC 3326) of the BYE sent when the RTP timeout ends a call. */
export const RTP_TIMEOUT_REASON = 'SIP;cause=408;text="RTP timeout"';

/** Headers of the BYE that ends a call for `reason` (a Reason header for `media-timeout`). */
export function byeHeadersFor(reason: EndReason): { headers?: ExtraHeaders } {
  return reason === 'media-timeout' ? { headers: { Reason: RTP_TIMEOUT_REASON } } : {};
}

/** What the observer needs from its session. */
export interface SessionObserverHost {
  readonly ctx: SessionContext;
  readonly sessionId: string;
  readonly callId: string;
  /** The incoming INVITE (it may carry a correlation id). */
  readonly request?: SipRequest | undefined;
  state(): SessionState;
  /** Who holds the call, when the session knows. */
  held?(): boolean;
  stats(): MediaStats | undefined;
  /** The dialog tags, once a dialog exists. */
  tags(): { readonly localTag: string; readonly remoteTag: string } | undefined;
  emitQuality(event: QualityEvent): void;
  emitMediaTimeout(event: MediaTimeoutEvent): void;
  terminate(reason: EndReason): Promise<void>;
  log(format: string, ...args: unknown[]): void;
}

/** Correlation id, trace, quality monitor and RTP timeout of one session. */
export class SessionObserver {
  /** The call's correlation id. */
  readonly correlationId: string;
  /** `<session id> [<correlation id>]`: the prefix of the call's debug lines. */
  readonly label: string;
  readonly #host: SessionObserverHost;
  readonly #trace: CallTrace | undefined;
  readonly #router: SipMessageRouter | undefined;
  readonly #quality: QualityMonitor | undefined;
  readonly #timeout: RtpTimeoutWatch | undefined;
  #started = false;
  #stopped = false;

  /** @param host - the session's side */
  constructor(host: SessionObserverHost) {
    this.#host = host;
    const config = host.ctx.config;
    this.correlationId = correlationIdFor(config.correlation, host.request);
    this.label = callLabel(host.sessionId, this.correlationId);
    const limits = config.trace;
    this.#trace = limits === undefined || limits.maxMessages === 0 ? undefined : new CallTrace(limits);
    this.#router = host.ctx.sipTap;
    const header = config.correlation?.header;
    this.#router?.observe(host.callId, {
      ...(this.#trace === undefined ? {} : { trace: this.#trace }),
      ...(header === undefined || header === false ? {} : { header: { name: header, value: this.correlationId } }),
    });
    const clock = host.ctx.clock;
    const expecting = (): boolean => {
      const s = host.state();
      return (s === SessionState.Connected || s === SessionState.Transferring) && host.held?.() !== true;
    };
    if (config.quality !== undefined && config.quality.intervalMs > 0) {
      this.#quality = new QualityMonitor({
        thresholds: config.quality,
        clock,
        stats: () => host.stats(),
        ptimeMs: config.media.ptime,
        active: expecting,
        onEvent: (event) => {
          host.log('%s: quality %s: %s (mos %s, loss %s)', this.label, event.type, event.metrics.join(','),
            event.sample.mos?.toFixed(2) ?? '-', event.sample.loss?.toFixed(3) ?? '-');
          host.emitQuality(event);
        },
      });
    }
    const timeoutMs = config.media.rtpTimeoutMs ?? 0;
    if (timeoutMs > 0) {
      const action = config.media.rtpTimeoutAction ?? 'event';
      this.#timeout = new RtpTimeoutWatch({
        timeoutMs,
        clock,
        stats: () => host.stats(),
        expecting,
        onTimeout: (silentForMs) => {
          host.log('%s: no RTP for %d ms (%s)', this.label, silentForMs, action);
          host.emitMediaTimeout(Object.freeze({ silentForMs, timeoutMs, action }));
          if (action === 'hangup') host.terminate('media-timeout').catch((err: unknown) => host.log('%s: hang-up on RTP timeout failed: %O', this.label, err));
        },
      });
    }
  }

  /** The call's SIP messages so far (empty when tracing is off). */
  trace(): SipTrace {
    return this.#trace?.snapshot() ?? Object.freeze({ messages: Object.freeze([]), dropped: 0 });
  }

  /** The last quality sample, if any. */
  get lastQuality(): QualitySample | undefined {
    return this.#quality?.last;
  }

  /** Media runs: start sampling quality and watching for RTP. Once. */
  mediaStarted(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#quality?.start();
    this.#timeout?.start();
  }

  /** The call ends: stop the timers; late SIP messages are still traced for a while. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#quality?.stop();
    this.#timeout?.stop();
    this.#router?.release(this.#host.callId);
  }

  /** What errors of this session carry: ids, state, tags, correlation id. */
  errorContext(status?: number): ErrorContext {
    const tags = this.#host.tags();
    return {
      sessionId: this.#host.sessionId,
      sessionState: this.#host.state(),
      callId: this.#host.callId,
      ...(tags === undefined ? {} : { localTag: tags.localTag, remoteTag: tags.remoteTag }),
      ...(status === undefined ? {} : { status }),
      correlationId: this.correlationId,
    };
  }
}
