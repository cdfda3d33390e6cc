import { SiplineError } from '../util/index.js';

/** Stable codes of {@link TransportError}. */
export type TransportErrorCode =
  | 'ERR_TRANSPORT_SEND'
  | 'ERR_TRANSPORT_CONNECT'
  | 'ERR_TRANSPORT_CLOSED'
  | 'ERR_TRANSPORT_BIND'
  | 'ERR_TRANSPORT_RESOLVE'
  | 'ERR_TRANSPORT_UNSUPPORTED'
  | 'ERR_TRANSPORT_SOCKET'
  | 'ERR_TRANSPORT_TLS';

/**
 * A transport-level failure: a send that could not be handed to a socket, a
 * connection that could not be opened or was closed, a name that did not
 * resolve (RFC 3263), a port that could not be bound, a TLS handshake or
 * certificate verification that failed (`ERR_TRANSPORT_TLS`). The transaction layer
 * turns it into a synthesised 503 (RFC 3261 §8.1.3.1).
 */
export class TransportError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: TransportErrorCode;

  /**
   * @param code - which condition
   * @param message - human-readable description
   * @param options - the underlying socket or DNS error
   */
  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
