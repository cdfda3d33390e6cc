/**
 * RTP port allocation: an even port for RTP and the next odd one for RTCP
 * (RFC 3550 §11), or a single port when RTP and RTCP are multiplexed
 * (RFC 5761), bound as UDP sockets from a configurable range.
 *
 * @module
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { InvalidArgumentError, randomIntBetween } from '../../util/index.js';
import { PortRangeExhaustedError } from './rtp-errors.js';

/** Options of a {@link PortAllocator}. */
export interface PortAllocatorOptions {
  /** Lowest port (default 10000). */
  readonly min?: number;
  /** Highest port (default 20000). */
  readonly max?: number;
  /** Address to bind (default `127.0.0.1`; an IPv6 literal binds udp6). */
  readonly address?: string;
}

/** A bound RTP (and RTCP) socket pair; release it exactly once. */
export interface PortPair {
  /** The bound address. */
  readonly address: string;
  /** The even RTP port. */
  readonly rtpPort: number;
  /** The RTCP port: `rtpPort + 1`, or `rtpPort` when muxed. */
  readonly rtcpPort: number;
  /** The RTP socket. */
  readonly rtpSocket: Socket;
  /** The RTCP socket, or `undefined` when muxed. */
  readonly rtcpSocket: Socket | undefined;
  /** Close the sockets and return the ports to the allocator (idempotent). */
  release(): Promise<void>;
}

/**
 * Hands out port pairs from a range, trying real binds so that ports taken by
 * other processes are skipped. The search starts at a random even port
 * (harder to predict, fewer collisions between processes) and walks the range
 * once; when nothing binds it throws {@link PortRangeExhaustedError}.
 */
export class PortAllocator {
  /** Lowest port of the range. */
  readonly min: number;
  /** Highest port of the range. */
  readonly max: number;
  /** Address the sockets are bound to. */
  readonly address: string;
  readonly #inUse = new Set<number>();

  /** @throws InvalidArgumentError on a bad range */
  constructor(options?: PortAllocatorOptions) {
    this.min = options?.min ?? 10000;
    this.max = options?.max ?? 20000;
    this.address = options?.address ?? '127.0.0.1';
    if (!Number.isInteger(this.min) || !Number.isInteger(this.max) || this.min < 1024 || this.max > 65535 || this.max <= this.min) {
      throw new InvalidArgumentError('media.portRange', `invalid range ${this.min}-${this.max} (1024-65535, min < max)`);
    }
  }

  /** Ports currently handed out by this allocator (RTP ports). */
  get allocated(): number {
    return this.#inUse.size;
  }

  /**
   * Bind a pair (or a single muxed port).
   * @param mux - one port for RTP and RTCP (RFC 5761)
   * @throws PortRangeExhaustedError when no port in the range binds
   */
  async allocate(mux = false): Promise<PortPair> {
    const first = this.min % 2 === 0 ? this.min : this.min + 1;
    const last = mux ? this.max : this.max - 1;
    const slots = Math.floor((last - first) / 2) + 1;
    if (slots <= 0) throw new PortRangeExhaustedError(this.min, this.max);
    const start = randomIntBetween(0, slots);
    for (let i = 0; i < slots; i++) {
      const port = first + ((start + i) % slots) * 2;
      if (this.#inUse.has(port)) continue;
      this.#inUse.add(port);
      const rtp = await bind(this.address, port);
      if (rtp === undefined) { this.#inUse.delete(port); continue; }
      let rtcp: Socket | undefined;
      if (!mux) {
        rtcp = await bind(this.address, port + 1);
        if (rtcp === undefined) {
          await closeSocket(rtp);
          this.#inUse.delete(port);
          continue;
        }
      }
      return this.#pair(port, rtp, rtcp);
    }
    throw new PortRangeExhaustedError(this.min, this.max);
  }

  #pair(port: number, rtpSocket: Socket, rtcpSocket: Socket | undefined): PortPair {
    let released: Promise<void> | undefined;
    return {
      address: this.address,
      rtpPort: port,
      rtcpPort: rtcpSocket === undefined ? port : port + 1,
      rtpSocket,
      rtcpSocket,
      release: () => {
        released ??= Promise.all([closeSocket(rtpSocket), rtcpSocket && closeSocket(rtcpSocket)]).then(() => {
          this.#inUse.delete(port);
        });
        return released;
      },
    };
  }
}

/** Bind a UDP socket; `undefined` when the port is taken or not permitted. */
function bind(address: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', reuseAddr: false, lookup: literalLookup() });
    const onError = (): void => {
      try { s.close(); } catch { /* never bound */ }
      resolve(undefined);
    };
    s.once('error', onError);
    s.bind({ address, port, exclusive: true }, () => {
      s.off('error', onError);
      resolve(s);
    });
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * The socket's address resolver. `dgram` resolves the destination of every
 * unconnected `send` through `dns.lookup`, which answers an IP literal on the
 * next tick after two regular-expression checks: per RTP packet, that is a
 * deferred call and a closure. An IP literal resolves to itself, so this
 * answers it at once (remembering the last literal seen, as a media socket
 * sends to one peer); names still go through `dns.lookup`.
 */
function literalLookup(): (hostname: string, options: LookupOneOptions | number, callback: LookupCallback) => void {
  let lastIp = '';
  let lastFamily = 0;
  return (hostname, options, callback) => {
    if (hostname !== lastIp) {
      const family = isIP(hostname);
      if (family === 0) {
        dnsLookup(hostname, options as LookupOneOptions, callback);
        return;
      }
      lastIp = hostname;
      lastFamily = family;
    }
    callback(null, lastIp, lastFamily);
  };
}

function closeSocket(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

