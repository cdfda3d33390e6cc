import type { Debugger } from 'debug';
import { TransportError } from '../transport/index.js';
import type { TransactionError } from './errors.js';

/** Event data of a `transport-error` event. @internal */
export interface FailureData {
  readonly error: TransportError | TransactionError;
}

/** Run a transaction-user callback; an exception is logged, never propagated into the state machine. @internal */
export function guardUser(log: Debugger, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log('transaction user threw: %O', err);
  }
}

/** Convert whatever a send rejected with into a {@link TransportError} (layer boundary, STYLE.md habit 7). @internal */
export function asTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError('ERR_TRANSPORT_SEND', `send failed: ${message}`, { cause: err });
}
