/**
 * Validation and defaults of the observability options: `quality`, `trace`, `correlation`, and
 * the RTP timeout options of `media` (see docs/observability.md).
 *
 * @module
 */
import { randomToken } from '../util/index.js';
import { checkChoice } from './config-choice.js';
import { checkInteger, checkSection, describe } from './config-checks.js';
import type { ResolvedConfig, RtpTimeoutAction } from './config-types.js';
import { ConfigError } from './errors.js';

/** Defaults of the observability options. */
export const OBSERVABILITY_DEFAULTS = Object.freeze({
  rtpTimeoutMs: 30_000,
  rtpTimeoutAction: 'event' as RtpTimeoutAction,
  quality: Object.freeze({ intervalMs: 5000, mosBelow: 3.5, lossAbove: 0.05, jitterAboveMs: 60, rttAboveMs: 400 }),
  trace: Object.freeze({ maxMessages: 200, maxBytes: 256 * 1024 }),
});

/** The default correlation id generator: 16 random URL-safe characters. */
export function defaultCorrelationId(): string {
  return randomToken(16);
}

const RTP_TIMEOUT_ACTIONS: readonly RtpTimeoutAction[] = Object.freeze(['hangup', 'event'] as const);
/** RFC 3261 §25.1 token characters: what a header name may be made of. */
const HEADER_NAME = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** Headers the stack writes itself: the correlation header must not be one of them. */
const RESERVED = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'contact', 'content-length', 'content-type', 'max-forwards', 'route', 'record-route']);

/** Resolve `media.rtpTimeoutMs` and `media.rtpTimeoutAction` from the media section. */
export function resolveRtpTimeout(m: Record<string, unknown>): Pick<ResolvedConfig['media'], 'rtpTimeoutMs' | 'rtpTimeoutAction'> {
  let rtpTimeoutMs: number = OBSERVABILITY_DEFAULTS.rtpTimeoutMs;
  if (m.rtpTimeoutMs !== undefined) {
    rtpTimeoutMs = checkInteger(m.rtpTimeoutMs, 'media.rtpTimeoutMs', 0, 3_600_000);
    if (rtpTimeoutMs > 0 && rtpTimeoutMs < 1000) throw new ConfigError('media.rtpTimeoutMs', `must be 0 (off) or at least 1000, got ${rtpTimeoutMs}`);
  }
  return {
    rtpTimeoutMs,
    rtpTimeoutAction: checkChoice(m.rtpTimeoutAction, 'media.rtpTimeoutAction', RTP_TIMEOUT_ACTIONS, OBSERVABILITY_DEFAULTS.rtpTimeoutAction),
  };
}

function checkNumber(value: unknown, path: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(path, `must be a number, got ${describe(value)}`);
  if (value < min || value > max) throw new ConfigError(path, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Resolve the `quality` section. */
export function resolveQuality(value: unknown): ResolvedConfig['quality'] {
  const q = value === undefined ? {} : checkSection(value, 'quality', ['intervalMs', 'mosBelow', 'lossAbove', 'jitterAboveMs', 'rttAboveMs']);
  const d = OBSERVABILITY_DEFAULTS.quality;
  const intervalMs = q.intervalMs === undefined ? d.intervalMs : checkInteger(q.intervalMs, 'quality.intervalMs', 0, 600_000);
  if (intervalMs > 0 && intervalMs < 100) throw new ConfigError('quality.intervalMs', `must be 0 (off) or at least 100, got ${intervalMs}`);
  return {
    intervalMs,
    mosBelow: checkNumber(q.mosBelow, 'quality.mosBelow', 1, 4.5, d.mosBelow),
    lossAbove: checkNumber(q.lossAbove, 'quality.lossAbove', 0, 1, d.lossAbove),
    jitterAboveMs: checkNumber(q.jitterAboveMs, 'quality.jitterAboveMs', 0, 60_000, d.jitterAboveMs),
    rttAboveMs: checkNumber(q.rttAboveMs, 'quality.rttAboveMs', 0, 60_000, d.rttAboveMs),
  };
}

/** Resolve the `trace` section. */
export function resolveTrace(value: unknown): ResolvedConfig['trace'] {
  const t = value === undefined ? {} : checkSection(value, 'trace', ['maxMessages', 'maxBytes']);
  const d = OBSERVABILITY_DEFAULTS.trace;
  return {
    maxMessages: t.maxMessages === undefined ? d.maxMessages : checkInteger(t.maxMessages, 'trace.maxMessages', 0, 10_000),
    maxBytes: t.maxBytes === undefined ? d.maxBytes : checkInteger(t.maxBytes, 'trace.maxBytes', 0, 16 * 1024 * 1024),
  };
}

/** Resolve the `correlation` section. */
export function resolveCorrelation(value: unknown): ResolvedConfig['correlation'] {
  const c = value === undefined ? {} : checkSection(value, 'correlation', ['generate', 'header']);
  if (c.generate !== undefined && typeof c.generate !== 'function') {
    throw new ConfigError('correlation.generate', `must be a function returning a string, got ${describe(c.generate)}`);
  }
  let header: string | false = false;
  if (c.header !== undefined && c.header !== false) {
    if (typeof c.header !== 'string' || !HEADER_NAME.test(c.header)) {
      throw new ConfigError('correlation.header', `must be a header name (letters, digits, '-') or false, got ${describe(c.header)}`);
    }
    if (RESERVED.has(c.header.toLowerCase())) throw new ConfigError('correlation.header', `${c.header} is written by the SIP stack itself`);
    header = c.header;
  }
  return { generate: (c.generate as (() => string) | undefined) ?? defaultCorrelationId, header };
}
