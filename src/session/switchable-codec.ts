/**
 * An RTP codec whose encoder, decoder and payload type can be replaced while the RTP session runs:
 * a re-INVITE or UPDATE from the far end may change the codec of a live call (RFC 3264 §8.3.2)
 * without new ports, a new SSRC or a restart of the sequence numbers.
 *
 * @module
 */
import type { AudioCodec, RtpCodec } from '../media/index.js';

/**
 * The {@link RtpCodec} a session's `RtpSession` is created with. Every read goes to the current
 * codec, so {@link SwitchableRtpCodec.switchTo} takes effect on the next packet sent or received.
 * Only codecs with the same PCM sample rate and RTP clock rate may replace each other (the RTP
 * session derives its timestamp step and frame size from them once).
 */
export class SwitchableRtpCodec implements RtpCodec {
  #codec: AudioCodec;
  #payloadType: number;

  /**
   * @param codec - the codec negotiated first
   * @param payloadType - its RTP payload type
   */
  constructor(codec: AudioCodec, payloadType: number) {
    this.#codec = codec;
    this.#payloadType = payloadType;
  }

  /** The codec in use. */
  get current(): AudioCodec {
    return this.#codec;
  }

  /** RTP payload type sent and accepted. */
  get payloadType(): number {
    return this.#payloadType;
  }

  /** RTP clock rate of the codec in use. */
  get rtpClockRate(): number {
    return this.#codec.rtpClockRate;
  }

  /** PCM sample rate of the codec in use. */
  get sampleRate(): number {
    return this.#codec.sampleRate;
  }

  /** Encoding name of the codec in use. */
  get name(): string {
    return this.#codec.name;
  }

  /** Encode one frame with the codec in use. */
  encode(pcm: Int16Array): Uint8Array {
    return this.#codec.encode(pcm);
  }

  /** Decode one payload with the codec in use. */
  decode(payload: Uint8Array): Int16Array {
    return this.#codec.decode(payload);
  }

  /** True when `codec` can replace the current one without restarting RTP (same rates). */
  compatible(codec: AudioCodec): boolean {
    return codec.sampleRate === this.#codec.sampleRate && codec.rtpClockRate === this.#codec.rtpClockRate;
  }

  /**
   * Use `codec` with `payloadType` from the next packet on.
   * @returns false (nothing changed) when the rates differ, see {@link SwitchableRtpCodec.compatible}
   */
  switchTo(codec: AudioCodec, payloadType: number): boolean {
    if (!this.compatible(codec)) return false;
    this.#codec = codec;
    this.#payloadType = payloadType;
    return true;
  }
}
