/**
 * A fixed-capacity ring of 16-bit samples between a writer and a reader that run on different
 * timers (an RTP receive path and the mixer tick, or the mixer tick and a session's pacer).
 * Internal helper of the audio mixer.
 *
 * - Bounded: memory is allocated once; a write past the capacity drops the oldest samples and
 *   keeps the newest `target`, so a flood costs neither memory nor lasting latency.
 * - Primed: the reader gets nothing until `target` samples (a frame plus a jitter cushion) are
 *   queued; a read that finds the ring short delivers what there is and re-primes.
 * - Drift: when the reader found more than `target` left over on every read for a whole window
 *   (one second of reads), the surplus is dropped, so a writer whose clock runs slightly fast
 *   never builds up latency.
 *
 * @packageDocumentation
 */

/** Reads per drift-check window. */
const DRIFT_WINDOW = 50;

/** Bounded, primed sample ring. @internal */
export class MixerFifo {
  /** Most samples held. */
  readonly capacity: number;
  /** Fill at which reading starts (frame + cushion), and the fill kept on overflow. */
  readonly target: number;
  readonly #buf: Int16Array;
  #head = 0;
  #length = 0;
  #primed = false;
  #minSurplus = Infinity;
  #reads = 0;
  /** Samples dropped (overflow and drift). */
  dropped = 0;
  /** Reads that found the ring short after it had been primed. */
  underruns = 0;

  /**
   * @param capacity - most samples held (at least `target`)
   * @param target - samples needed before reading starts
   */
  constructor(capacity: number, target: number) {
    this.target = Math.max(1, Math.min(target, capacity));
    this.capacity = Math.max(capacity, this.target);
    this.#buf = new Int16Array(this.capacity);
  }

  /** Samples queued. */
  get length(): number {
    return this.#length;
  }

  /** Whether reads currently deliver. */
  get primed(): boolean {
    return this.#primed;
  }

  /** Append samples; past the capacity the oldest are dropped down to `target` (or the chunk). */
  push(src: Int16Array): void {
    let n = src.length;
    if (n === 0) return;
    if (n > this.capacity) {
      this.dropped += n - this.capacity;
      src = src.subarray(n - this.capacity);
      n = this.capacity;
    }
    if (this.#length + n > this.capacity) this.#discard(this.#length + n - Math.max(this.target, n));
    const cap = this.capacity;
    let tail = this.#head + this.#length;
    if (tail >= cap) tail -= cap;
    const first = Math.min(n, cap - tail);
    this.#buf.set(first === n ? src : src.subarray(0, first), tail);
    if (first < n) this.#buf.set(src.subarray(first), 0);
    this.#length += n;
  }

  /**
   * Read up to `count` samples into `out` at `offset`. Returns 0 while not primed; once primed,
   * `count`, or fewer when the ring ran short (an underrun, which re-primes). Zero-fills nothing.
   */
  read(out: Int16Array, offset: number, count: number): number {
    if (!this.#primed) {
      if (this.#length < this.target || this.#length < count) return 0;
      this.#primed = true;
      this.#minSurplus = Infinity;
      this.#reads = 0;
    }
    const n = Math.min(count, this.#length);
    this.#copyOut(out, offset, n);
    if (n < count) {
      this.underruns++;
      this.#primed = false;
      return n;
    }
    // Drift: the leftover after a read should hover around the cushion (target - count).
    const surplus = this.#length - Math.max(0, this.target - count);
    if (surplus < this.#minSurplus) this.#minSurplus = surplus;
    if (++this.#reads >= DRIFT_WINDOW) {
      if (this.#minSurplus > count) this.#discard(this.#minSurplus - (count >> 1));
      this.#reads = 0;
      this.#minSurplus = Infinity;
    }
    return n;
  }

  /** Drop everything and wait for priming again. */
  clear(): void {
    this.#head = 0;
    this.#length = 0;
    this.#primed = false;
  }

  #copyOut(out: Int16Array, offset: number, n: number): void {
    const cap = this.capacity;
    const first = Math.min(n, cap - this.#head);
    out.set(this.#buf.subarray(this.#head, this.#head + first), offset);
    if (first < n) out.set(this.#buf.subarray(0, n - first), offset + first);
    this.#head += n;
    if (this.#head >= cap) this.#head -= cap;
    this.#length -= n;
    if (this.#length === 0) this.#head = 0;
  }

  #discard(n: number): void {
    const d = Math.min(n, this.#length);
    if (d <= 0) return;
    this.#head += d;
    if (this.#head >= this.capacity) this.#head -= this.capacity;
    this.#length -= d;
    this.dropped += d;
  }
}
