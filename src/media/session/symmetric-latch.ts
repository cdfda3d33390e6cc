/**
 * Symmetric RTP latching (RFC 4961 §3, and the "latching" practice described
 * in RFC 7362 §4): send to the address the peer's packets actually come from,
 * once enough consecutive packets confirm a new source address.
 *
 * @module
 */
import type { RtpAddress } from './session-types.js';

/** Tracks one flow (RTP or RTCP) and decides when to latch. */
export class SymmetricLatch {
  readonly #after: number;
  #address = '';
  #port = 0;
  #count = 0;

  /** @param after - consecutive packets from a new address before latching (at least 1) */
  constructor(after: number) {
    this.#after = Math.max(1, after);
  }

  /**
   * Observe a packet's source.
   * @param current - where we send now (`undefined`: nowhere yet, latch at once)
   * @returns the address to latch onto, or `undefined` to keep `current`
   */
  observe(current: RtpAddress | undefined, address: string, port: number): RtpAddress | undefined {
    if (current !== undefined && current.address === address && current.port === port) {
      this.#count = 0;
      return undefined;
    }
    if (this.#address === address && this.#port === port) this.#count++;
    else { this.#address = address; this.#port = port; this.#count = 1; }
    if (current !== undefined && this.#count < this.#after) return undefined;
    this.#count = 0;
    return { address, port };
  }
}
