import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { TransportError } from './errors.js';
import type { Endpoint } from './types.js';

/** Receive and send buffer size asked for on every SIP UDP socket (4 MiB). */
const UDP_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * One bound UDP socket (node:dgram), IPv4 or IPv6 according to the bind
 * address. Sends resolve once the datagram is handed to the kernel.
 */
export class UdpSocket {
  readonly #socket: Socket;
  readonly #family: 4 | 6;
  #local: Endpoint | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * @param host - numeric bind address
   * @param onMessage - each datagram with its source
   * @param onError - socket-level errors after binding
   */
  constructor(
    host: string,
    onMessage: (data: Buffer, source: Endpoint) => void,
    onError: (err: Error) => void,
  ) {
    this.#family = isIP(host) === 6 ? 6 : 4;
    this.#socket = createSocket({ type: this.#family === 6 ? 'udp6' : 'udp4', ipv6Only: this.#family === 6 });
    this.#socket.on('message', (data: Buffer, rinfo: RemoteInfo) => onMessage(data, { address: rinfo.address, port: rinfo.port }));
    this.#socket.on('error', (err) => {
      if (this.#local !== undefined) onError(err);
    });
  }

  /** Address family of the socket. */
  get family(): 4 | 6 {
    return this.#family;
  }

  /** Bound address and port (after {@link UdpSocket.bind}). */
  get local(): Endpoint {
    if (this.#local === undefined) throw new TransportError('ERR_TRANSPORT_CLOSED', 'UDP socket is not bound');
    return this.#local;
  }

  /** Bind; rejects with `ERR_TRANSPORT_BIND`. */
  bind(host: string, port: number): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new TransportError('ERR_TRANSPORT_BIND', `cannot bind UDP ${host}:${port}: ${err.message}`, { cause: err }));
      };
      this.#socket.once('error', onError);
      this.#socket.bind({ address: host, port, exclusive: true }, () => {
        this.#socket.off('error', onError);
        // A burst of datagrams while the event loop is busy (GC, a slow handler) must queue in the
        // kernel rather than be dropped: the default (~208 KiB) holds only a few hundred INVITEs.
        // The kernel caps the request at net.core.rmem_max / wmem_max.
        try {
          this.#socket.setRecvBufferSize(UDP_SOCKET_BUFFER_BYTES);
          this.#socket.setSendBufferSize(UDP_SOCKET_BUFFER_BYTES);
        } catch {
          /* keep the system default */
        }
        const a = this.#socket.address();
        this.#local = { address: a.address, port: a.port };
        resolve(this.#local);
      });
    });
  }

  /** Send one datagram; rejects with `ERR_TRANSPORT_SEND` or `ERR_TRANSPORT_CLOSED`. */
  send(bytes: Buffer, to: Endpoint): Promise<void> {
    if (this.#closed) return Promise.reject(new TransportError('ERR_TRANSPORT_CLOSED', 'UDP socket is closed'));
    if (isIP(to.address) !== this.#family) {
      return Promise.reject(new TransportError('ERR_TRANSPORT_SEND', `cannot send to ${to.address} from an IPv${this.#family} socket`));
    }
    return new Promise((resolve, reject) => {
      this.#socket.send(bytes, to.port, to.address, (err) => {
        if (err) reject(new TransportError('ERR_TRANSPORT_SEND', `UDP send to ${to.address}:${to.port} failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  /** Close the socket; resolves when it is closed. Idempotent. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // never bound or already closed
      }
    });
    return this.#closing;
  }
}
