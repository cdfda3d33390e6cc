/**
 * Options, events and statistics of an {@link RtpSession} (RFC 3550 §6.4,
 * RFC 4961, RFC 5761).
 *
 * @module
 */
import type { SrtpTransform } from './srtp-transform.js';
import type { Clock } from '../../util/index.js';
import type { DtmfDigitEvent } from '../dtmf/dtmf-receiver.js';
import type { JitterBufferStats, ConcealmentMode } from '../jitter/jitter-buffer.js';
import type { RtcpPacket } from '../rtcp/rtcp-compound.js';
import type { RtpPacket } from '../rtp/rtp-packet.js';
import type { PortAllocator } from '../rtp/port-allocator.js';
import type { ReceiveStatsSnapshot } from '../stats/receive-stats.js';
import type { SiplineError } from '../../util/index.js';

/**
 * The codec contract an RTP session needs: the subset of the media engine's
 * `AudioCodec` used on the RTP path.
 */
export interface RtpCodec {
  /** RTP payload type sent and accepted (RFC 3551 static or negotiated dynamic). */
  readonly payloadType: number;
  /** RTP timestamp clock rate (8000 for G.722 too, RFC 3551 §4.5.2). */
  readonly rtpClockRate: number;
  /** PCM sample rate of `encode` input and `decode` output. */
  readonly sampleRate: number;
  /** Encoding name (e.g. `PCMU`), used to pick E-model impairments. */
  readonly name?: string;
  /** Encode one frame of PCM. */
  encode(pcm: Int16Array): Uint8Array;
  /** Decode one payload to PCM. */
  decode(payload: Uint8Array): Int16Array;
}

/** Where the peer's media goes (from its SDP, later possibly latched). */
export interface RtpRemote {
  /** IP address (IPv4 or IPv6, same family as the local address). */
  readonly address: string;
  /** RTP port. */
  readonly rtpPort: number;
  /** RTCP port (default `rtpPort + 1`, or `rtpPort` when muxed). */
  readonly rtcpPort?: number;
}

/** Options of {@link RtpSession.create}. */
export interface RtpSessionOptions {
  /** The codec to send with and to decode. */
  readonly codec: RtpCodec;
  /** Local address to bind (default `127.0.0.1`). */
  readonly localAddress?: string;
  /** Port allocator to take the ports from (default: a new one over 10000-20000 on `localAddress`). */
  readonly ports?: PortAllocator;
  /** RTP and RTCP on one port (RFC 5761). Default false. */
  readonly rtcpMux?: boolean;
  /** The peer, when already known. */
  readonly remote?: RtpRemote;
  /** Symmetric RTP (RFC 4961): latch onto the address media comes from. Default true. */
  readonly symmetric?: boolean;
  /**
   * Once RTP flows from one address, packets from others are dropped (counted as `foreign`)
   * until that source has been silent this long, ms (default 2000). Guards against injected or
   * hijacking RTP; a new remote address from signalling (`setRemote`) is accepted at once.
   */
  readonly sourceRelockMs?: number;
  /** Consecutive packets from a new address before latching onto it (default 2). */
  readonly latchAfterPackets?: number;
  /** Payload type of telephone-event (RFC 4733), default 101. */
  readonly telephoneEventPayloadType?: number;
  /** Send RTCP reports (default true). */
  readonly rtcp?: boolean;
  /** Minimum RTCP interval in ms (RFC 3550 §6.2 recommends 5000; smaller for tests). */
  readonly rtcpIntervalMs?: number;
  /** Session bandwidth in kbit/s for the RTCP share (default 80: G.711 with headers). */
  readonly sessionBandwidthKbps?: number;
  /** SDES CNAME (default a random token @ the local address). */
  readonly cname?: string;
  /** Source validation probation (RFC 3550 §A.1 MIN_SEQUENTIAL, default 2). */
  readonly minSequential?: number;
  /**
   * Play received audio through an adaptive jitter buffer, one `audio` event
   * per 20 ms tick. Without it, each packet is decoded and emitted on arrival.
   */
  readonly jitterBuffer?: { readonly minDepthMs?: number; readonly maxDepthMs?: number; readonly concealment?: ConcealmentMode } | false;
  /** Clock for every timer (default the system clock). */
  readonly clock?: Clock;
  /** SRTP / SRTCP protection (RFC 3711) with the keys of an SDES exchange; plain RTP when absent. */
  readonly srtp?: SrtpTransform;
}

/** Details of one `audio` event. */
export interface RtpAudioInfo {
  /** `audio` from a packet, `concealed` or `buffering` from the jitter buffer. */
  readonly kind: 'audio' | 'concealed' | 'buffering';
  /** RTP sequence number, or -1 for concealment. */
  readonly sequenceNumber: number;
  /** SSRC of the source. */
  readonly ssrc: number;
}

/** An SSRC change of our own (RFC 3550 §8.2). */
export interface SsrcChange {
  /** The SSRC given up. */
  readonly previous: number;
  /** The new one. */
  readonly current: number;
  /** Why. */
  readonly reason: 'collision';
}

/** A transport address. */
export interface RtpAddress {
  /** IP address. */
  readonly address: string;
  /** UDP port. */
  readonly port: number;
}

/** The event map of an {@link RtpSession}. */
export type RtpSessionEvents = {
  /** Decoded PCM (one frame per packet, or per jitter-buffer tick). */
  audio: [pcm: Int16Array, info: RtpAudioInfo];
  /** Every accepted RTP packet, before decoding (the payload is a view of the datagram). */
  packet: [packet: RtpPacket];
  /** A completed DTMF digit (RFC 4733). */
  dtmf: [event: DtmfDigitEvent];
  /** A received compound RTCP packet. */
  rtcp: [packets: RtcpPacket[]];
  /** Our SSRC changed after a collision. */
  'ssrc-change': [change: SsrcChange];
  /** Symmetric RTP latched onto a new remote address (`kind` says which flow). */
  latch: [kind: 'rtp' | 'rtcp', address: RtpAddress];
  /** A socket error (the session keeps running where it can). */
  error: [error: SiplineError];
};

/** Counters and quality figures of an {@link RtpSession}. */
export interface RtpSessionStats {
  /** Our current SSRC. */
  readonly ssrc: number;
  /** SSRC of the main remote source, once seen. */
  readonly remoteSsrc: number | undefined;
  /** RTP packets sent. */
  readonly packetsOut: number;
  /** RTP octets sent (whole datagrams). */
  readonly bytesOut: number;
  /** RTP packets received and accepted. */
  readonly packetsIn: number;
  /** RTP octets received (whole datagrams). */
  readonly bytesIn: number;
  /** RTCP compound packets sent. */
  readonly rtcpOut: number;
  /** RTCP compound packets received. */
  readonly rtcpIn: number;
  /** Datagrams dropped as unparseable (garbage) on either port. */
  readonly garbage: number;
  /**
   * RTP packets from a transport address other than the one media flows from, dropped while
   * that source is active (see `sourceRelockMs`).
   */
  readonly foreign: number;
  /** Packets of payload types we did not negotiate, dropped. */
  readonly unknownPayloadType: number;
  /** SSRC collisions handled (§8.2). */
  readonly collisions: number;
  /** SRTP/SRTCP packets dropped because their authentication tag did not match (RFC 3711 §3.3 step 5): tampered, injected or keyed differently. */
  readonly srtpAuthFailures: number;
  /** SRTP/SRTCP packets dropped as replayed or older than the replay window (RFC 3711 §3.3.2). */
  readonly srtpReplays: number;
  /** Receive statistics of the main remote source (RFC 3550 §A.1-§A.8). */
  readonly receive: ReceiveStatsSnapshot | undefined;
  /** Fraction lost of the last report interval as we reported it (0-1). */
  readonly fractionLost: number;
  /** Round-trip time from the last report block about us (LSR/DLSR), ms. */
  readonly rttMs: number | undefined;
  /** What the peer last reported about our stream (fraction 0-1, cumulative, jitter in ms). */
  readonly remoteReport: { readonly fractionLost: number; readonly cumulativeLost: number; readonly jitterMs: number } | undefined;
  /** Simplified E-model MOS estimate (see `estimateMos`); `undefined` until a packet was received. */
  readonly mos: number | undefined;
  /** Jitter buffer counters when one is used. */
  readonly jitterBuffer: JitterBufferStats | undefined;
}
