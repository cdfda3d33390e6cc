/**
 * The codec contract of the media engine. Everything that turns 16-bit PCM into
 * RTP payload and back implements {@link AudioCodec}, so that RTP sessions, SDP
 * negotiation and transcoding never special-case a codec.
 *
 * @packageDocumentation
 */

/** Codec names as they appear in SDP `a=rtpmap` (RFC 3551 §6, Table 4). */
export type CodecName = 'PCMU' | 'PCMA' | 'G722';

/**
 * What SDP needs to offer a codec (RFC 4566 §6 `a=rtpmap`, RFC 3551 §6): the
 * encoding name, the RTP clock rate, the channel count and the static payload
 * type.
 */
export interface CodecDescriptor {
  /** Encoding name of `a=rtpmap`, e.g. `PCMU`. */
  readonly encodingName: CodecName;
  /** RTP timestamp clock rate (8000 for G.722 too, RFC 3551 §4.5.2). */
  readonly clockRate: number;
  /** Audio channels (always 1 here). */
  readonly channels: number;
  /** Static RTP payload type (RFC 3551 Table 4): PCMU 0, PCMA 8, G722 9. */
  readonly payloadType: number;
}

/**
 * One direction of a codec: turns PCM frames into payloads. Stateful codecs
 * (G.722 ADPCM) keep their state here, so each outgoing stream needs its own.
 */
export interface AudioEncoder {
  /**
   * Encode one frame of PCM at the codec's {@link AudioCodec.sampleRate}.
   * @throws {@link CodecError} (`bad-frame`) when the frame length cannot be coded
   */
  encode(pcm: Int16Array): Buffer;
  /**
   * Allocation-free variant: encode into `out` from offset 0 and return the number
   * of payload bytes written. `out` must hold {@link AudioCodec.payloadBytes} bytes.
   */
  encodeInto(pcm: Int16Array, out: Uint8Array): number;
  /** Forget all state, as at the start of a new stream. */
  reset(): void;
}

/**
 * One direction of a codec: turns payloads back into PCM. Stateful codecs keep
 * their state here, so each incoming stream needs its own.
 */
export interface AudioDecoder {
  /** Decode one payload into PCM at the codec's {@link AudioCodec.sampleRate}. */
  decode(payload: Uint8Array): Int16Array;
  /**
   * Allocation-free variant: decode into `out` from index 0 and return the number
   * of samples written. `out` must hold {@link AudioCodec.pcmSamples} samples.
   */
  decodeInto(payload: Uint8Array, out: Int16Array): number;
  /** Forget all state, as at the start of a new stream. */
  reset(): void;
}

/**
 * An audio codec bound to one RTP stream pair: its {@link AudioCodec.encode} and
 * {@link AudioCodec.decode} keep separate state (one encoder for what we send,
 * one decoder for what we receive). Create one instance per call with
 * `createCodec`; never share an instance between calls, because G.722's ADPCM
 * predictor state belongs to a single stream (ITU-T G.722 §3 and §4).
 */
export interface AudioCodec extends CodecDescriptor {
  /** Same as {@link CodecDescriptor.encodingName}. */
  readonly name: CodecName;
  /** RTP clock rate; same as {@link CodecDescriptor.clockRate}. */
  readonly rtpClockRate: number;
  /** PCM sample rate of encoder input and decoder output (8000 or 16000 Hz). */
  readonly sampleRate: number;
  /** PCM samples in one frame of `ptimeMs` milliseconds (20 ms is the RTP default). */
  frameSamples(ptimeMs: number): number;
  /** Payload bytes produced from `pcmSamples` PCM samples. */
  payloadBytes(pcmSamples: number): number;
  /** PCM samples decoded from a payload of `payloadBytes` bytes. */
  pcmSamples(payloadBytes: number): number;
  /** RTP timestamp ticks covered by `pcmSamples` PCM samples (RFC 3551 §4.5.2 for G.722). */
  rtpTicks(pcmSamples: number): number;
  /** Encode with this instance's outgoing-stream state. */
  encode(pcm: Int16Array): Buffer;
  /** Decode with this instance's incoming-stream state. */
  decode(payload: Uint8Array): Int16Array;
  /** A fresh, independent encoder (own state). */
  createEncoder(): AudioEncoder;
  /** A fresh, independent decoder (own state). */
  createDecoder(): AudioDecoder;
  /** Reset both directions' state. */
  reset(): void;
}
