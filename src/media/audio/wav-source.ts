import { readFile } from 'node:fs/promises';
import { RateAdapter } from './rate-adapter.js';
import type { AudioSource } from './source.js';
import { readWav } from './wav.js';
import type { WavData } from './wav.js';

/** Options of a {@link WavFileSource}. */
export interface WavSourceOptions {
  /** Start again at the end instead of ending (default false). */
  readonly loop?: boolean;
}

/**
 * Plays a WAV file (16-bit PCM or G.711, mono or stereo, any common rate) into
 * a call. The whole file is decoded up front (see `readWav`); frames are
 * converted to the rate each `read` asks for with `createResampler` (half-band
 * filters for 2:1, windowed sinc otherwise).
 */
export class WavFileSource implements AudioSource {
  readonly sampleRate: number;
  /** Channels of the original file (played mixed down to mono). */
  readonly channels: number;
  readonly #samples: Int16Array;
  readonly #loop: boolean;
  readonly #adapter: RateAdapter;
  /** Next input sample to feed. */
  #pos = 0;
  /** Output rate in use (0 before the first read). */
  #rate = 0;
  /** Output samples of real content still to deliver (non-looping files). */
  #left = 0;
  #closed = false;

  /** Decoded file contents (see {@link WavFileSource.fromFile} to read from disk). */
  constructor(wav: WavData, options: WavSourceOptions = {}) {
    this.sampleRate = wav.sampleRate;
    this.channels = wav.channels;
    this.#samples = wav.samples;
    this.#loop = options.loop ?? false;
    this.#adapter = new RateAdapter(wav.sampleRate);
  }

  /**
   * Read and check a WAV file.
   * @throws WavFormatError for an unsupported or malformed file
   */
  static async fromFile(path: string, options?: WavSourceOptions): Promise<WavFileSource> {
    return new WavFileSource(readWav(await readFile(path)), options);
  }

  /**
   * A source over WAV bytes already in memory.
   * @throws WavFormatError for an unsupported or malformed file
   */
  static fromBuffer(bytes: Uint8Array, options?: WavSourceOptions): WavFileSource {
    return new WavFileSource(readWav(bytes), options);
  }

  /** Duration of the file in milliseconds. */
  get durationMs(): number {
    return (this.#samples.length * 1000) / this.sampleRate;
  }

  read(frameSamples: number, sampleRate: number): Int16Array | null {
    if (this.#closed) return null;
    const total = this.#samples.length;
    if (sampleRate !== this.#rate) {
      this.#adapter.setOutputRate(sampleRate);
      this.#rate = sampleRate;
      // Output samples the rest of the file is worth at the new rate.
      this.#left = Math.round(((total - this.#pos) * sampleRate) / this.sampleRate);
    }
    if (!this.#loop && this.#left <= 0) return null;
    if (this.#loop && total === 0) return null;
    const chunk = Math.max(16, Math.ceil((frameSamples * this.sampleRate) / sampleRate) + 8);
    while (this.#adapter.available < frameSamples) {
      if (this.#pos >= total) {
        if (!this.#loop) {
          // Flush the resampler's look-ahead with silence so the file's tail is heard.
          this.#adapter.feed(new Int16Array(chunk));
          if (this.#adapter.available >= frameSamples) break;
          continue;
        }
        this.#pos = 0;
      }
      const end = Math.min(total, this.#pos + chunk);
      this.#adapter.feed(this.#samples.subarray(this.#pos, end));
      this.#pos = end;
    }
    const out = new Int16Array(frameSamples);
    this.#adapter.pullInto(out, frameSamples);
    if (!this.#loop) {
      // Past the end of the file: silence, not resampler ringing.
      if (this.#left < frameSamples) out.fill(0, this.#left);
      this.#left -= frameSamples;
    }
    return out;
  }

  close(): void {
    this.#closed = true;
  }
}
