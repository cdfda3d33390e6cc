import { Readable, Writable } from 'node:stream';
import { InvalidArgumentError, InvalidStateError } from '../../util/index.js';
import { RateAdapter } from './rate-adapter.js';
import { SampleFifo } from './sample-fifo.js';
import type { AudioSink, AudioSource } from './source.js';

/** Options of a {@link PcmStreamSource}. */
export interface PcmStreamSourceOptions {
  /** Rate of the PCM the application writes, Hz (default 8000). */
  readonly sampleRate?: number;
  /** Most audio kept queued, in milliseconds (default 1000). Beyond it `push` drops and returns false. */
  readonly maxBufferMs?: number;
}

/**
 * Application audio into a call. The application pushes 16-bit mono PCM of any
 * chunk size (`push`, or `writable()` for Node streams of little-endian bytes);
 * the media engine pulls fixed frames. The queue is bounded: `push` drops what
 * does not fit (counted in `droppedSamples`), the `Writable` applies
 * back-pressure instead. When the queue runs dry the source plays silence; after
 * `end()` it plays out what is queued and then ends.
 */
export class PcmStreamSource implements AudioSource {
  /** Sample rate of the PCM frames, in Hz. */
  readonly sampleRate: number;
  /** Queue bound in samples. */
  readonly capacity: number;
  readonly #fifo = new SampleFifo();
  readonly #adapter: RateAdapter;
  readonly #scratch: Int16Array;
  #ended = false;
  #closed = false;
  #dropped = 0;
  #waiters: Array<() => void> = [];

  /** @throws InvalidArgumentError for a bad rate or buffer size */
  constructor(options: PcmStreamSourceOptions = {}) {
    const rate = options.sampleRate ?? 8000;
    const maxMs = options.maxBufferMs ?? 1000;
    if (!Number.isInteger(rate) || rate < 1000) throw new InvalidArgumentError('sampleRate', `bad rate ${rate}`);
    if (!(maxMs >= 20)) throw new InvalidArgumentError('maxBufferMs', 'must be at least 20');
    this.sampleRate = rate;
    this.capacity = Math.round((rate * maxMs) / 1000);
    this.#adapter = new RateAdapter(rate);
    this.#scratch = new Int16Array(Math.max(320, Math.ceil(rate / 25)));
  }

  /** Samples queued and not yet played (at the source's rate). */
  get bufferedSamples(): number {
    return this.#fifo.length;
  }

  /** Samples dropped by `push` because the queue was full. */
  get droppedSamples(): number {
    return this.#dropped;
  }

  /**
   * Queue PCM. Returns false when some of it did not fit and was dropped.
   * @throws InvalidStateError after `end()` or `close()`
   */
  push(pcm: Int16Array): boolean {
    if (this.#ended || this.#closed) throw new InvalidStateError('PcmStreamSource has ended');
    const room = this.capacity - this.#fifo.length;
    if (pcm.length <= room) {
      this.#fifo.push(pcm);
      return true;
    }
    if (room > 0) this.#fifo.push(pcm.subarray(0, room));
    this.#dropped += pcm.length - Math.max(0, room);
    return false;
  }

  /** No more audio will be pushed; the source ends once the queue is played. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /**
   * A Node `Writable` of little-endian 16-bit PCM bytes feeding this source, with
   * back-pressure: a write completes only when the queue has room. Ending the
   * stream ends the source.
   */
  writable(): Writable {
    let carry: Buffer | undefined; // an odd trailing byte
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        let bytes = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
        carry = undefined;
        if (bytes.length & 1) {
          carry = bytes.subarray(bytes.length - 1);
          bytes = bytes.subarray(0, bytes.length - 1);
        }
        const pcm = new Int16Array(bytes.length >> 1);
        for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(i * 2);
        this.#pushWhenRoom(pcm, 0, cb);
      },
      final: (cb) => {
        this.end();
        cb();
      },
    });
  }

  read(frameSamples: number, sampleRate: number): Int16Array | null {
    if (this.#closed) return null;
    this.#adapter.setOutputRate(sampleRate);
    while (this.#adapter.available < frameSamples && this.#fifo.length > 0) {
      const n = this.#fifo.pullInto(this.#scratch);
      this.#adapter.feed(this.#scratch.subarray(0, n));
    }
    if (this.#ended && this.#fifo.length === 0 && this.#adapter.available === 0) return null;
    const out = new Int16Array(frameSamples); // silence where the queue ran dry
    this.#adapter.pullInto(out, frameSamples);
    this.#wake();
    return out;
  }

  close(): void {
    this.#closed = true;
    this.#ended = true;
    this.#fifo.clear();
    this.#wake();
  }

  #pushWhenRoom(pcm: Int16Array, from: number, cb: (err?: Error | null) => void): void {
    if (this.#closed) {
      cb(new InvalidStateError('PcmStreamSource is closed'));
      return;
    }
    const room = this.capacity - this.#fifo.length;
    const n = Math.min(room, pcm.length - from);
    if (n > 0) this.#fifo.push(pcm.subarray(from, from + n));
    if (from + n >= pcm.length) {
      cb();
      return;
    }
    this.#waiters.push(() => this.#pushWhenRoom(pcm, from + n, cb));
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}

/** Options of a {@link PcmStreamSink}. */
export interface PcmStreamSinkOptions {
  /** Rate of the frames the application reads, Hz (default 8000); others are resampled. */
  readonly sampleRate?: number;
  /** Frames queued for a slow reader before new ones are dropped (default 50, one second of 20 ms frames). */
  readonly maxQueuedFrames?: number;
}

/**
 * Call audio out to the application: a Node `Readable` in object mode whose
 * chunks are `Int16Array` frames at the sink's rate. Real-time audio cannot
 * wait for a slow reader, so beyond `maxQueuedFrames` frames are dropped and
 * counted. `close()` ends the stream.
 */
export class PcmStreamSink implements AudioSink {
  /** Sample rate of the PCM frames, in Hz. */
  readonly sampleRate: number;
  /** Frames arrive here; read them with `for await` or `'data'` events. */
  readonly readable: Readable;
  #adapter: RateAdapter | undefined;
  #dropped = 0;
  #closed = false;

  /** @throws InvalidArgumentError for a bad rate or queue size */
  constructor(options: PcmStreamSinkOptions = {}) {
    const rate = options.sampleRate ?? 8000;
    const max = options.maxQueuedFrames ?? 50;
    if (!Number.isInteger(rate) || rate < 1000) throw new InvalidArgumentError('sampleRate', `bad rate ${rate}`);
    if (!(Number.isInteger(max) && max >= 1)) throw new InvalidArgumentError('maxQueuedFrames', 'must be >= 1');
    this.sampleRate = rate;
    this.readable = new Readable({ objectMode: true, highWaterMark: max, read: () => {} });
  }

  /** Frames dropped because the reader fell behind. */
  get droppedFrames(): number {
    return this.#dropped;
  }

  write(frame: Int16Array, sampleRate: number): void {
    if (this.#closed) return;
    let out = frame;
    if (sampleRate !== this.sampleRate) {
      if (this.#adapter === undefined || this.#adapter.inputRate !== sampleRate) {
        this.#adapter = new RateAdapter(sampleRate);
        this.#adapter.setOutputRate(this.sampleRate);
      }
      this.#adapter.feed(frame);
      out = new Int16Array(this.#adapter.available);
      this.#adapter.pullInto(out);
    } else {
      out = frame.slice();
    }
    if (this.readable.readableLength >= this.readable.readableHighWaterMark) {
      this.#dropped++;
      return;
    }
    this.readable.push(out);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.readable.push(null);
  }
}
