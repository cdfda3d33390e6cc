/**
 * Per-call SIP message traces (`session.trace()`): a tap on the transport the transaction layer
 * and the UA core send through and listen on, routed by Call-ID (RFC 3261 §20.8) to each
 * session's bounded {@link CallTrace}. The same tap adds the correlation header to the requests
 * of a call (see correlation.ts).
 *
 * @module
 */
import type { SipRequest, SipResponse } from '../sip/index.js';
import type { InboundMessage, SipTransportLayer, TransportLayerEvents, TransportTarget } from '../transport/index.js';

/** `in`: received from the network; `out`: handed to the transport to send. */
export type TraceDirection = 'in' | 'out';

/** One SIP message of a call's trace. */
export interface TraceEntry {
  /** When it was received or handed to the transport, ms since the Unix epoch. */
  readonly at: number;
  /** `in` or `out`. */
  readonly direction: TraceDirection;
  /** The start line, e.g. `INVITE sip:bob@example.com SIP/2.0` or `SIP/2.0 200 OK`. */
  readonly firstLine: string;
  /** Transport, address and port of the far end of the hop. */
  readonly peer: {
    /** `UDP`, `TCP`, ... */
    readonly protocol: string;
    /** IP address of the far end of the hop. */
    readonly address: string;
    /** Its port. */
    readonly port: number;
  };
  /** Size of the whole message in octets. */
  readonly size: number;
  /** The whole message as text (built on demand). */
  raw(): string;
}

/** What `session.trace()` returns: the messages kept, oldest first, and how many were dropped. */
export interface SipTrace {
  /** Messages in the order they were received or sent. */
  readonly messages: readonly TraceEntry[];
  /** Older messages dropped to stay within `trace.maxMessages` and `trace.maxBytes`. */
  readonly dropped: number;
}

/** Bounds of a {@link CallTrace}. */
export interface CallTraceLimits {
  /** Most messages kept (0: keep none). */
  readonly maxMessages: number;
  /** Most octets kept. */
  readonly maxBytes: number;
}

/** The bounded message list of one call: the oldest messages go first. */
export class CallTrace {
  readonly #limits: CallTraceLimits;
  #entries: TraceEntry[] = [];
  #bytes = 0;
  #dropped = 0;

  /** @param limits - most messages and octets kept */
  constructor(limits: CallTraceLimits) {
    this.#limits = limits;
  }

  /** Add a message; drop the oldest while the bounds are exceeded. */
  push(entry: TraceEntry): void {
    const { maxMessages, maxBytes } = this.#limits;
    if (maxMessages === 0 || entry.size > maxBytes) {
      this.#dropped++;
      return;
    }
    this.#entries.push(entry);
    this.#bytes += entry.size;
    let drop = 0;
    while (this.#entries.length - drop > maxMessages || this.#bytes > maxBytes) {
      this.#bytes -= this.#entries[drop]!.size;
      drop++;
    }
    if (drop > 0) {
      this.#entries = this.#entries.slice(drop);
      this.#dropped += drop;
    }
  }

  /** The messages kept now, oldest first, and the drop count. */
  snapshot(): SipTrace {
    return Object.freeze({ messages: Object.freeze([...this.#entries]), dropped: this.#dropped });
  }
}

/** What the router does with the messages of one call. */
export interface CallRoute {
  /** Where the call's messages are recorded; absent when tracing is off. */
  readonly trace?: CallTrace;
  /** Header added to every request of the call that lacks it (the correlation id). */
  readonly header?: { readonly name: string; readonly value: string };
}

interface Orphan {
  readonly callId: string;
  readonly entry: TraceEntry;
}

/** Messages kept for a Call-ID no session observes yet (an INVITE before its session exists). */
const MAX_ORPHANS = 64;
/** Calls that ended, still routed for late messages (the 200 to a BYE, retransmissions). */
const MAX_RECENT = 256;

function entryOf(message: SipRequest | SipResponse, direction: TraceDirection, peer: TraceEntry['peer']): TraceEntry {
  const bytes = message.serialize();
  const firstLine = message.startLine();
  return Object.freeze({
    at: Date.now(),
    direction,
    firstLine,
    peer: Object.freeze({ protocol: peer.protocol, address: peer.address, port: peer.port }),
    size: bytes.length,
    raw: () => bytes.toString('utf8'),
  });
}

function callIdOf(message: SipRequest | SipResponse): string | undefined {
  try {
    return message.callId;
  } catch {
    return undefined;
  }
}

/**
 * Routes SIP messages to the calls they belong to, by Call-ID. The session engine registers a
 * call with {@link SipMessageRouter.observe} when its session is created and
 * {@link SipMessageRouter.release}s it when the session ends (late messages are still recorded
 * for a while). Messages of a Call-ID not observed yet wait in a small buffer, so the INVITE that
 * creates a session (and the 100 Trying sent before the session exists) are not lost.
 */
export class SipMessageRouter {
  readonly #routes = new Map<string, CallRoute>();
  readonly #recent = new Map<string, CallRoute>();
  #orphans: Orphan[] = [];

  /** Listener for the transport's `message` event (register it before the transaction layer's). */
  readonly inbound = (m: InboundMessage): void => {
    const callId = callIdOf(m.message);
    if (callId === undefined) return;
    const route = this.#routes.get(callId) ?? this.#recent.get(callId);
    if (route !== undefined && route.trace === undefined) return;
    const entry = entryOf(m.message, 'in', { protocol: m.protocol, address: m.source.address, port: m.source.port });
    if (route !== undefined) route.trace?.push(entry);
    else this.#orphan(callId, entry);
  };

  /** Start routing the messages of `callId`; messages already seen for it are adopted. */
  observe(callId: string, route: CallRoute): void {
    this.#recent.delete(callId);
    this.#routes.set(callId, route);
    const mine = this.#orphans.filter((o) => o.callId === callId);
    if (mine.length === 0) return;
    this.#orphans = this.#orphans.filter((o) => o.callId !== callId);
    for (const o of mine) route.trace?.push(o.entry);
  }

  /** The call ended: keep routing its late messages until {@link MAX_RECENT} newer calls ended. */
  release(callId: string): void {
    const route = this.#routes.get(callId);
    if (route === undefined) return;
    this.#routes.delete(callId);
    this.#recent.set(callId, route);
    if (this.#recent.size > MAX_RECENT) this.#recent.delete(this.#recent.keys().next().value as string);
  }

  /** Forget every call (the engine closes). */
  clear(): void {
    this.#routes.clear();
    this.#recent.clear();
    this.#orphans = [];
  }

  /**
   * A message is about to be sent: add the call's header to a request that lacks it, record it,
   * and return what must be sent.
   */
  outbound<M extends SipRequest | SipResponse>(message: M, target: TransportTarget): M {
    const callId = callIdOf(message);
    if (callId === undefined) return message;
    const route = this.#routes.get(callId) ?? this.#recent.get(callId);
    let out = message;
    const header = route?.header;
    if (header !== undefined && message.isRequest() && !message.has(header.name)) out = message.withHeader(header.name, header.value) as M;
    if (route !== undefined && route.trace === undefined) return out;
    const entry = entryOf(out, 'out', target);
    if (route !== undefined) route.trace?.push(entry);
    else this.#orphan(callId, entry);
    return out;
  }

  #orphan(callId: string, entry: TraceEntry): void {
    this.#orphans.push({ callId, entry });
    if (this.#orphans.length > MAX_ORPHANS) this.#orphans.shift();
  }
}

/**
 * A {@link SipTransportLayer} that passes everything to `inner` and shows every message sent to
 * a {@link SipMessageRouter} first. Give it to the transaction layer and the UA core.
 */
export class TracingTransport implements SipTransportLayer {
  readonly #inner: SipTransportLayer;
  readonly #router: SipMessageRouter;

  /**
   * @param inner - the real transport layer
   * @param router - where outgoing messages are routed
   */
  constructor(inner: SipTransportLayer, router: SipMessageRouter) {
    this.#inner = inner;
    this.#router = router;
  }

  /** See {@link SipTransportLayer.counters}. */
  get counters(): SipTransportLayer['counters'] {
    return this.#inner.counters;
  }

  /** See {@link SipTransportLayer.resolve}. */
  resolve(...args: Parameters<SipTransportLayer['resolve']>): ReturnType<SipTransportLayer['resolve']> {
    return this.#inner.resolve(...args);
  }

  /** See {@link SipTransportLayer.prepareRequest}. */
  prepareRequest(...args: Parameters<SipTransportLayer['prepareRequest']>): ReturnType<SipTransportLayer['prepareRequest']> {
    return this.#inner.prepareRequest(...args);
  }

  /** Route the message (trace, correlation header), then send it. */
  send(message: SipRequest | SipResponse, target: TransportTarget): Promise<void> {
    return this.#inner.send(this.#router.outbound(message, target), target);
  }

  /** See {@link SipTransportLayer.responseTarget}. */
  responseTarget(...args: Parameters<SipTransportLayer['responseTarget']>): ReturnType<SipTransportLayer['responseTarget']> {
    return this.#inner.responseTarget(...args);
  }

  /** See {@link SipTransportLayer.isReliable}. */
  isReliable(...args: Parameters<SipTransportLayer['isReliable']>): boolean {
    return this.#inner.isReliable(...args);
  }

  /** See {@link SipTransportLayer.contactAddress}. */
  contactAddress(...args: Parameters<SipTransportLayer['contactAddress']>): ReturnType<SipTransportLayer['contactAddress']> {
    return this.#inner.contactAddress(...args);
  }

  /** See {@link SipTransportLayer.on}. */
  on<K extends keyof TransportLayerEvents & string>(event: K, listener: (...args: TransportLayerEvents[K]) => void): this {
    this.#inner.on(event, listener);
    return this;
  }

  /** See {@link SipTransportLayer.once}. */
  once<K extends keyof TransportLayerEvents & string>(event: K, listener: (...args: TransportLayerEvents[K]) => void): this {
    this.#inner.once(event, listener);
    return this;
  }

  /** See {@link SipTransportLayer.off}. */
  off<K extends keyof TransportLayerEvents & string>(event: K, listener: (...args: TransportLayerEvents[K]) => void): this {
    this.#inner.off(event, listener);
    return this;
  }

  /** See {@link SipTransportLayer.close}. */
  close(): Promise<void> {
    return this.#inner.close();
  }
}
