import createDebug from 'debug';
import type { SipRequest, SipResponse, SipUri } from '../sip/index.js';
import { TypedEmitter } from '../util/index.js';
import type { TransportError } from './errors.js';
import type {
  Endpoint, InboundMessage, SipTransportLayer, TransportCounters, TransportLayerEvents, TransportProtocol, TransportTarget,
} from './types.js';

const log = createDebug('sipline:transport');

/** Drop decisions of a {@link LossyTransport}; return true to lose the message. */
export interface LossPolicy {
  /** Called for every outgoing message; true = pretend it was sent and lose it. */
  readonly dropOutbound?: (message: SipRequest | SipResponse, target: TransportTarget) => boolean;
  /** Called for every incoming message; true = never pass it up. */
  readonly dropInbound?: (inbound: InboundMessage) => boolean;
}

/**
 * A {@link SipTransportLayer} wrapper that loses messages chosen by a
 * predicate, over any transport (real sockets or the in-memory network). For
 * tests of retransmission and recovery (e.g. a lost ACK, RFC 3261 §13.3.1.4).
 * A dropped send still resolves, as a lost UDP datagram would.
 */
export class LossyTransport extends TypedEmitter<TransportLayerEvents> implements SipTransportLayer {
  readonly #inner: SipTransportLayer;
  /** Current policy; may be replaced at any time. */
  policy: LossPolicy;
  /** Outgoing messages dropped so far. */
  droppedOutbound = 0;
  /** Incoming messages dropped so far. */
  droppedInbound = 0;
  readonly #onMessage = (inbound: InboundMessage): void => {
    if (this.policy.dropInbound?.(inbound) === true) {
      this.droppedInbound++;
      log('lossy: dropped inbound %s', describe(inbound.message));
      return;
    }
    this.safeEmit('message', inbound);
  };
  readonly #onError = (err: TransportError): void => {
    this.safeEmit('error', err);
  };

  /**
   * @param inner - the transport to wrap (its `message`/`error` events are re-emitted)
   * @param policy - what to drop
   */
  constructor(inner: SipTransportLayer, policy: LossPolicy = {}) {
    super();
    this.#inner = inner;
    this.policy = policy;
    inner.on('message', this.#onMessage);
    inner.on('error', this.#onError);
    this.setListenerErrorHandler((err, event) => log('lossy: listener for %s threw: %O', event, err));
  }

  /** The wrapped transport. */
  get inner(): SipTransportLayer {
    return this.#inner;
  }

  /** Counters of the wrapped transport. */
  get counters(): Readonly<TransportCounters> {
    return this.#inner.counters;
  }

  /** Delegates to the wrapped transport. */
  resolve(uri: SipUri): Promise<TransportTarget[]> {
    return this.#inner.resolve(uri);
  }

  /** Delegates to the wrapped transport. */
  prepareRequest(request: SipRequest, target: TransportTarget): { request: SipRequest; target: TransportTarget } {
    return this.#inner.prepareRequest(request, target);
  }

  /** Sends unless the policy drops the message (then resolves without sending). */
  async send(message: SipRequest | SipResponse, target: TransportTarget): Promise<void> {
    if (this.policy.dropOutbound?.(message, target) === true) {
      this.droppedOutbound++;
      log('lossy: dropped outbound %s', describe(message));
      return;
    }
    await this.#inner.send(message, target);
  }

  /** Delegates to the wrapped transport. */
  responseTarget(inbound: InboundMessage): TransportTarget {
    return this.#inner.responseTarget(inbound);
  }

  /** Delegates to the wrapped transport. */
  isReliable(protocol: TransportProtocol): boolean {
    return this.#inner.isReliable(protocol);
  }

  /** Delegates to the wrapped transport. */
  contactAddress(protocol: TransportProtocol): Endpoint {
    return this.#inner.contactAddress(protocol);
  }

  /** Detaches from and closes the wrapped transport. */
  async close(): Promise<void> {
    this.#inner.off('message', this.#onMessage);
    this.#inner.off('error', this.#onError);
    await this.#inner.close();
  }
}

function describe(m: SipRequest | SipResponse): string {
  return 'method' in m ? m.method : `${m.status}`;
}
