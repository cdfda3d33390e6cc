import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { InvalidArgumentError, InvalidStateError } from '../../util/index.js';
import { RateAdapter } from './rate-adapter.js';
import type { AudioSink } from './source.js';
import { WAV_HEADER_BYTES, pcmToBytes, wavHeader } from './wav.js';

/** Options of a {@link WavRecorderSink}. */
export interface WavRecorderOptions {
  /** Rate of the file, Hz; frames at other rates are resampled. Default: the rate of the first frame. */
  readonly sampleRate?: number;
}

/**
 * Records a call's audio to a mono 16-bit PCM WAV file. The header is written
 * first with zero sizes and patched with the real RIFF and data sizes on
 * `close()`, so a crash leaves a file most players still open. Writes are
 * queued and performed asynchronously: `write` never blocks the media path.
 */
export class WavRecorderSink implements AudioSink {
  /** Path of the WAV file being written. */
  readonly path: string;
  #rate: number | undefined;
  #adapter: RateAdapter | undefined;
  #file: Promise<FileHandle> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #dataBytes = 0;
  #closed = false;
  #error: unknown;

  /**
   * @param path - file to create (truncated if it exists)
   * @throws InvalidArgumentError for an impossible sample rate
   */
  constructor(path: string, options: WavRecorderOptions = {}) {
    if (options.sampleRate !== undefined && !(Number.isInteger(options.sampleRate) && options.sampleRate >= 1000)) {
      throw new InvalidArgumentError('sampleRate', `must be an integer >= 1000, got ${options.sampleRate}`);
    }
    this.path = path;
    this.#rate = options.sampleRate;
  }

  /** Sample rate of the file, once known. */
  get sampleRate(): number | undefined {
    return this.#rate;
  }

  /** Bytes of samples recorded so far. */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  write(frame: Int16Array, sampleRate: number): void {
    if (this.#closed) throw new InvalidStateError('WavRecorderSink is closed');
    if (this.#rate === undefined) this.#rate = sampleRate;
    let samples = frame;
    if (sampleRate !== this.#rate) {
      if (this.#adapter === undefined || this.#adapter.inputRate !== sampleRate) {
        this.#adapter = new RateAdapter(sampleRate);
        this.#adapter.setOutputRate(this.#rate);
      }
      this.#adapter.feed(frame);
      samples = new Int16Array(this.#adapter.available);
      this.#adapter.pullInto(samples);
    }
    const bytes = pcmToBytes(samples);
    this.#dataBytes += bytes.length;
    const file = this.#open();
    this.#chain = this.#chain.then(async () => {
      const fh = await file;
      await fh.write(bytes);
    }).catch((err: unknown) => {
      this.#error ??= err;
    });
  }

  /** Flush queued frames, patch the header sizes and close the file. Rejects with the first I/O error. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const file = this.#open();
    await this.#chain;
    const fh = await file;
    try {
      if (this.#error === undefined) await fh.write(wavHeader(this.#rate ?? 8000, this.#dataBytes), 0, WAV_HEADER_BYTES, 0);
    } finally {
      await fh.close();
    }
    if (this.#error !== undefined) throw this.#error;
  }

  #open(): Promise<FileHandle> {
    if (this.#file === undefined) {
      const rate = this.#rate ?? 8000;
      this.#file = open(this.path, 'w').then(async (fh) => {
        await fh.write(wavHeader(rate, 0));
        return fh;
      });
      // Surface open errors through close(), never as an unhandled rejection.
      this.#file.catch((err: unknown) => {
        this.#error ??= err;
      });
    }
    return this.#file;
  }
}
