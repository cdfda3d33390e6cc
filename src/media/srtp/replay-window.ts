/**
 * The sliding replay window of RFC 3711 §3.3.2: remembers which of the last `size`
 * indices below the highest one were received; anything older is refused.
 *
 * @module
 */

/** A replay list over packet indices (48-bit SRTP or 31-bit SRTCP indices). */
export class ReplayWindow {
  readonly #size: number;
  /** Bit k set: index `#top - k` was received. */
  #mask = 0n;
  #top = -1;

  /** @param size - how many indices back are tracked (at least 64, RFC 3711 §3.3.2) */
  constructor(size = 64) {
    this.#size = size;
  }

  /** True when `index` is new: above the highest seen, or inside the window and not yet received. */
  check(index: number): boolean {
    if (index > this.#top) return true;
    const delta = this.#top - index;
    if (delta >= this.#size) return false;
    return ((this.#mask >> BigInt(delta)) & 1n) === 0n;
  }

  /** Marks `index` as received (call only after the packet authenticated). */
  accept(index: number): void {
    if (index > this.#top) {
      const shift = this.#top < 0 ? this.#size : index - this.#top;
      this.#mask = shift >= this.#size ? 1n : ((this.#mask << BigInt(shift)) | 1n) & ((1n << BigInt(this.#size)) - 1n);
      this.#top = index;
      return;
    }
    const delta = this.#top - index;
    if (delta < this.#size) this.#mask |= 1n << BigInt(delta);
  }

  /** Highest index received, or -1. */
  get highest(): number {
    return this.#top;
  }
}
