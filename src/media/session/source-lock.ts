/**
 * Media source locking: once RTP flows from one transport address, packets from any other
 * address are dropped while that source stays active. This stops a third party that learns or
 * guesses the port from injecting audio into a call or hijacking it through symmetric-RTP
 * latching (the "RTP bleed" attack), while still following a peer that really moves: a new
 * address is accepted once the locked one has been silent for a while, or at once after
 * signalling gave a new remote address.
 *
 * @module
 */

/** Tracks the transport address RTP currently comes from. */
export class SourceLock {
  readonly #relockMs: number;
  #address: string | undefined;
  #port = 0;
  #lastAt = 0;

  /** @param relockMs - silence of the locked source after which another address may take over */
  constructor(relockMs: number) {
    this.#relockMs = relockMs;
  }

  /** True when a packet from `address:port` at `now` may be processed. */
  admits(address: string, port: number, now: number): boolean {
    if (this.#address === undefined) return true;
    if (this.#address === address && this.#port === port) return true;
    return now - this.#lastAt > this.#relockMs;
  }

  /** A packet from `address:port` was accepted at `now`: lock (or stay locked) onto it. */
  accepted(address: string, port: number, now: number): void {
    this.#address = address;
    this.#port = port;
    this.#lastAt = now;
  }

  /** Forget the locked address (signalling moved the peer). */
  reset(): void {
    this.#address = undefined;
  }
}
