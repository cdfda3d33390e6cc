/**
 * `message/sipfrag` bodies (RFC 3420) as used by the NOTIFYs of a REFER subscription
 * (RFC 3515 §2.4.5): the status line of the response the referred request got.
 *
 * @module
 */
import { InvalidArgumentError } from '../util/index.js';

/** Media type of a REFER progress body (RFC 3420 §2, with the version RFC 3515 §2.4.5 shows). */
export const SIPFRAG_CONTENT_TYPE = 'message/sipfrag;version=2.0';

/** The status line carried by a sipfrag body: `SIP/2.0 200 OK`. */
export interface SipfragStatus {
  /** Status code, 100-699. */
  readonly status: number;
  /** Reason phrase (may be empty). */
  readonly reason: string;
}

const STATUS_LINE = /^SIP\/2\.0[ \t]+(\d{3})(?:[ \t]+([^\r\n]*))?$/i;
/** Longest first line looked at: a status line is short; anything longer is refused. */
const MAX_LINE = 1024;

/**
 * Read the status line at the start of a `message/sipfrag` body (RFC 3420 §2, RFC 3515 §2.4.5).
 * Only the start line matters for REFER progress; header lines after it are ignored.
 * @throws InvalidArgumentError when the body does not start with a SIP/2.0 status line (100-699)
 */
export function parseSipfrag(body: Buffer | string): SipfragStatus {
  const text = typeof body === 'string' ? body : body.subarray(0, MAX_LINE + 2).toString('latin1');
  const end = text.search(/\r?\n/);
  const line = (end < 0 ? text : text.slice(0, end)).trim();
  if (line.length > MAX_LINE) throw new InvalidArgumentError('sipfrag', 'status line too long');
  const m = STATUS_LINE.exec(line);
  const status = m === null ? NaN : Number(m[1]);
  if (m === null || status < 100 || status > 699) {
    throw new InvalidArgumentError('sipfrag', `not a SIP/2.0 status line: "${line.slice(0, 60)}"`);
  }
  return Object.freeze({ status, reason: (m[2] ?? '').trim() });
}

/** The sipfrag body for a status: `SIP/2.0 180 Ringing\r\n` (RFC 3515 §2.4.5). Never mutates anything. */
export function formatSipfrag(status: number, reason: string): string {
  if (!Number.isInteger(status) || status < 100 || status > 699) throw new InvalidArgumentError('status', `bad status ${status}`);
  return `SIP/2.0 ${status} ${reason.replace(/[\r\n]/g, ' ')}\r\n`;
}
