import createDebug from 'debug';
import type { SipLimits, SipRequest, SipResponse, SipUri } from '../sip/index.js';
import { TypedEmitter } from '../util/index.js';
import { TransportError } from './errors.js';
import { handleInbound, toWire } from './inbound.js';
import type { InboundMeta } from './inbound.js';
import type { MemoryEndpointOptions, MemoryNetwork, PacketRecord } from './memory-network.js';
import { prepareOutgoingRequest, UDP_SIZE_LIMIT } from './prepare.js';
import { resolveInputOf, resolveTargets } from './resolver.js';
import type { DnsResolver } from './resolver.js';
import { zeroCounters } from './types.js';
import type {
  Endpoint, InboundMessage, SipTransportLayer, TransportCounters, TransportLayerEvents, TransportProtocol, TransportTarget,
} from './types.js';
import { bareHost, isReliableProtocol, responseTargetFor } from './via-rules.js';

const log = createDebug('sipline:transport');

/**
 * One endpoint of a {@link MemoryNetwork}: a complete {@link SipTransportLayer}
 * (same Via preparation, §18.1.1 size switch, inbound checks and response
 * routing as the socket transport) without sockets. UDP to an address nobody
 * has is silently lost; TCP to it rejects with `ERR_TRANSPORT_CONNECT`.
 */
export class MemoryTransportLayer extends TypedEmitter<TransportLayerEvents> implements SipTransportLayer {
  readonly #network: MemoryNetwork;
  readonly #local: Endpoint;
  readonly #public: Endpoint;
  readonly #protocols: readonly TransportProtocol[];
  readonly #udpLimit: number;
  readonly #resolver: DnsResolver;
  readonly #limits: Partial<SipLimits> | undefined;
  readonly #counters: TransportCounters = zeroCounters();
  #closed = false;

  /** @internal Use {@link MemoryNetwork.endpoint}. */
  constructor(network: MemoryNetwork, opts: MemoryEndpointOptions, deps: { resolver: DnsResolver; limits: Partial<SipLimits> | undefined }) {
    super();
    this.#network = network;
    this.#local = { address: bareHost(opts.address), port: opts.port };
    const pub = opts.publicAddress;
    this.#public = pub === undefined ? this.#local
      : typeof pub === 'string' ? { address: bareHost(pub), port: opts.port } : { address: bareHost(pub.address), port: pub.port };
    this.#protocols = opts.protocols ?? ['UDP', 'TCP'];
    this.#udpLimit = opts.udpLimit ?? UDP_SIZE_LIMIT;
    this.#resolver = deps.resolver;
    this.#limits = deps.limits;
    this.setListenerErrorHandler((err, event) => log('memory: listener for %s threw: %O', event, err));
  }

  /** The endpoint's own address and port. */
  get localEndpoint(): Endpoint {
    return this.#local;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Live counters. */
  get counters(): Readonly<TransportCounters> {
    return this.#counters;
  }

  /** @internal Whether this endpoint accepts `protocol`. */
  listens(protocol: TransportProtocol): boolean {
    return !this.#closed && this.#protocols.includes(protocol);
  }

  /** RFC 3263 resolution with the network's resolver. */
  resolve(uri: SipUri): Promise<TransportTarget[]> {
    return resolveTargets(resolveInputOf(uri), this.#resolver, { supported: this.#protocols });
  }

  /** See {@link SipTransportLayer.prepareRequest}. */
  prepareRequest(request: SipRequest, target: TransportTarget): { request: SipRequest; target: TransportTarget } {
    const r = prepareOutgoingRequest(request, target, {
      supported: this.#protocols, udpLimit: this.#udpLimit, sentBy: () => this.#public,
    });
    if (r.switched) this.#counters.udpToTcpSwitches++;
    return { request: r.request, target: r.target };
  }

  /** See {@link SipTransportLayer.send}. */
  async send(message: SipRequest | SipResponse, target: TransportTarget): Promise<void> {
    if (this.#closed) {
      this.#counters.sendErrors++;
      throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport is closed');
    }
    if (!this.#protocols.includes(target.protocol)) {
      this.#counters.sendErrors++;
      throw new TransportError('ERR_TRANSPORT_UNSUPPORTED', `${target.protocol} is not enabled on this endpoint`);
    }
    const bytes = toWire(message);
    let fate: PacketRecord['fate'];
    try {
      fate = this.#network.transmit(this, message, bytes, target);
    } catch (err) {
      this.#counters.sendErrors++;
      throw err;
    }
    if (fate === 'lost' || fate === 'dropped') this.#counters.droppedMessages++;
    this.#counters.messagesOut++;
    this.#counters.bytesOut += bytes.byteLength;
  }

  /** See {@link SipTransportLayer.responseTarget}. */
  responseTarget(inbound: InboundMessage): TransportTarget {
    const t = responseTargetFor(inbound);
    if (t.connectionId !== undefined && !this.#network.hasConnection(t.connectionId)) {
      const { connectionId: _gone, ...rest } = t;
      return rest;
    }
    return t;
  }

  /** True for TCP, TLS, WS, WSS. */
  isReliable(protocol: TransportProtocol): boolean {
    return isReliableProtocol(protocol);
  }

  /** See {@link SipTransportLayer.contactAddress}. */
  contactAddress(_protocol: TransportProtocol): Endpoint {
    return this.#public;
  }

  /** Detach from the network; later sends reject with `ERR_TRANSPORT_CLOSED`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#network.detach(this);
  }

  /** @internal Bytes arriving from the network. */
  receive(bytes: Buffer, meta: InboundMeta): void {
    if (this.#closed) return;
    this.#counters.bytesIn += bytes.byteLength;
    handleInbound({
      counters: this.#counters,
      limits: this.#limits,
      sentBy: () => ({ names: [this.#local.address, this.#public.address], ports: [this.#local.port, this.#public.port] }),
      deliver: (inbound) => this.safeEmit('message', inbound),
    }, bytes, meta, (reply) => {
      const back: TransportTarget = meta.connectionId === undefined
        ? { protocol: meta.protocol, address: meta.source.address, port: meta.source.port }
        : { protocol: meta.protocol, address: meta.source.address, port: meta.source.port, connectionId: meta.connectionId };
      try {
        this.#network.transmit(this, undefined, reply, back);
        this.#counters.messagesOut++;
        this.#counters.bytesOut += reply.byteLength;
      } catch (err) {
        log('memory: could not send error response: %O', err);
      }
    });
  }

  /** @internal Connection bookkeeping. */
  connectionCountChanged(delta: number): void {
    this.#counters.tcpConnections += delta;
    if (delta > 0) this.#counters.tcpConnectionsTotal++;
  }
}
