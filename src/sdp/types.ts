import type { NegotiatedSrtp } from './sdes.js';

/**
 * Direction of a media stream, from the point of view of the side that wrote the description
 * (RFC 4566 §6, RFC 3264 §5.1). Absent attributes mean `sendrecv`.
 */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * One audio format we can send and receive, described independently of the media engine (the
 * session layer maps `media` codecs to these descriptors).
 *
 * `name` is the RTP encoding name (RFC 3551 §6, IANA registry), compared case-insensitively:
 * `'PCMU'`, `'PCMA'`, `'G722'`, `'telephone-event'`, ...
 */
export interface CodecCapability {
  /** Encoding name as in `a=rtpmap`, e.g. `PCMU` or `telephone-event`. */
  readonly name: string;
  /** RTP clock rate in Hz (8000 for G.722 per RFC 3551 §4.5.2, although it samples at 16 kHz). */
  readonly clockRate: number;
  /** Audio channels; 1 when absent. */
  readonly channels?: number;
  /**
   * Payload type: the static number of RFC 3551 (0-95), or a preferred dynamic number (96-127)
   * used in our offers when free. Static encodings are recognised by name when absent.
   */
  readonly payloadType?: number;
  /** Format parameters (`a=fmtp`), e.g. `0-16` for telephone-event. */
  readonly fmtp?: string;
}

/** A codec agreed by offer/answer, with the payload type to use on the wire. */
export interface NegotiatedCodec {
  /** Encoding name, as written by the remote side (case preserved). */
  readonly name: string;
  /** RTP clock rate in Hz. */
  readonly clockRate: number;
  /** Audio channels (1 unless stated). */
  readonly channels: number;
  /** Payload type number to put in (and expect in) RTP packets. */
  readonly payloadType: number;
  /** Format parameters, when the description had any. */
  readonly fmtp?: string;
}

/**
 * Result of an offer/answer exchange for the one audio stream sipline plays (RFC 3264), seen from
 * our side. Built by `createAnswer` for the answerer and by `applyAnswer` for the offerer.
 */
export interface NegotiatedMedia {
  /** Index of the accepted m-line in the description. */
  readonly mediaIndex: number;
  /** The codec to send with: the first codec of the answer (RFC 3264 §6.1, §7). */
  readonly codec: NegotiatedCodec;
  /** Every codec of the answer, in its order; we must be ready to receive any of them. */
  readonly codecs: readonly NegotiatedCodec[];
  /** RFC 4733 telephone-event at the selected codec's clock rate, when both sides support it. */
  readonly telephoneEvent?: NegotiatedCodec;
  /** Where to send RTP. */
  readonly remoteAddress: string;
  /** Remote RTP port. */
  readonly remotePort: number;
  /** Where to send RTCP (`a=rtcp` of RFC 3605, else the RTP address). */
  readonly remoteRtcpAddress: string;
  /** Remote RTCP port (`a=rtcp`, the RTP port under rtcp-mux, else RTP port + 1). */
  readonly remoteRtcpPort: number;
  /** RTP and RTCP share one port (RFC 5761): offered and answered. */
  readonly rtcpMux: boolean;
  /** Our own direction: whether we send, receive, both or neither. */
  readonly direction: MediaDirection;
  /** The direction the remote side wrote (legacy `c=0.0.0.0` hold folded in, see `remoteHold`). */
  readonly remoteDirection: MediaDirection;
  /**
   * The remote side has put us on hold: it declined to receive media we were ready to send
   * (`sendonly` / `inactive`, or the RFC 2543 `c=0.0.0.0` form).
   */
  readonly remoteHold: boolean;
  /** The remote used the RFC 2543 hold form `c=0.0.0.0` (RFC 3264 §8.4). */
  readonly legacyHold: boolean;
  /** Packetization time to send with, in ms (the remote's `a=ptime`, else our default). */
  readonly ptime: number;
  /** SRTP keys agreed with SDES (RFC 4568), when the stream is protected; absent for plain RTP. */
  readonly srtp?: NegotiatedSrtp;
}
