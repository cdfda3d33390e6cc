import createDebug from 'debug';
import { createErrorResponse, parseMessage, reasonPhrase, SipParseError } from '../sip/index.js';
import type { SipLimits, SipRequest, SipResponse } from '../sip/index.js';
import { buildRawErrorResponse, scanSurvivingHeaders, survivorsFromPartial } from './raw-error-response.js';
import type { Endpoint, InboundMessage, TransportCounters, TransportProtocol } from './types.js';
import { isRequest, isSentByUs, stampReceived } from './via-rules.js';

const log = createDebug('sipline:transport');

/** What the inbound pipeline needs from the transport that owns it. */
export interface InboundOwner {
  /** Counters to update. */
  readonly counters: TransportCounters;
  /** Parser limits. */
  readonly limits: Partial<SipLimits> | undefined;
  /** Host names/addresses and ports that a response's top Via must name to be ours (§18.1.2). */
  sentBy(protocol: TransportProtocol): { names: readonly string[]; ports: readonly number[] };
  /** Hand a message to the layer above. */
  deliver(inbound: InboundMessage): void;
}

/** Where one inbound message or frame came from. */
export interface InboundMeta {
  readonly protocol: TransportProtocol;
  readonly source: Endpoint;
  readonly local: Endpoint;
  readonly connectionId?: string;
}

/** Serialise a message for the wire. */
export function toWire(message: SipRequest | SipResponse): Buffer {
  const out: unknown = message.serialize();
  if (typeof out === 'string') return Buffer.from(out, 'utf8');
  if (out instanceof Uint8Array) return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  throw new TypeError('serialize() returned neither a string nor bytes');
}

/**
 * Parse one datagram or one framed stream message and pass it up, applying
 * RFC 3261 §18.2.1 / RFC 3581 (stamp `received`/`rport` on requests) and
 * §18.1.2 (drop responses whose top Via is not ours). A parse failure is
 * answered through `reply` when a response can be built, else dropped; both
 * are counted.
 */
export function handleInbound(
  owner: InboundOwner, bytes: Buffer, meta: InboundMeta, reply: (bytes: Buffer) => void,
): void {
  let message: SipRequest | SipResponse;
  try {
    // RFC 7118 §5: a WebSocket message is one whole SIP message, so Content-Length is optional (datagram rules).
    const datagram = meta.protocol === 'UDP' || meta.protocol === 'WS' || meta.protocol === 'WSS';
    message = parseMessage(bytes, { datagram, limits: owner.limits });
  } catch (err) {
    answerParseFailure(owner, err, bytes, meta, reply);
    return;
  }
  try {
    // The message layer parses headers lazily: make sure those every layer relies on are sound.
    void message.topVia; void message.from; void message.to; void message.callId; void message.cseq;
  } catch (err) {
    answerParseFailure(owner, err, bytes, meta, reply, isRequest(message));
    return;
  }
  owner.counters.messagesIn++;
  if (isRequest(message)) {
    const stamped = stampReceived(message, meta.source);
    owner.deliver({ ...meta, message: stamped });
    return;
  }
  const { names, ports } = owner.sentBy(meta.protocol);
  if (!isSentByUs(message, names, ports)) {
    owner.counters.droppedResponses++;
    log('dropped %d response whose top Via is not ours (%s:%d)', message.status, meta.source.address, meta.source.port);
    return;
  }
  owner.deliver({ ...meta, message });
}

/**
 * Count a parse or framing failure and, for a request with enough surviving
 * headers, send the error response named by the parser (400, 505, ...).
 * @returns true when a response was sent
 */
export function answerParseFailure(
  owner: InboundOwner, err: unknown, bytes: Uint8Array | undefined, meta: InboundMeta, reply: (bytes: Buffer) => void,
  request?: boolean,
): boolean {
  owner.counters.parseFailures++;
  if (!(err instanceof SipParseError)) {
    log('unexpected error from the parser from %s:%d: %O', meta.source.address, meta.source.port, err);
    return false;
  }
  if (err.silent || err.status === undefined || request === false) {
    log('dropped unparsable message from %s:%d: %s', meta.source.address, meta.source.port, err.message);
    return false;
  }
  let response: Buffer | undefined;
  if (err.partial?.method === 'ACK') return false; // an ACK is never answered (§17.2.1)
  const built = createErrorResponse(err);
  if (built !== undefined) {
    response = toWire(built);
  } else if (err.partial?.isRequest !== false) {
    // The message layer parses some headers lazily: its error then has no partial parse, so scan the bytes.
    const survivors = (err.partial && survivorsFromPartial(err.partial)) ?? (bytes && scanSurvivingHeaders(bytes));
    response = survivors && buildRawErrorResponse(survivors, err.status, err.responseReason ?? reasonPhrase(err.status));
  }
  if (response === undefined) {
    log('dropped unparsable message from %s:%d (cannot answer): %s', meta.source.address, meta.source.port, err.message);
    return false;
  }
  log('answering unparsable request from %s:%d with %d %s', meta.source.address, meta.source.port, err.status, err.responseReason);
  owner.counters.badRequestsAnswered++;
  reply(response);
  return true;
}
