import type { MediaDescription } from 'sdp-transform';
import type { CodecCapability, NegotiatedCodec } from './types.js';

/**
 * Static audio payload types of RFC 3551 §6, Table 4: payload type -> encoding, clock rate and
 * channels. A description may use these numbers without an `a=rtpmap` line.
 */
export const STATIC_AUDIO_PAYLOAD_TYPES: ReadonlyMap<number, NegotiatedCodec> = new Map(
  (
    [
      [0, 'PCMU', 8000, 1],
      [3, 'GSM', 8000, 1],
      [4, 'G723', 8000, 1],
      [5, 'DVI4', 8000, 1],
      [6, 'DVI4', 16000, 1],
      [7, 'LPC', 8000, 1],
      [8, 'PCMA', 8000, 1],
      [9, 'G722', 8000, 1],
      [10, 'L16', 44100, 2],
      [11, 'L16', 44100, 1],
      [12, 'QCELP', 8000, 1],
      [13, 'CN', 8000, 1],
      [14, 'MPA', 90000, 1],
      [15, 'G728', 8000, 1],
      [16, 'DVI4', 11025, 1],
      [17, 'DVI4', 22050, 1],
      [18, 'G729', 8000, 1],
    ] as const
  ).map(([payloadType, name, clockRate, channels]) => [
    payloadType,
    Object.freeze({ name, clockRate, channels, payloadType }),
  ]),
);

/** Name of the RFC 4733 event payload format. */
export const TELEPHONE_EVENT = 'telephone-event';

/** Payload type we prefer for telephone-event in offers (the common choice of most stacks). */
export const DEFAULT_TELEPHONE_EVENT_PT = 101;

/** Events we offer for telephone-event: DTMF 0-9, *, #, A-D and flash (RFC 4733 §3.2). */
export const DEFAULT_TELEPHONE_EVENT_FMTP = '0-16';

/**
 * The audio formats sipline's media engine handles, in a sensible default order: G.711 mu-law and
 * A-law, G.722, and RFC 4733 telephone-event at 8 kHz.
 */
export const DEFAULT_CODECS: readonly CodecCapability[] = Object.freeze([
  Object.freeze({ name: 'PCMU', clockRate: 8000, payloadType: 0 }),
  Object.freeze({ name: 'PCMA', clockRate: 8000, payloadType: 8 }),
  Object.freeze({ name: 'G722', clockRate: 8000, payloadType: 9 }),
  Object.freeze({
    name: TELEPHONE_EVENT,
    clockRate: 8000,
    payloadType: DEFAULT_TELEPHONE_EVENT_PT,
    fmtp: DEFAULT_TELEPHONE_EVENT_FMTP,
  }),
]);

/** True for the RFC 4733 telephone-event format (case-insensitive). */
export function isTelephoneEvent(codec: { readonly name: string }): boolean {
  return codec.name.toLowerCase() === TELEPHONE_EVENT;
}

/**
 * Do two descriptors name the same RTP format? RFC 3264 §6.1 matches by encoding name
 * (case-insensitive, RFC 4855 §3), clock rate and channel count (1 when absent).
 */
export function sameFormat(
  a: { readonly name: string; readonly clockRate: number; readonly channels?: number },
  b: { readonly name: string; readonly clockRate: number; readonly channels?: number },
): boolean {
  return (
    a.name.toLowerCase() === b.name.toLowerCase() &&
    a.clockRate === b.clockRate &&
    (a.channels ?? 1) === (b.channels ?? 1)
  );
}

/** The RFC 3551 static payload type for a format, or `undefined` when it has none. */
export function staticPayloadTypeOf(codec: CodecCapability): number | undefined {
  for (const [pt, known] of STATIC_AUDIO_PAYLOAD_TYPES) {
    if (sameFormat(known, codec)) return pt;
  }
  return undefined;
}

/**
 * The format tokens of an m-line, in order. sdp-transform turns a single numeric format into a
 * number, so the field is read as text here.
 */
export function formatTokens(media: MediaDescription): string[] {
  const text = media.payloads === undefined || media.payloads === null ? '' : String(media.payloads);
  return text.trim().split(/\s+/).filter((t) => t !== '');
}

/**
 * The formats an m-line lists, in its order (the order of preference, RFC 3264 §5.1), resolved
 * through `a=rtpmap` and `a=fmtp`, with static payload types filled in from RFC 3551 when the
 * rtpmap is missing (or from `fallback`, the formats of the offer an answer responds to, whose
 * numbers an answer may reuse without repeating the rtpmap). Payload types that stay unknown, and
 * non-numeric formats, are skipped.
 */
export function formatsOf(media: MediaDescription, fallback: readonly NegotiatedCodec[] = []): NegotiatedCodec[] {
  const out: NegotiatedCodec[] = [];
  const seen = new Set<number>();
  for (const token of formatTokens(media)) {
    if (!/^\d{1,3}$/.test(token)) continue;
    const pt = Number(token);
    if (pt > 127 || seen.has(pt)) continue;
    seen.add(pt);
    const map = media.rtp.find((r) => r.payload === pt);
    const fmtp = media.fmtp.find((f) => f.payload === pt)?.config;
    let codec: NegotiatedCodec | undefined;
    if (map !== undefined && map.rate !== undefined) {
      codec = { name: map.codec, clockRate: map.rate, channels: map.encoding ?? 1, payloadType: pt };
    } else {
      const known = fallback.find((f) => f.payloadType === pt) ?? STATIC_AUDIO_PAYLOAD_TYPES.get(pt);
      if (known !== undefined) codec = { ...known };
    }
    if (codec === undefined) continue;
    out.push(fmtp === undefined ? codec : { ...codec, fmtp });
  }
  return out;
}

/**
 * Parses a telephone-event fmtp event list (`0-15,66,70`, RFC 4733 §2.4.1) into a set of event
 * codes. Unreadable items are ignored; an absent list means 0-15 (RFC 4733 §7.1.1).
 */
export function parseEventList(fmtp: string | undefined): Set<number> {
  const events = new Set<number>();
  const list = fmtp === undefined || fmtp.trim() === '' ? '0-15' : fmtp;
  for (const item of list.split(',')) {
    const m = /^\s*(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*$/.exec(item);
    if (m === null) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let e = from; e <= Math.min(to, 255); e++) events.add(e);
  }
  return events;
}

/** Writes a set of event codes back as a compact list with ranges, e.g. `0-15,66`. */
export function formatEventList(events: ReadonlySet<number>): string {
  const sorted = [...events].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
