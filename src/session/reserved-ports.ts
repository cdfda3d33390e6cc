/**
 * A port allocator that hands out one pair bound in advance: the session layer reserves RTP ports
 * before it knows the codec (the ports go into the SDP offer), and creates the `RtpSession` on
 * them once offer/answer has picked the codec.
 *
 * @module
 */
import { PortAllocator } from '../media/index.js';
import type { PortPair } from '../media/index.js';
import { InvalidStateError } from '../util/index.js';

/**
 * A {@link PortAllocator} whose only pair is `pair`, bound beforehand by the engine's allocator.
 * `allocate()` returns it once; a second call throws.
 */
export class ReservedPorts extends PortAllocator {
  #pair: PortPair | undefined;

  /** @param pair - a pair bound by another allocator; its `release()` returns it there */
  constructor(pair: PortPair) {
    super({ min: pair.rtpPort, max: pair.rtpPort + 1, address: pair.address });
    this.#pair = pair;
  }

  /**
   * The reserved pair, once.
   * @throws InvalidStateError on a second call
   */
  override allocate(): Promise<PortPair> {
    const pair = this.#pair;
    if (pair === undefined) return Promise.reject(new InvalidStateError('the reserved RTP ports were already handed out'));
    this.#pair = undefined;
    return Promise.resolve(pair);
  }
}
