/**
 * Transaction layer (RFC 3261 §17, RFC 6026): the four transaction state
 * machines with their timers, request/response matching (§17.1.3, §17.2.3
 * with the RFC 2543 fallback), CANCEL (§9), merged-request detection
 * (§8.2.2.2) and an overload cap.
 * @packageDocumentation
 */
export { TransactionLayer } from './transaction-layer.js';
export type { TransactionLayerOptions, TransactionLayerEvents } from './transaction-layer.js';
export type {
  ClientTransaction, ClientTransactionUser, ClientTransactionEvents, ClientTransactionState,
} from './client-transaction.js';
export type { ServerTransaction, ServerTransactionEvents, ServerTransactionState } from './server-transaction.js';
export type { TransactionCounters } from './context.js';
export { DEFAULT_TIMERS, timerValues } from './timers.js';
export type { TimerConfig, TimerValues } from './timers.js';
export { createCancel, createAckForNon2xx } from './builders.js';
export { TransactionError, TransactionTimeoutError } from './errors.js';
export type { TransactionErrorReason } from './errors.js';
