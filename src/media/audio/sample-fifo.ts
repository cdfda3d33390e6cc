/**
 * A growable first-in first-out queue of 16-bit samples with an optional
 * capacity, used by sources and sinks to turn arbitrary chunk sizes into
 * fixed frames. Internal helper.
 *
 * @packageDocumentation
 */
export class SampleFifo {
  #buf: Int16Array;
  #start = 0;
  #end = 0;

  /** @param initialCapacity - samples to reserve up front */
  constructor(initialCapacity = 4096) {
    this.#buf = new Int16Array(Math.max(16, initialCapacity));
  }

  /** Samples queued. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Append samples (grows as needed). */
  push(samples: Int16Array): void {
    const n = samples.length;
    if (this.#end + n > this.#buf.length) {
      const live = this.#end - this.#start;
      if (live + n <= this.#buf.length >> 1) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Int16Array(Math.max(2 * this.#buf.length, live + n));
        grown.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = grown;
      }
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(samples, this.#end);
    this.#end += n;
  }

  /** Move up to `out.length` samples into `out` (from index 0); returns how many. */
  pullInto(out: Int16Array, count = out.length): number {
    const n = Math.min(count, this.length);
    out.set(this.#buf.subarray(this.#start, this.#start + n));
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return n;
  }

  /** Drop everything. */
  clear(): void {
    this.#start = this.#end = 0;
  }
}
