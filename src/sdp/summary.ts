import { formatsOf, isTelephoneEvent } from './codecs.js';
import { connectionOf, directionOf, isHoldAddress, parseSdp } from './parse.js';
import type { MediaDirection, NegotiatedCodec } from './types.js';

/** A short, application-facing view of a remote description (e.g. `IncomingCall.remoteSdp`). */
export interface SdpSummary {
  /** Connection address of the first audio stream (media level, else session level). */
  readonly address?: string;
  /** RTP port of the first audio stream; 0 when it was disabled. */
  readonly port?: number;
  /** Audio codecs of the first audio stream, in the sender's order of preference. */
  readonly codecs: readonly NegotiatedCodec[];
  /** Whether RFC 4733 telephone-event was listed. */
  readonly telephoneEvent: boolean;
  /** Direction of the first audio stream as written (`sendrecv` when absent). */
  readonly direction: MediaDirection;
  /** The stream is on hold: `sendonly` / `inactive`, or the RFC 2543 form `c=0.0.0.0`. */
  readonly hold: boolean;
  /** Media types of every m-line, e.g. `['audio', 'video']`. */
  readonly mediaTypes: readonly string[];
}

/**
 * Summarizes a description for the public API: codecs, address, port and direction of its first
 * audio stream, and the kinds of every stream.
 *
 * @throws {@link SdpParseError} when the text is malformed.
 */
export function summarizeSdp(text: string): SdpSummary {
  const session = parseSdp(text);
  const mediaTypes = session.media.map((m) => m.type);
  const audio = session.media.find((m) => m.type === 'audio');
  if (audio === undefined) {
    return { codecs: [], telephoneEvent: false, direction: 'sendrecv', hold: false, mediaTypes };
  }
  const formats = formatsOf(audio);
  const direction = directionOf(session, audio);
  const address = connectionOf(session, audio)?.address;
  return {
    ...(address !== undefined ? { address } : {}),
    port: audio.port,
    codecs: formats.filter((c) => !isTelephoneEvent(c)),
    telephoneEvent: formats.some(isTelephoneEvent),
    direction,
    hold: direction === 'sendonly' || direction === 'inactive' || (address !== undefined && isHoldAddress(address)),
    mediaTypes,
  };
}
