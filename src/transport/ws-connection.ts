import { isUtf8 } from 'node:buffer';
import type { WebSocket } from 'ws';
import type { TimerHandle } from '../util/index.js';
import { TransportError } from './errors.js';
import type { Endpoint } from './types.js';

/**
 * One WebSocket connection carrying SIP (RFC 7118): each WebSocket message is
 * one SIP message, text or binary.
 */
export class WsConnection {
  /** Stable id, used as `TransportTarget.connectionId`. */
  readonly id: string;
  /** The peer's address and port. */
  readonly remote: Endpoint;
  /** Our side. */
  readonly local: Endpoint;
  /** Who opened it. */
  readonly direction: 'inbound' | 'outbound';
  /** Host names learnt from the peer's Via and Contact headers (browsers use random `.invalid` names). */
  readonly aliases = new Set<string>();
  /** @internal */
  readonly socket: WebSocket;
  /** @internal resolves when the socket has closed. */
  readonly closed: Promise<void>;
  /** @internal Clock time of the last traffic either way (pongs included). */
  lastActivity = 0;
  /** @internal a ping is outstanding. */
  pinged = false;
  /** @internal */
  idleTimer: TimerHandle | undefined;
  /** @internal called on every write. */
  onWrite: (() => void) | undefined;

  /** @internal */
  constructor(id: string, socket: WebSocket, remote: Endpoint, local: Endpoint, direction: 'inbound' | 'outbound') {
    this.id = id;
    this.direction = direction;
    this.socket = socket;
    this.remote = remote;
    this.local = local;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** True while the connection can carry messages. */
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /**
   * Send one SIP message as one WebSocket message: a text frame when it is valid
   * UTF-8, a binary frame otherwise (RFC 7118 §5.1). Rejects with `ERR_TRANSPORT_CLOSED`
   * or `ERR_TRANSPORT_SEND`.
   */
  write(bytes: Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new TransportError('ERR_TRANSPORT_CLOSED', `connection ${this.id} is closed`));
    this.onWrite?.();
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, { binary: !isUtf8(bytes) }, (err) => {
        if (err) reject(new TransportError('ERR_TRANSPORT_SEND', `write on ${this.id} failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }
}
