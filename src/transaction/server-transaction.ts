import type { SipRequest, SipResponse } from '../sip/index.js';
import type { InboundMessage, TransportError } from '../transport/index.js';
import type { TransactionTimeoutError } from './errors.js';
import type { IstState } from './ist-machine.js';
import type { NistState } from './nist-machine.js';

/** State of a server transaction: INVITE (§17.2.1, RFC 6026) or non-INVITE (§17.2.2). */
export type ServerTransactionState = IstState | NistState;

/** Events of a {@link ServerTransaction}. */
export type ServerTransactionEvents = {
  /** The transaction reached Terminated (also when the layer closes). */
  terminated: [ServerTransaction];
  /**
   * A CANCEL matched this INVITE transaction before it sent a final response
   * (§9.2). The layer already answered the CANCEL with 200; the UAS core now
   * answers the INVITE with 487 (Request Terminated) through {@link ServerTransaction.respond}.
   * When nobody listens to this event, the transaction sends that 487 itself.
   */
  cancelled: [cancel: SipRequest, tx: ServerTransaction];
  /** A response could not be sent (§17.2.4); the transaction terminates, except in Accepted (RFC 6026). */
  'transport-error': [error: TransportError, tx: ServerTransaction];
  /** Timer H fired: no ACK came for the non-2xx final response (§17.2.1). */
  timeout: [error: TransactionTimeoutError, tx: ServerTransaction];
};

/**
 * A server transaction (RFC 3261 §17.2), handed to the TU with each new request.
 */
export interface ServerTransaction {
  /** Transaction key (§17.2.3). */
  readonly id: string;
  /** INVITE or non-INVITE machine. */
  readonly kind: 'invite' | 'non-invite';
  /** The request that created the transaction. */
  readonly request: SipRequest;
  /** How that request arrived. */
  readonly inbound: InboundMessage;
  /** Current state. */
  readonly state: ServerTransactionState;
  /** The most recent response sent (by the TU, or our own 100 Trying). */
  readonly lastResponse: SipResponse | undefined;
  /**
   * Send a response (§17.2.1, §17.2.2). INVITE: 1xx stays in Proceeding; 2xx
   * moves to Accepted (RFC 6026), where later 2xx from the TU (its §13.3.1.4
   * retransmissions) are sent too; 3xx-6xx moves to Completed (Timers G, H).
   * Non-INVITE: 1xx to Proceeding, final to Completed (Timer J).
   *
   * A response the state does not accept (a second final response, anything
   * after Terminated) is discarded, except that an INVITE 2xx after
   * Terminated is still sent, so that a UAS core retransmitting 2xx past
   * Timer L never loses one.
   * @throws InvalidArgumentError when `response` has a status outside 100-699.
   */
  respond(response: SipResponse): void;
  /** Add a listener. */
  on<K extends keyof ServerTransactionEvents & string>(event: K, listener: (...args: ServerTransactionEvents[K]) => void): this;
  /** Add a one-shot listener. */
  once<K extends keyof ServerTransactionEvents & string>(event: K, listener: (...args: ServerTransactionEvents[K]) => void): this;
  /** Remove a listener. */
  off<K extends keyof ServerTransactionEvents & string>(event: K, listener: (...args: ServerTransactionEvents[K]) => void): this;
}

/**
 * Server transaction as the layer drives it.
 * @internal
 */
export interface ServerTransactionDriver extends ServerTransaction {
  /** A retransmission of the request matched this transaction. */
  receiveRequest(inbound: InboundMessage): void;
  /** An ACK matched this (INVITE) transaction. */
  receiveAck(inbound: InboundMessage): void;
  /** A CANCEL matched this transaction (§9.2). */
  receiveCancel(cancel: SipRequest): void;
  /** Layer closing: stop every timer. */
  halt(): void;
}
