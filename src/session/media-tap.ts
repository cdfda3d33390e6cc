/**
 * A raw RTP tap on one session's media, for bridges and relays (`sipline/advanced`): the RTP
 * packets received (payload type, sequence number, timestamp, marker, payload), encoded payloads
 * sent with the session's own SSRC, sequence numbers and timestamps (RFC 3550 §7.1: a translator
 * that keeps one SSRC per leg), DTMF sent as RFC 4733 events, and the local frame pacer suspended
 * while a relay feeds the session. Decoded audio stays on the sinks and sources of the session.
 *
 * Internal: reachable from `src/advanced/` through the session layer's door only.
 *
 * @module
 * @internal
 */
import { createCodec } from '../media/index.js';
import type { AudioCodec, RtpPacket, RtpSession, SendDtmfOptions } from '../media/index.js';
import { InvalidStateError, TypedEmitter } from '../util/index.js';

/** One RTP packet as received (RFC 3550 §5.1 fields). The payload is only valid during the call. */
export interface TappedPacket {
  /** Payload type: the negotiated codec's, or telephone-event's. */
  readonly payloadType: number;
  /** 16-bit sequence number. */
  readonly sequenceNumber: number;
  /** 32-bit timestamp, in the codec's RTP clock. */
  readonly timestamp: number;
  /** Marker bit (start of a talkspurt for audio, RFC 3551 §4.1). */
  readonly marker: boolean;
  /** SSRC of the sender. */
  readonly ssrc: number;
  /** The payload bytes (a view of the datagram: copy it to keep it). */
  readonly payload: Uint8Array;
}

/** The codec a tapped session runs with. */
export interface TapCodec {
  /** Encoding name, e.g. `PCMU`. */
  readonly name: string;
  /** Negotiated RTP payload type of the audio. */
  readonly payloadType: number;
  /** Negotiated telephone-event payload type, when RFC 4733 was agreed. */
  readonly telephoneEventPayloadType: number | undefined;
  /** RTP clock rate (8000 for G.722 too). */
  readonly rtpClockRate: number;
  /** PCM rate of the codec (8000 or 16000). */
  readonly sampleRate: number;
  /** The media engine's codec (a fresh instance per call: its state belongs to the caller). */
  create(): AudioCodec;
}

/** Counters of a {@link MediaTap}. */
export interface MediaTapStats {
  /** Audio packets seen by packet listeners. */
  readonly packetsIn: number;
  /** Payloads sent through {@link MediaTap.send}. */
  readonly packetsOut: number;
  /** Payloads dropped by {@link MediaTap.send} (DTMF playing, no remote yet, media closed). */
  readonly dropped: number;
}

/** Events of a {@link MediaTap}. */
export type MediaTapEvents = {
  /** The media started: {@link MediaTap.codec} is known and packets flow. */
  running: [codec: TapCodec];
  /** The codec changed while media runs (a re-INVITE). */
  codec: [codec: TapCodec];
  /** The media closed. */
  closed: [];
};

type PacketListener = (packet: TappedPacket) => void;

/**
 * The tap of one media pipeline. Created with the pipeline, attached to its RTP session when
 * media starts, detached when it closes.
 */
export class MediaTap extends TypedEmitter<MediaTapEvents> {
  readonly #listeners = new Set<PacketListener>();
  #rtp: RtpSession | undefined;
  #codec: TapCodec | undefined;
  #suspended = 0;
  #dtmfBusy = 0;
  #closed = false;
  #maySend: () => boolean = () => true;
  #c = { packetsIn: 0, packetsOut: 0, dropped: 0 };
  readonly #onPacket = (pkt: RtpPacket): void => {
    if (pkt.payloadType === this.#codec?.payloadType) this.#c.packetsIn++;
    for (const l of this.#listeners) l(pkt);
  };

  constructor() {
    super();
    this.setListenerErrorHandler(() => undefined);
  }

  /** The codec, once media runs; `undefined` before and after. */
  get codec(): TapCodec | undefined {
    return this.#closed ? undefined : this.#codec;
  }

  /** True while media runs. */
  get running(): boolean {
    return this.#rtp !== undefined && !this.#closed && !this.#rtp.closed;
  }

  /** True after the media closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True while at least one {@link MediaTap.suspendPacer} is in force. */
  get pacerSuspended(): boolean {
    return this.#suspended > 0;
  }

  /** Counters. */
  get stats(): MediaTapStats {
    return { ...this.#c };
  }

  /** Hook the RTP session once media started. @internal (MediaPipeline) */
  attach(
    rtp: RtpSession, codec: AudioCodec, payloadType: number, telephoneEventPayloadType: number | undefined,
    maySend: () => boolean = () => true,
  ): void {
    this.#rtp = rtp;
    this.#maySend = maySend;
    const name = codec.name;
    this.#codec = Object.freeze({
      name,
      payloadType,
      telephoneEventPayloadType,
      rtpClockRate: codec.rtpClockRate,
      sampleRate: codec.sampleRate,
      create: () => createCodec(name),
    });
    if (this.#listeners.size > 0) rtp.on('packet', this.#onPacket);
    this.safeEmit('running', this.#codec);
  }

  /** The codec changed in place (a re-INVITE, RFC 3264 §8.3.2). @internal (MediaPipeline) */
  retune(codec: AudioCodec, payloadType: number): void {
    const current = this.#codec;
    if (this.#closed || current === undefined) return;
    const name = codec.name;
    this.#codec = Object.freeze({
      ...current, name, payloadType, rtpClockRate: codec.rtpClockRate, sampleRate: codec.sampleRate, create: () => createCodec(name),
    });
    this.safeEmit('codec', this.#codec);
  }

  /** The media closed. @internal (MediaPipeline) */
  detach(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rtp?.off('packet', this.#onPacket);
    this.#listeners.clear();
    this.safeEmit('closed');
    this.removeAllListeners();
  }

  /**
   * Receive every accepted RTP packet (audio and telephone-event) from now on. Returns the
   * function that stops it.
   */
  onPacket(listener: PacketListener): () => void {
    if (this.#closed) return () => undefined;
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#rtp?.on('packet', this.#onPacket);
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (this.#listeners.size === 0) this.#rtp?.off('packet', this.#onPacket);
    };
  }

  /**
   * Send an encoded payload of the session's codec with the session's SSRC and next sequence
   * number, then advance the timestamp by `timestampAdvance` (RFC 3550 §5.1). Dropped (returns
   * false) while a DTMF event plays (RFC 4733 §2.5.1.1), while the negotiated direction forbids
   * sending (held by the far end, RFC 3264 §8.4), before the remote is known, or after close.
   */
  send(payload: Uint8Array, timestampAdvance: number, marker = false): boolean {
    const rtp = this.#rtp;
    if (rtp === undefined || rtp.closed || this.#closed || this.#dtmfBusy > 0 || !this.#maySend()) {
      this.#c.dropped++;
      return false;
    }
    const ok = rtp.sendPayload(payload, timestampAdvance, marker);
    if (ok) this.#c.packetsOut++;
    else this.#c.dropped++;
    return ok;
  }

  /**
   * Send DTMF digits as RFC 4733 events; payloads given to {@link MediaTap.send} meanwhile are
   * dropped.
   * @throws InvalidStateError unless media runs
   */
  async sendDtmf(digits: string, options?: SendDtmfOptions): Promise<void> {
    const rtp = this.#rtp;
    if (rtp === undefined || rtp.closed || this.#closed) throw new InvalidStateError('sendDtmf: media is not running');
    this.#dtmfBusy++;
    try {
      await rtp.sendDtmf(digits, options);
    } finally {
      this.#dtmfBusy--;
    }
  }

  /**
   * Stop the session's own frame pacer (nothing played is sent) until the returned function is
   * called. Suspensions nest.
   */
  suspendPacer(): () => void {
    this.#suspended++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#suspended--;
    };
  }
}

const taps = new WeakMap<object, MediaTap>();

/** Record the tap of a session's media. @internal (Session) */
export function registerMediaTap(session: object, tap: MediaTap): void {
  taps.set(session, tap);
}

/** The raw RTP tap of an engine session's media, or `undefined` when it has no media. @internal */
export function mediaTapOf(session: object): MediaTap | undefined {
  return taps.get(session);
}
