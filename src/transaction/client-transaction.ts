import type { SipRequest, SipResponse } from '../sip/index.js';
import type { TransportError, TransportTarget } from '../transport/index.js';
import type { TransactionError, TransactionTimeoutError } from './errors.js';
import type { IctState } from './ict-machine.js';
import type { NictState } from './nict-machine.js';

/** State of a client transaction: INVITE (§17.1.1, RFC 6026) or non-INVITE (§17.1.2). */
export type ClientTransactionState = IctState | NictState;

/**
 * The transaction user (UAC core, dialog) of a client transaction
 * (RFC 3261 §17.1). Exceptions thrown by these callbacks are caught and logged.
 */
export interface ClientTransactionUser {
  /**
   * Every response the transaction passes up: provisional and final; for an
   * INVITE in Accepted (RFC 6026) also each retransmitted 2xx, which the UAC
   * core must ACK again. Timeouts and transport errors arrive here too, as a
   * synthesised 408 (Timer B/F, §17.1.1.2) or 503 (§8.1.3.1).
   */
  onResponse(response: SipResponse, tx: ClientTransaction): void;
  /** Timer B or F fired: called right after the synthesised 408. */
  onTimeout?(tx: ClientTransaction, error: TransactionTimeoutError): void;
  /**
   * The transport failed to send (or the target did not resolve). Called after
   * the synthesised 503 when no final response had been passed up; alone when
   * the failure concerns a later send (the ACK of a non-2xx final response).
   */
  onTransportError?(error: TransportError | TransactionError, tx: ClientTransaction): void;
}

/** Events of a {@link ClientTransaction}. */
export type ClientTransactionEvents = {
  /** The transaction reached Terminated (also when the layer closes). */
  terminated: [ClientTransaction];
};

/**
 * A client transaction (RFC 3261 §17.1), created by
 * `TransactionLayer.sendRequest`. CANCEL is not a method of it: the UAC core
 * builds one with `createCancel(tx.request)` and sends it as a transaction of
 * its own (§9.1).
 */
export interface ClientTransaction {
  /** Transaction key (§17.1.3): top Via branch and CSeq method. */
  readonly id: string;
  /** INVITE or non-INVITE machine. */
  readonly kind: 'invite' | 'non-invite';
  /** The request as sent (after `prepareRequest` filled the Via), or as given while the target resolves. */
  readonly request: SipRequest;
  /** Where the request went; `undefined` while the target is still resolving. */
  readonly target: TransportTarget | undefined;
  /** Current state. */
  readonly state: ClientTransactionState;
  /** Add a listener. */
  on<K extends keyof ClientTransactionEvents & string>(event: K, listener: (...args: ClientTransactionEvents[K]) => void): this;
  /** Add a one-shot listener. */
  once<K extends keyof ClientTransactionEvents & string>(event: K, listener: (...args: ClientTransactionEvents[K]) => void): this;
  /** Remove a listener. */
  off<K extends keyof ClientTransactionEvents & string>(event: K, listener: (...args: ClientTransactionEvents[K]) => void): this;
}

/**
 * Client transaction as the layer drives it.
 * @internal
 */
export interface ClientTransactionDriver extends ClientTransaction {
  /** Target resolved and Via prepared: send and start the timers. */
  start(request: SipRequest, target: TransportTarget): void;
  /** Target resolution failed: synthesise 503 and terminate. */
  fail(error: TransportError | TransactionError): void;
  /** A response matched this transaction (§17.1.3). */
  receiveResponse(response: SipResponse): void;
  /** Layer closing: stop every timer, no callbacks. */
  halt(): void;
}
