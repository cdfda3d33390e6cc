/**
 * Correlation ids: one id per call that joins every log line and event of that call, and (with
 * `correlation.header`) the logs of both ends of the call (see docs/observability.md).
 *
 * @module
 */
import createDebug from 'debug';
import type { SipRequest } from '../sip/index.js';
import type { ResolvedConfig } from './config-types.js';
import { defaultCorrelationId } from './config-observability.js';

const debug = createDebug('sipline:session');

/** Longest correlation id accepted from a header or a generator. */
export const MAX_CORRELATION_ID_LENGTH = 128;
/** What a correlation id may contain: printable ASCII without spaces, quotes or separators of SIP. */
const SAFE_ID = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x7e]+$/;

/** True when `value` is usable as a correlation id (1-128 safe printable characters). */
export function isCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CORRELATION_ID_LENGTH && SAFE_ID.test(value);
}

/**
 * The correlation id of a new call: the one the incoming INVITE carries in the configured header
 * (when valid), else a new one from the configured generator (the default generator when it
 * throws or returns something unusable).
 */
export function correlationIdFor(config: ResolvedConfig['correlation'] | undefined, request?: SipRequest): string {
  const header = config?.header;
  if (header !== undefined && header !== false && request !== undefined) {
    const carried = request.get(header)?.trim();
    if (isCorrelationId(carried)) return carried;
  }
  const generate = config?.generate;
  if (generate !== undefined && generate !== defaultCorrelationId) {
    try {
      const id = generate();
      if (isCorrelationId(id)) return id;
      debug('correlation.generate returned an unusable id (%o); using a random one', id);
    } catch (err) {
      debug('correlation.generate threw; using a random id: %O', err);
    }
  }
  return defaultCorrelationId();
}

/** The prefix of every debug line of a call: `<session id> [<correlation id>]`. */
export function callLabel(sessionId: string, correlationId: string): string {
  return `${sessionId} [${correlationId}]`;
}
