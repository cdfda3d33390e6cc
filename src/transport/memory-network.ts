import createDebug from 'debug';
import type { SipLimits, SipRequest, SipResponse } from '../sip/index.js';
import { systemClock } from '../util/index.js';
import type { Clock } from '../util/index.js';
import { TransportError } from './errors.js';
import type { InboundMeta } from './inbound.js';
import { MemoryTransportLayer } from './memory-endpoint.js';
import { noDns } from './resolver.js';
import type { DnsResolver } from './resolver.js';
import type { Endpoint, TransportProtocol, TransportTarget } from './types.js';
import { bareHost, isReliableProtocol } from './via-rules.js';

const log = createDebug('sipline:transport');

/** What a {@link PacketFilter} decides: deliver now, lose the packet, or deliver after a delay (network clock). */
export type PacketVerdict = 'deliver' | 'drop' | { readonly delayMs: number };

/**
 * Decides the fate of each packet on the in-memory network (loss and delay tests).
 * `message` is the message as the sender passed it (before serialisation), or
 * `undefined` for raw bytes injected with {@link MemoryNetwork.inject}.
 */
export type PacketFilter = (
  message: SipRequest | SipResponse | undefined, from: Endpoint, to: Endpoint, protocol: TransportProtocol,
) => PacketVerdict;

/** One packet seen by the in-memory network. */
export interface PacketRecord {
  /** Network clock time when it was sent. */
  readonly at: number;
  readonly protocol: TransportProtocol;
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** The sender's message (undefined for injected bytes). */
  readonly message: SipRequest | SipResponse | undefined;
  /** The bytes on the wire. */
  readonly bytes: Buffer;
  /** delivered (or will be, if delayed), dropped by the filter, or lost (UDP to an address nobody has). */
  readonly fate: 'delivered' | 'delayed' | 'dropped' | 'lost';
}

/** Options of {@link createMemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Clock for delayed packets; default the system clock (vitest fake timers apply). */
  readonly clock?: Clock;
  /** Initial packet filter (also settable later through {@link MemoryNetwork.filter}). */
  readonly filter?: PacketFilter;
  /** DNS for `resolve()` of names; default none (numeric URIs only). */
  readonly resolver?: DnsResolver;
  /** Parser limits for every endpoint. */
  readonly limits?: Partial<SipLimits>;
  /** Packets kept in {@link MemoryNetwork.history}; default 10 000 (oldest forgotten first). */
  readonly historyLimit?: number;
}

/** Options of {@link MemoryNetwork.endpoint}. */
export interface MemoryEndpointOptions {
  /** Numeric address of the endpoint (IPv6 without brackets). */
  readonly address: string;
  /** Port of every transport of the endpoint. */
  readonly port: number;
  /** Transports it listens on; default `['UDP', 'TCP']`. */
  readonly protocols?: readonly TransportProtocol[];
  /** Address (and port) advertised in Via/Contact instead of `address`. */
  readonly publicAddress?: string | Endpoint;
  /** UDP size limit for the §18.1.1 switch to TCP; default 1300. */
  readonly udpLimit?: number;
}

interface Connection {
  readonly id: string;
  readonly a: MemoryTransportLayer;
  readonly b: MemoryTransportLayer;
}

const key = (address: string, port: number): string => `${bareHost(address)}|${port}`;

/**
 * A fake network of {@link MemoryTransportLayer} endpoints for unit tests of
 * the layers above. Messages are serialised to bytes and parsed again on
 * delivery, through the same inbound rules as the real transport (§18.2.1
 * received/rport stamping, §18.1.2 response check, 400 for unparsable requests).
 *
 * Timing: packets are delivered asynchronously with `queueMicrotask` (which
 * vitest fake timers do not fake by default, so delivery needs no timer
 * advance); packets delayed by the filter use the network's {@link Clock}
 * (`clock.setTimeout`, which fake timers do control). Order between two
 * endpoints is preserved for undelayed packets. A TCP "connection" is a pair of
 * endpoints; a packet's source is the sender's listening address and port.
 */
export class MemoryNetwork {
  /** Current packet filter; `undefined` delivers everything. */
  filter: PacketFilter | undefined;
  readonly #clock: Clock;
  readonly #resolver: DnsResolver;
  readonly #limits: Partial<SipLimits> | undefined;
  readonly #historyLimit: number;
  readonly #endpoints = new Map<string, MemoryTransportLayer>();
  readonly #connections = new Map<string, Connection>();
  readonly #history: PacketRecord[] = [];
  #pending = 0;
  #nextConnection = 1;

  /** @param opts - see {@link MemoryNetworkOptions} */
  constructor(opts: MemoryNetworkOptions = {}) {
    this.filter = opts.filter;
    this.#clock = opts.clock ?? systemClock;
    this.#resolver = opts.resolver ?? noDns;
    this.#limits = opts.limits;
    this.#historyLimit = opts.historyLimit ?? 10_000;
  }

  /** Attach a new endpoint; throws `ERR_TRANSPORT_BIND` when its address and port are taken. */
  endpoint(opts: MemoryEndpointOptions): MemoryTransportLayer {
    const k = key(opts.address, opts.port);
    if (this.#endpoints.has(k)) {
      throw new TransportError('ERR_TRANSPORT_BIND', `${opts.address}:${opts.port} is already attached to the network`);
    }
    const ep = new MemoryTransportLayer(this, opts, { resolver: this.#resolver, limits: this.#limits });
    this.#endpoints.set(k, ep);
    return ep;
  }

  /** Every packet sent so far (bounded by `historyLimit`), oldest first. */
  get history(): readonly PacketRecord[] {
    return this.#history;
  }

  /** Forget the history. */
  clearHistory(): void {
    this.#history.length = 0;
  }

  /** Packets scheduled for delivery and not yet delivered (delayed ones included). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Resolve once no undelayed packet is in flight (including packets sent by
   * listeners in reaction to deliveries). Bounded: gives up after 10 000 turns.
   */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000 && this.#pending > 0; i++) {
      await new Promise<void>((r) => queueMicrotask(r));
    }
  }

  /** Deliver raw bytes (e.g. a malformed message) to the endpoint at `to`, as if sent from `from`. */
  inject(bytes: Uint8Array | string, route: { from: Endpoint; to: Endpoint; protocol?: TransportProtocol }): void {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
    const protocol = route.protocol ?? 'UDP';
    const peer = this.#endpoints.get(key(route.to.address, route.to.port));
    this.#schedule(undefined, buf, protocol, { address: bareHost(route.from.address), port: route.from.port }, peer, undefined);
  }

  /** Close every endpoint. */
  async close(): Promise<void> {
    await Promise.all([...this.#endpoints.values()].map((e) => e.close()));
  }

  /** @internal Called by an endpoint's `send`. */
  transmit(
    from: MemoryTransportLayer, message: SipRequest | SipResponse | undefined, bytes: Buffer, target: TransportTarget,
  ): PacketRecord['fate'] {
    const source = from.localEndpoint;
    if (!isReliableProtocol(target.protocol)) {
      const peer = this.#endpoints.get(key(target.address, target.port));
      return this.#schedule(message, bytes, target.protocol, source, peer?.listens(target.protocol) ? peer : undefined, undefined);
    }
    const conn = this.#connectionFor(from, target);
    const peer = conn.a === from ? conn.b : conn.a;
    return this.#schedule(message, bytes, target.protocol, source, peer, conn.id);
  }

  /** @internal Whether a connection is open. */
  hasConnection(id: string): boolean {
    return this.#connections.has(id);
  }

  /** @internal Called by an endpoint's `close`. */
  detach(ep: MemoryTransportLayer): void {
    const k = key(ep.localEndpoint.address, ep.localEndpoint.port);
    if (this.#endpoints.get(k) === ep) this.#endpoints.delete(k);
    for (const [id, c] of this.#connections) {
      if (c.a === ep || c.b === ep) {
        this.#connections.delete(id);
        c.a.connectionCountChanged(-1);
        c.b.connectionCountChanged(-1);
      }
    }
  }

  #connectionFor(from: MemoryTransportLayer, target: TransportTarget): Connection {
    if (target.connectionId !== undefined) {
      const c = this.#connections.get(target.connectionId);
      if (c !== undefined && (c.a === from || c.b === from)) return c;
    }
    const peer = this.#endpoints.get(key(target.address, target.port));
    if (peer === undefined || !peer.listens(target.protocol)) {
      throw new TransportError('ERR_TRANSPORT_CONNECT', `connection to ${target.protocol} ${target.address}:${target.port} refused`);
    }
    for (const c of this.#connections.values()) {
      if ((c.a === from && c.b === peer) || (c.a === peer && c.b === from)) return c;
    }
    const c: Connection = { id: `mem-${target.protocol.toLowerCase()}-${this.#nextConnection++}`, a: from, b: peer };
    this.#connections.set(c.id, c);
    from.connectionCountChanged(1);
    peer.connectionCountChanged(1);
    return c;
  }

  #schedule(
    message: SipRequest | SipResponse | undefined, bytes: Buffer, protocol: TransportProtocol, from: Endpoint,
    peer: MemoryTransportLayer | undefined, connectionId: string | undefined,
  ): PacketRecord['fate'] {
    const to: Endpoint = peer?.localEndpoint ?? { address: '0.0.0.0', port: 0 };
    const record = (fate: PacketRecord['fate']): void => {
      this.#history.push({ at: this.#clock.now(), protocol, from, to, message, bytes, fate });
      if (this.#history.length > this.#historyLimit) this.#history.shift();
    };
    if (peer === undefined) {
      record('lost');
      log('memory: %s packet from %s:%d lost (nobody there)', protocol, from.address, from.port);
      return 'lost';
    }
    const verdict = this.filter ? this.filter(message, from, to, protocol) : 'deliver';
    if (verdict === 'drop') {
      record('dropped');
      return 'dropped';
    }
    const meta: InboundMeta = connectionId === undefined
      ? { protocol, source: from, local: to }
      : { protocol, source: from, local: to, connectionId };
    const deliver = (): void => {
      this.#pending--;
      if (connectionId !== undefined && !this.#connections.has(connectionId)) return;
      peer.receive(bytes, meta);
    };
    this.#pending++;
    if (verdict === 'deliver') {
      record('delivered');
      queueMicrotask(deliver);
      return 'delivered';
    }
    record('delayed');
    this.#clock.setTimeout(deliver, Math.max(0, verdict.delayMs));
    return 'delayed';
  }
}

/** Create an in-memory network for tests (see {@link MemoryNetwork}). */
export function createMemoryNetwork(opts: MemoryNetworkOptions = {}): MemoryNetwork {
  return new MemoryNetwork(opts);
}
