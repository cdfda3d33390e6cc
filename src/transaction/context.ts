import type { Debugger } from 'debug';
import type { Clock } from '../util/index.js';
import type { InboundMessage, SipTransportLayer } from '../transport/index.js';
import type { TimerConfig } from './timers.js';

/** Counters of a transaction layer (every field only grows, except the two `active*` gauges). */
export interface TransactionCounters {
  /** Client transactions not yet terminated. */
  activeClientTransactions: number;
  /** Server transactions not yet terminated. */
  activeServerTransactions: number;
  /**
   * Transactions (client + server) that have not reached a final response yet
   * (Trying, Proceeding, Calling): the ones `maxTransactions` bounds.
   */
  pendingTransactions: number;
  /**
   * Transactions (client + server) past their final response that only wait
   * out Timer D, I, J, K, L or M to absorb retransmissions: the ones
   * `maxLingeringTransactions` bounds.
   */
  lingeringTransactions: number;
  /** Requests and responses we sent again: Timers A/E/G, and answers to retransmitted requests. */
  retransmissionsSent: number;
  /** Request retransmissions absorbed by server transactions and response retransmissions seen by client transactions. */
  retransmissionsReceived: number;
  /** Timers B, F and H that fired. */
  timeouts: number;
  /** Sends that failed (and target resolutions that gave nothing). */
  transportErrors: number;
  /** New requests answered 503 because `maxTransactions` was reached. */
  overloadRejections: number;
  /** Responses that matched no client transaction (emitted as `stray-response`). */
  strayResponses: number;
}

/** A fresh, zeroed counters object. */
export function zeroTransactionCounters(): TransactionCounters {
  return {
    activeClientTransactions: 0, activeServerTransactions: 0, pendingTransactions: 0, lingeringTransactions: 0,
    retransmissionsSent: 0,
    retransmissionsReceived: 0, timeouts: 0, transportErrors: 0, overloadRejections: 0, strayResponses: 0,
  };
}

/**
 * What a transaction needs from the layer that owns it.
 * @internal
 */
export interface TransactionContext {
  readonly clock: Clock;
  readonly timers: TimerConfig;
  readonly transport: SipTransportLayer;
  readonly counters: TransactionCounters;
  /** Delay before an INVITE server transaction sends 100 (Trying) itself (§17.2.1: 200 ms). */
  readonly tryingDelayMs: number;
  readonly log: Debugger;
  /** An ACK reached an INVITE server transaction in Accepted (RFC 6026 §8.7): pass it to the TU. */
  passAck(ack: InboundMessage): void;
  /**
   * Called once when a transaction leaves its pending states (Trying,
   * Proceeding, Calling) for a state past the final response; it then only
   * lingers to absorb retransmissions. Not called when it terminates straight
   * from a pending state.
   */
  settled(tx: object): void;
  /** Called once when a transaction reaches Terminated (or is halted); `lingered` when {@link TransactionContext.settled} was called before. */
  removed(tx: object, lingered: boolean): void;
}
