/**
 * The RFC 4733 §2.3 telephone-event payload and the DTMF event codes of
 * RFC 4733 §3.2.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * @module
 */
import { InvalidArgumentError, SiplineError } from '../../util/index.js';

/** A DTMF digit: 0-9, `*`, `#`, A-D. */
export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

const DIGITS = '0123456789*#ABCD';

/** Event code of a digit (RFC 4733 §3.2, table 7). @throws InvalidArgumentError for anything else */
export function dtmfEventCode(digit: string): number {
  const i = digit.length === 1 ? DIGITS.indexOf(digit.toUpperCase()) : -1;
  if (i < 0) throw new InvalidArgumentError('digit', `not a DTMF digit: ${JSON.stringify(digit)}`);
  return i;
}

/** Digit of an event code 0-15, or `undefined` for non-DTMF events (flash, tones). */
export function dtmfDigitOf(code: number): DtmfDigit | undefined {
  return code >= 0 && code < 16 ? (DIGITS[code] as DtmfDigit) : undefined;
}

/** A decoded telephone-event payload. */
export interface TelephoneEvent {
  /** Event code (0-255). */
  readonly event: number;
  /** The E (end) bit. */
  readonly end: boolean;
  /** Power level in -dBm0, 0-63 (larger is quieter). */
  readonly volume: number;
  /** Duration so far, in timestamp units. */
  readonly duration: number;
}

/** A telephone-event payload shorter than 4 octets (RFC 4733 §2.3). */
export class TelephoneEventParseError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_TELEPHONE_EVENT_PARSE';

  /** @param length - the payload length received */
  constructor(length: number) {
    super('ERR_TELEPHONE_EVENT_PARSE', `telephone-event payload of ${length} octets, needs 4`);
  }
}

/** Parse the first event of a telephone-event payload (RFC 4733 §2.3). @throws TelephoneEventParseError */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  if (payload.length < 4) throw new TelephoneEventParseError(payload.length);
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/** Serialize a telephone-event payload into 4 new octets (R bit zero). */
export function serializeTelephoneEvent(ev: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = ev.event & 0xff;
  out[1] = (ev.end ? 0x80 : 0) | (ev.volume & 0x3f);
  out[2] = (ev.duration >> 8) & 0xff;
  out[3] = ev.duration & 0xff;
  return out;
}
