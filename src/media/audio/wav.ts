/**
 * RIFF/WAVE reading and writing (Microsoft/IBM "Multimedia Programming Interface
 * and Data Specifications 1.0", 1991, RIFF WAVE chunk; format tags from RFC 2361
 * Appendix A: 1 PCM, 6 A-law, 7 mu-law, 0xFFFE extensible).
 *
 * @packageDocumentation
 */
import { SiplineError } from '../../util/index.js';
import { ALAW_DECODE, ULAW_DECODE } from '../codecs/g711.js';

/** A WAV file we cannot read: not RIFF/WAVE, truncated, or an unsupported format. */
export class WavFormatError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_WAV_FORMAT';
  /** @param message - what is wrong with the file */
  constructor(message: string) {
    super('ERR_WAV_FORMAT', message);
  }
}

/** WAVE format tags this module decodes (RFC 2361 Appendix A). */
export const WAVE_FORMAT = { PCM: 1, ALAW: 6, MULAW: 7, EXTENSIBLE: 0xfffe } as const;

/** A decoded WAV file. */
export interface WavData {
  /** Sample rate, Hz. */
  readonly sampleRate: number;
  /** Channels in the file (the samples are already mixed down to mono). */
  readonly channels: number;
  /** Format tag of the file: 1 PCM, 6 A-law, 7 mu-law. */
  readonly format: 1 | 6 | 7;
  /** Mono 16-bit samples (stereo averaged). */
  readonly samples: Int16Array;
}

/**
 * Parse a WAV file: 16-bit PCM (also as WAVE_FORMAT_EXTENSIBLE) or 8-bit G.711
 * A-law / mu-law, mono or stereo (mixed down to mono by averaging).
 * @throws {@link WavFormatError} for anything else, or a malformed file
 */
export function readWav(buf: Uint8Array): WavData {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let fmt: { format: number; channels: number; rate: number; bits: number; blockAlign: number } | undefined;
  let data: Buffer | undefined;
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('latin1', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    const start = off + 8;
    // A streaming writer may leave the data size at 0 or 0xFFFFFFFF: take the rest of the file.
    const end = id === 'data' && (size === 0 || size === 0xffffffff) ? b.length : Math.min(b.length, start + size);
    if (id === 'fmt ') {
      if (end - start < 16) throw new WavFormatError('fmt chunk shorter than 16 bytes');
      let format = b.readUInt16LE(start);
      if (format === WAVE_FORMAT.EXTENSIBLE) {
        if (end - start < 40) throw new WavFormatError('WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes');
        format = b.readUInt16LE(start + 24); // first two bytes of the sub-format GUID
      }
      fmt = {
        format,
        channels: b.readUInt16LE(start + 2),
        rate: b.readUInt32LE(start + 4),
        blockAlign: b.readUInt16LE(start + 12),
        bits: b.readUInt16LE(start + 14),
      };
    } else if (id === 'data') {
      data = b.subarray(start, end);
      if (fmt !== undefined) break;
    }
    off = start + size + (size & 1);
    if (size === 0xffffffff) break;
  }
  if (fmt === undefined) throw new WavFormatError('no fmt chunk');
  if (data === undefined) throw new WavFormatError('no data chunk');
  const { format, channels, rate, bits } = fmt;
  if (channels !== 1 && channels !== 2) throw new WavFormatError(`${channels} channels: only mono and stereo are supported`);
  if (rate < 1000 || rate > 384000) throw new WavFormatError(`sample rate ${rate} Hz is out of range`);
  let bytesPerSample: number;
  let sample: (i: number) => number;
  if (format === WAVE_FORMAT.PCM) {
    if (bits !== 16) throw new WavFormatError(`${bits}-bit PCM: only 16-bit PCM is supported`);
    bytesPerSample = 2;
    sample = (i) => data.readInt16LE(i * 2);
  } else if (format === WAVE_FORMAT.ALAW || format === WAVE_FORMAT.MULAW) {
    if (bits !== 8) throw new WavFormatError(`${bits}-bit G.711: expected 8 bits per sample`);
    bytesPerSample = 1;
    const table = format === WAVE_FORMAT.ALAW ? ALAW_DECODE : ULAW_DECODE;
    sample = (i) => table[data[i]];
  } else {
    throw new WavFormatError(`format tag ${format}: only PCM (1), A-law (6) and mu-law (7) are supported`);
  }
  const frames = Math.floor(data.length / (bytesPerSample * channels));
  const samples = new Int16Array(frames);
  if (channels === 1) {
    for (let i = 0; i < frames; i++) samples[i] = sample(i);
  } else {
    for (let i = 0; i < frames; i++) samples[i] = (sample(2 * i) + sample(2 * i + 1)) >> 1;
  }
  return { sampleRate: rate, channels, format: format as 1 | 6 | 7, samples };
}

/** Size of the canonical 16-bit PCM WAV header written by {@link wavHeader}. */
export const WAV_HEADER_BYTES = 44;

/** A canonical 44-byte header for mono 16-bit PCM at `sampleRate` with `dataBytes` of samples. */
export function wavHeader(sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(WAVE_FORMAT.PCM, 20);
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40);
  return h;
}

/** Little-endian bytes of 16-bit samples (the WAV and G.191 byte order). */
export function pcmToBytes(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], i * 2);
  return out;
}

/** A complete mono 16-bit PCM WAV file holding `samples` at `sampleRate`. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  return Buffer.concat([wavHeader(sampleRate, samples.length * 2), pcmToBytes(samples)]);
}
