import type { AudioCodec, AudioDecoder, AudioEncoder, CodecName } from './codec.js';
import { CodecError } from './errors.js';

/** Static facts that define a codec (RFC 3551 Table 4 and the codec's standard). */
export interface CodecSpec {
  readonly name: CodecName;
  readonly payloadType: number;
  readonly rtpClockRate: number;
  readonly sampleRate: number;
  /** Payload bytes per PCM sample (G.711: 1; G.722: 0.5). */
  readonly bytesPerSample: number;
}

/**
 * Shared implementation of {@link AudioCodec}: one encoder and one decoder
 * created from the given factories, plus the size arithmetic every codec needs.
 * Internal; codecs are created through `createCodec`.
 */
export class BaseCodec implements AudioCodec {
  readonly name: CodecName;
  readonly encodingName: CodecName;
  readonly payloadType: number;
  readonly rtpClockRate: number;
  readonly clockRate: number;
  readonly sampleRate: number;
  readonly channels = 1;
  readonly #bytesPerSample: number;
  readonly #newEncoder: () => AudioEncoder;
  readonly #newDecoder: () => AudioDecoder;
  readonly #encoder: AudioEncoder;
  readonly #decoder: AudioDecoder;

  constructor(spec: CodecSpec, newEncoder: () => AudioEncoder, newDecoder: () => AudioDecoder) {
    this.name = spec.name;
    this.encodingName = spec.name;
    this.payloadType = spec.payloadType;
    this.rtpClockRate = spec.rtpClockRate;
    this.clockRate = spec.rtpClockRate;
    this.sampleRate = spec.sampleRate;
    this.#bytesPerSample = spec.bytesPerSample;
    this.#newEncoder = newEncoder;
    this.#newDecoder = newDecoder;
    this.#encoder = newEncoder();
    this.#decoder = newDecoder();
  }

  frameSamples(ptimeMs: number): number {
    if (!Number.isFinite(ptimeMs) || ptimeMs <= 0 || ptimeMs > 1000) {
      throw new CodecError('bad-ptime', `${this.name}: ptime ${ptimeMs} ms is not in (0, 1000]`);
    }
    const n = (this.sampleRate * ptimeMs) / 1000;
    if (!Number.isInteger(n) || !Number.isInteger(n * this.#bytesPerSample)) {
      throw new CodecError('bad-ptime', `${this.name}: ptime ${ptimeMs} ms is not a whole number of samples`);
    }
    return n;
  }

  payloadBytes(pcmSamples: number): number {
    return Math.floor(pcmSamples * this.#bytesPerSample);
  }

  pcmSamples(payloadBytes: number): number {
    return Math.floor(payloadBytes / this.#bytesPerSample);
  }

  rtpTicks(pcmSamples: number): number {
    return Math.round((pcmSamples * this.rtpClockRate) / this.sampleRate);
  }

  encode(pcm: Int16Array): Buffer {
    return this.#encoder.encode(pcm);
  }

  decode(payload: Uint8Array): Int16Array {
    return this.#decoder.decode(payload);
  }

  createEncoder(): AudioEncoder {
    return this.#newEncoder();
  }

  createDecoder(): AudioDecoder {
    return this.#newDecoder();
  }

  reset(): void {
    this.#encoder.reset();
    this.#decoder.reset();
  }
}
