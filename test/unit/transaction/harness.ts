import { expect, vi } from 'vitest';
import { createRequest, newBranch, newCallId, newTag, type SipRequest, type SipResponse } from '../../../src/sip/index.js';
import {
  createMemoryNetwork, type InboundMessage, type MemoryNetwork, type MemoryTransportLayer,
  type TransportProtocol, type TransportTarget,
} from '../../../src/transport/index.js';
import { TransactionLayer, type ClientTransaction, type ClientTransactionUser, type TransactionLayerOptions } from '../../../src/transaction/index.js';

/** Address of the endpoint whose transaction layer is under test. */
export const US = { address: '127.0.0.1', port: 5060 } as const;
/** Address of the raw peer (a bare transport: we play it by hand). */
export const PEER = { address: '127.0.0.2', port: 5060 } as const;

/** Milliseconds since the test's time origin (fake `Date`). */
export function now(t0: number): number {
  return Date.now() - t0;
}

/** A recorded message with the fake time it arrived at. */
export interface Seen<M> {
  readonly at: number;
  readonly message: M;
  readonly inbound: InboundMessage;
}

/**
 * Our transaction layer on one endpoint of an in-memory network, and a bare
 * peer transport whose received messages are recorded with their time.
 */
export class Harness {
  readonly net: MemoryNetwork;
  readonly ours: MemoryTransportLayer;
  readonly peer: MemoryTransportLayer;
  readonly layer: TransactionLayer;
  readonly t0: number;
  readonly atPeer: Seen<SipRequest | SipResponse>[] = [];
  readonly requests: { request: SipRequest; tx: unknown }[] = [];

  constructor(layerOpts: TransactionLayerOptions = {}) {
    this.net = createMemoryNetwork();
    this.ours = this.net.endpoint({ ...US });
    this.peer = this.net.endpoint({ ...PEER });
    this.layer = new TransactionLayer(this.ours, layerOpts);
    this.t0 = Date.now();
    this.peer.on('message', (inbound) => {
      this.atPeer.push({ at: Date.now() - this.t0, message: inbound.message, inbound });
    });
  }

  /** Requests the peer received with this method. */
  peerRequests(method: string): Seen<SipRequest>[] {
    return this.atPeer.filter((s) => s.message.isRequest() && (s.message as SipRequest).method === method) as Seen<SipRequest>[];
  }

  /** Responses the peer received. */
  peerResponses(status?: number): Seen<SipResponse>[] {
    return this.atPeer.filter((s) => s.message.isResponse() && (status === undefined || (s.message as SipResponse).status === status)) as Seen<SipResponse>[];
  }

  /** Target for a packet to our endpoint. */
  ourTarget(protocol: TransportProtocol = 'UDP'): TransportTarget {
    return { protocol, ...US };
  }

  /** Target for a packet to the peer. */
  peerTarget(protocol: TransportProtocol = 'UDP'): TransportTarget {
    return { protocol, ...PEER };
  }

  /** Send a request from the peer to us (Via sent-by filled by the peer's transport). */
  async peerSends(request: SipRequest, protocol: TransportProtocol = 'UDP'): Promise<SipRequest> {
    const prepared = this.peer.prepareRequest(request, this.ourTarget(protocol));
    await this.peer.send(prepared.request, prepared.target);
    await this.net.settle();
    return prepared.request;
  }

  /** Send a response from the peer to us. */
  async peerResponds(response: SipResponse, protocol: TransportProtocol = 'UDP'): Promise<void> {
    await this.peer.send(response, this.ourTarget(protocol));
    await this.net.settle();
  }

  /** Advance fake time, letting deliveries and promise callbacks run between timers. */
  async advance(ms: number): Promise<void> {
    await vi.advanceTimersByTimeAsync(ms);
    await this.net.settle();
  }

  /**
   * The after-each contract: no live transaction, then no pending timer, then
   * close everything.
   */
  async finish(): Promise<void> {
    await this.net.settle();
    expect(this.layer.counters.activeClientTransactions).toBe(0);
    expect(this.layer.counters.activeServerTransactions).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    this.layer.close();
    await this.net.close();
    expect(vi.getTimerCount()).toBe(0);
  }
}

/** Options of {@link makeRequest}. */
export interface RequestSpec {
  readonly method?: string;
  readonly uri?: string;
  readonly branch?: string | null;
  readonly callId?: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly cseq?: number;
  readonly route?: readonly string[];
  readonly from?: { address: string; port: number };
}

/**
 * A request from `spec.from` (default the peer) with one Via whose sent-by is
 * that address (the transport rewrites it on send anyway) and the given
 * branch (`null` = no branch, RFC 2543 style).
 */
export function makeRequest(spec: RequestSpec = {}): SipRequest {
  const method = spec.method ?? 'INVITE';
  const from = spec.from ?? PEER;
  const branch = spec.branch === undefined ? newBranch() : spec.branch;
  const via = `SIP/2.0/UDP ${from.address}:${from.port}${branch === null ? '' : `;branch=${branch}`}`;
  const toTag = spec.toTag === undefined ? '' : `;tag=${spec.toTag}`;
  return createRequest({
    method,
    uri: spec.uri ?? 'sip:bob@127.0.0.1:5060',
    from: `<sip:alice@example.com>;tag=${spec.fromTag ?? newTag()}`,
    to: `<sip:bob@example.com>${toTag}`,
    callId: spec.callId ?? newCallId(),
    cseq: spec.cseq ?? 1,
    via: [via],
    headers: (spec.route ?? []).map((r) => ['Route', r] as const),
  });
}

/** A transaction user that records everything. */
export class RecordingUser implements ClientTransactionUser {
  readonly responses: { at: number; response: SipResponse }[] = [];
  readonly timeouts: unknown[] = [];
  readonly transportErrors: unknown[] = [];
  readonly #t0: number;

  constructor(t0: number) {
    this.#t0 = t0;
  }

  onResponse(response: SipResponse, _tx: ClientTransaction): void {
    this.responses.push({ at: Date.now() - this.#t0, response });
  }

  onTimeout(_tx: ClientTransaction, error: unknown): void {
    this.timeouts.push(error);
  }

  onTransportError(error: unknown): void {
    this.transportErrors.push(error);
  }

  statuses(): number[] {
    return this.responses.map((r) => r.response.status);
  }
}
