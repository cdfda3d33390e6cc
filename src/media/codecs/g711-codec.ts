import type { AudioCodec, AudioDecoder, AudioEncoder } from './codec.js';
import { BaseCodec } from './base-codec.js';
import { ALAW_DECODE, ALAW_ENCODE, ULAW_DECODE, ULAW_ENCODE, g711DecodeInto, g711EncodeInto } from './g711.js';

/**
 * Stateless G.711 encoder over one lookup table (ITU-T G.711; RFC 3551 §4.5.14).
 * Any frame length is accepted: one byte per sample.
 */
class G711Encoder implements AudioEncoder {
  readonly #table: Uint8Array;
  constructor(table: Uint8Array) {
    this.#table = table;
  }
  encode(pcm: Int16Array): Buffer {
    const out = Buffer.allocUnsafe(pcm.length);
    g711EncodeInto(this.#table, pcm, out);
    return out;
  }
  encodeInto(pcm: Int16Array, out: Uint8Array): number {
    return g711EncodeInto(this.#table, pcm, out);
  }
  reset(): void {}
}

/** Stateless G.711 decoder over one lookup table (ITU-T G.711; RFC 3551 §4.5.14). */
class G711Decoder implements AudioDecoder {
  readonly #table: Int16Array;
  constructor(table: Int16Array) {
    this.#table = table;
  }
  decode(payload: Uint8Array): Int16Array {
    const out = new Int16Array(payload.length);
    g711DecodeInto(this.#table, payload, out);
    return out;
  }
  decodeInto(payload: Uint8Array, out: Int16Array): number {
    return g711DecodeInto(this.#table, payload, out);
  }
  reset(): void {}
}

/** A new PCMU (G.711 mu-law, static payload type 0, 8 kHz; RFC 3551 §4.5.14) codec instance. */
export function createPcmuCodec(): AudioCodec {
  return new BaseCodec(
    { name: 'PCMU', payloadType: 0, rtpClockRate: 8000, sampleRate: 8000, bytesPerSample: 1 },
    () => new G711Encoder(ULAW_ENCODE),
    () => new G711Decoder(ULAW_DECODE),
  );
}

/** A new PCMA (G.711 A-law, static payload type 8, 8 kHz; RFC 3551 §4.5.14) codec instance. */
export function createPcmaCodec(): AudioCodec {
  return new BaseCodec(
    { name: 'PCMA', payloadType: 8, rtpClockRate: 8000, sampleRate: 8000, bytesPerSample: 1 },
    () => new G711Encoder(ALAW_ENCODE),
    () => new G711Decoder(ALAW_DECODE),
  );
}
