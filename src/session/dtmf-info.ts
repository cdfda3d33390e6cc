/**
 * DTMF over SIP INFO: the `application/dtmf-relay` body (`Signal=5` / `Duration=160`, the de
 * facto format of Cisco and most PBXes) and the `application/dtmf` body (the digit alone), sent
 * and received inside a confirmed dialog (RFC 6086 INFO; the packages are legacy usage, §9).
 *
 * @module
 */
import type { Dialog, IncomingRequest } from '../dialog/index.js';
import type { Clock } from '../util/index.js';
import { DtmfSendError } from './dtmf-error.js';

/** Body types of DTMF INFO requests we accept (`Accept` of the UA core). */
export const DTMF_INFO_TYPES: readonly string[] = Object.freeze(['application/dtmf-relay', 'application/dtmf']);

/** Content-Type of the INFO requests we send. */
export const DTMF_RELAY_TYPE = 'application/dtmf-relay';

/** A digit read from an INFO body. */
export interface InfoDigit {
  /** `0`-`9`, `*`, `#`, `A`-`D`. */
  readonly digit: string;
  /** Duration in ms (0 when the body gave none). */
  readonly durationMs: number;
}

const EVENT_DIGITS = '0123456789*#ABCD';

/** A digit from `5`, `*`, `a`, or an RFC 4733 event code `0`-`15` (`10` = `*`, `11` = `#`). */
function digitOf(text: string): string | undefined {
  const t = text.trim().toUpperCase();
  if (t.length === 1 && EVENT_DIGITS.includes(t)) return t;
  if (/^1[0-5]$/.test(t)) return EVENT_DIGITS[Number(t)];
  return undefined;
}

/**
 * Parse an `application/dtmf-relay` body: `Signal=<digit>` (required) and `Duration=<ms>`
 * (optional), one per line, any letter case and spacing. Undefined when there is no valid Signal.
 */
export function parseDtmfRelay(body: string): InfoDigit | undefined {
  let digit: string | undefined;
  let durationMs = 0;
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key === 'signal') digit = digitOf(value);
    else if (key === 'duration' && /^\d{1,6}$/.test(value)) durationMs = Number(value);
  }
  return digit === undefined ? undefined : { digit, durationMs };
}

/** Parse an `application/dtmf` body: the digit (or event code) alone. */
export function parseApplicationDtmf(body: string): InfoDigit | undefined {
  const digit = digitOf(body);
  return digit === undefined ? undefined : { digit, durationMs: 0 };
}

/** The `application/dtmf-relay` body for one digit. */
export function formatDtmfRelay(digit: string, durationMs: number): string {
  return `Signal=${digit}\r\nDuration=${Math.round(durationMs)}\r\n`;
}

/** The media type of a Content-Type value, lower case, without parameters. */
function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Answer an INFO request inside a dialog: a DTMF body gives 200 and `onDigit`; an INFO without
 * body gives 200; a DTMF body without a valid digit gives 400; any other body type gives 415 with
 * `Accept` (RFC 6086 §4.2.2).
 */
export function answerInfo(request: IncomingRequest, onDigit: (digit: InfoDigit) => void): void {
  const req = request.request;
  if (req.body.length === 0) {
    request.respond(200);
    return;
  }
  const type = mediaType(req.get('Content-Type'));
  const text = req.body.toString('utf8');
  let parsed: InfoDigit | undefined;
  if (type === 'application/dtmf-relay') parsed = parseDtmfRelay(text);
  else if (type === 'application/dtmf') parsed = parseApplicationDtmf(text);
  else {
    request.respond(415, { headers: { Accept: DTMF_INFO_TYPES.join(', ') } });
    return;
  }
  if (parsed === undefined) {
    request.respond(400, { reason: 'Bad Request - no DTMF signal in the body' });
    return;
  }
  request.respond(200);
  onDigit(parsed);
}

/** Options of {@link sendDtmfInfo}. */
export interface InfoSendOptions {
  /** Duration written in each body, ms. */
  readonly durationMs: number;
  /** Pause after each digit's 2xx before the next INFO, ms. */
  readonly gapMs: number;
}

/**
 * Send `digits` one INFO each (`application/dtmf-relay`), waiting for each final response and
 * `duration + gap` before the next digit (the time the key press would take).
 * @throws DtmfSendError when an INFO gets a non-2xx response
 */
export async function sendDtmfInfo(dialog: Dialog, digits: string, options: InfoSendOptions, clock: Clock): Promise<void> {
  for (let i = 0; i < digits.length; i++) {
    const digit = digits[i]!;
    const res = await dialog.request('INFO', { body: formatDtmfRelay(digit, options.durationMs), contentType: DTMF_RELAY_TYPE });
    if (res.status < 200 || res.status >= 300) throw new DtmfSendError(digit, res.status, res.reason);
    if (i < digits.length - 1) {
      const wait = options.durationMs + options.gapMs;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
    }
  }
}
