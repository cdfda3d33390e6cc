import type { AudioCodec, AudioDecoder, AudioEncoder } from './codec.js';
import { BaseCodec } from './base-codec.js';
import { CodecError } from './errors.js';
import { G722Decoder, G722Encoder } from './g722.js';

/** {@link AudioEncoder} over a {@link G722Encoder}; rejects odd frame lengths. */
class G722StreamEncoder implements AudioEncoder {
  readonly #enc = new G722Encoder();
  encode(pcm: Int16Array): Buffer {
    checkEven(pcm.length);
    const out = Buffer.allocUnsafe(pcm.length >> 1);
    this.#enc.encodeInto(pcm, out);
    return out;
  }
  encodeInto(pcm: Int16Array, out: Uint8Array): number {
    checkEven(pcm.length);
    return this.#enc.encodeInto(pcm, out);
  }
  reset(): void {
    this.#enc.reset();
  }
}

/** {@link AudioDecoder} over a {@link G722Decoder}. */
class G722StreamDecoder implements AudioDecoder {
  readonly #dec = new G722Decoder();
  decode(payload: Uint8Array): Int16Array {
    const out = new Int16Array(payload.length * 2);
    this.#dec.decodeInto(payload, out);
    return out;
  }
  decodeInto(payload: Uint8Array, out: Int16Array): number {
    return this.#dec.decodeInto(payload, out);
  }
  reset(): void {
    this.#dec.reset();
  }
}

function checkEven(n: number): void {
  if ((n & 1) !== 0) {
    throw new CodecError('bad-frame', `G722: a frame must hold an even number of 16 kHz samples, got ${n}`);
  }
}

/**
 * A new G.722 codec instance (ITU-T G.722 64 kbit/s, static payload type 9):
 * 16 kHz PCM in and out, but an 8000 Hz RTP clock, as RFC 3551 §4.5.2 mandates
 * for historical reasons. Each instance holds its own encoder and decoder ADPCM
 * state.
 */
export function createG722Codec(): AudioCodec {
  return new BaseCodec(
    { name: 'G722', payloadType: 9, rtpClockRate: 8000, sampleRate: 16000, bytesPerSample: 0.5 },
    () => new G722StreamEncoder(),
    () => new G722StreamDecoder(),
  );
}
