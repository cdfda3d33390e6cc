import type { SipLimits, SipRequest, SipResponse, SipUri } from '../sip/index.js';
import type { TransportError } from './errors.js';

/** The transport protocols a Via header can name (RFC 3261 §18, RFC 7118 for WS/WSS). */
export type TransportProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** One side of a packet or connection: a numeric IP address (IPv6 without brackets) and a port. */
export interface Endpoint {
  /** Numeric IPv4 or IPv6 address; IPv6 is written without brackets. */
  readonly address: string;
  /** UDP/TCP port number. */
  readonly port: number;
}

/** Where to send a message: protocol, numeric address, port, and optionally an open connection. */
export interface TransportTarget {
  /** The transport to use. */
  readonly protocol: TransportProtocol;
  /** Numeric IP address (IPv6 without brackets). */
  readonly address: string;
  /** Destination port. */
  readonly port: number;
  /**
   * Send on this existing connection (responses over TCP, §18.2.2). When the
   * connection is no longer open, the message goes to `address:port` instead.
   */
  readonly connectionId?: string;
  /**
   * Host name the target was resolved from (RFC 3263), when it was a name: TLS
   * uses it for SNI and to check the server certificate (RFC 5922 §7.2).
   */
  readonly serverName?: string;
}

/** A message that arrived and parsed, with where it came from. */
export interface InboundMessage {
  /** The message. For requests the top Via already has `received`/`rport` filled (§18.2.1, RFC 3581). */
  readonly message: SipRequest | SipResponse;
  /** Transport it arrived on. */
  readonly protocol: TransportProtocol;
  /** Source address and port of the packet or connection. */
  readonly source: Endpoint;
  /** Local address and port it arrived at. */
  readonly local: Endpoint;
  /** Connection it arrived on (reliable transports only). */
  readonly connectionId?: string;
}

/** Events of a {@link SipTransportLayer}. */
export type TransportLayerEvents = {
  /** A message arrived and parsed (after the §18.2.1 / §18.1.2 checks). */
  message: [InboundMessage];
  /** A socket-level problem (not a per-send failure, which rejects `send`). */
  error: [TransportError];
};

/** Counters of a transport layer; every field only grows except `tcpConnections`. */
export interface TransportCounters {
  /** Messages that arrived and parsed (before the response sent-by check). */
  messagesIn: number;
  /** Messages handed to a socket (requests and responses, including our own 400s). */
  messagesOut: number;
  /** Octets received (datagrams and stream chunks, keep-alives included). */
  bytesIn: number;
  /** Octets sent. */
  bytesOut: number;
  /** Inbound messages or streams that failed to parse or frame. */
  parseFailures: number;
  /** Parse failures that we answered with a 4xx/5xx (400, 505, ...). */
  badRequestsAnswered: number;
  /** Responses dropped because their top Via sent-by is not ours (§18.1.2). */
  droppedResponses: number;
  /** Outbound messages lost: UDP to nowhere (in-memory network) or dropped by a filter. */
  droppedMessages: number;
  /** `send` calls that rejected. */
  sendErrors: number;
  /** TCP connections currently open (inbound and outbound). */
  tcpConnections: number;
  /** TCP connections ever opened or accepted. */
  tcpConnectionsTotal: number;
  /** TCP connections refused because of the connection limit. */
  tcpConnectionsRefused: number;
  /** TCP connections closed by the idle timer. */
  tcpIdleClosed: number;
  /** RFC 5626 CRLFCRLF pings answered with a CRLF pong. */
  keepalivesAnswered: number;
  /** Requests moved from UDP to TCP because they exceed the UDP size limit (§18.1.1). */
  udpToTcpSwitches: number;
  /** TLS connections currently open (inbound and outbound). */
  tlsConnections: number;
  /** TLS connections ever established (handshake done) or accepted. */
  tlsConnectionsTotal: number;
  /** TLS connections refused because of the connection limit. */
  tlsConnectionsRefused: number;
  /** TLS connections closed by the idle timer. */
  tlsIdleClosed: number;
  /** TLS handshakes that failed (either direction: bad certificate, protocol error, timeout). */
  tlsHandshakeFailures: number;
  /** WebSocket (WS and WSS) connections currently open. */
  wsConnections: number;
  /** WebSocket connections ever accepted or opened. */
  wsConnectionsTotal: number;
  /** WebSocket upgrades refused: no `sip` subprotocol, wrong path, or the connection limit (RFC 7118 §4). */
  wsConnectionsRefused: number;
  /** WebSocket connections closed because they stayed silent and did not answer a ping. */
  wsIdleClosed: number;
}

/** A fresh, zeroed counters object. */
export function zeroCounters(): TransportCounters {
  return {
    messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, parseFailures: 0, badRequestsAnswered: 0,
    droppedResponses: 0, droppedMessages: 0, sendErrors: 0, tcpConnections: 0, tcpConnectionsTotal: 0,
    tcpConnectionsRefused: 0, tcpIdleClosed: 0, keepalivesAnswered: 0, udpToTcpSwitches: 0,
    tlsConnections: 0, tlsConnectionsTotal: 0, tlsConnectionsRefused: 0, tlsIdleClosed: 0, tlsHandshakeFailures: 0,
    wsConnections: 0, wsConnectionsTotal: 0, wsConnectionsRefused: 0, wsIdleClosed: 0,
  };
}

/**
 * The transport layer as the transaction and dialog layers see it (RFC 3261
 * §18, RFC 3581, RFC 3263). Implemented by {@link TransportLayer} over real
 * sockets and by the in-memory network's endpoints for tests.
 */
export interface SipTransportLayer {
  /** RFC 3263 resolution of a URI (numeric hosts direct; names via DNS: NAPTR/SRV when no port, then A/AAAA). */
  resolve(uri: SipUri): Promise<TransportTarget[]>;
  /**
   * Top Via sent-by and transport from the socket that will be used for
   * `target`, `rport` added (RFC 3581); the branch is untouched. Picks TCP when
   * the request exceeds the UDP limit (§18.1.1); the returned target says which.
   */
  prepareRequest(request: SipRequest, target: TransportTarget): { request: SipRequest; target: TransportTarget };
  /** Send an already prepared message. Rejects with a {@link TransportError}. */
  send(message: SipRequest | SipResponse, target: TransportTarget): Promise<void>;
  /** §18.2.2 + RFC 3581: where a response to this inbound request goes. */
  responseTarget(inbound: InboundMessage): TransportTarget;
  /** True for connection-oriented transports (TCP, TLS, WS, WSS). */
  isReliable(protocol: TransportProtocol): boolean;
  /** Address and port to advertise (Contact) for a protocol: the public address if configured. */
  contactAddress(protocol: TransportProtocol): Endpoint;
  /** Live counters (read-only view). */
  readonly counters: Readonly<TransportCounters>;
  /** Add a listener. */
  on<K extends keyof TransportLayerEvents & string>(event: K, listener: (...args: TransportLayerEvents[K]) => void): this;
  /** Add a one-shot listener. */
  once<K extends keyof TransportLayerEvents & string>(event: K, listener: (...args: TransportLayerEvents[K]) => void): this;
  /** Remove a listener. */
  off<K extends keyof TransportLayerEvents & string>(event: K, listener: (...args: TransportLayerEvents[K]) => void): this;
  /** Close every socket and connection; resolves once all are closed. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link TransportLayer.create}. */
export interface TransportLayerOptions {
  /** Numeric bind address (IPv4 or IPv6); default `127.0.0.1`. Never a wildcard by default. */
  readonly host?: string;
  /** Port for every transport; `0` picks one ephemeral port shared by UDP and TCP. Default 5060. */
  readonly port?: number;
  /**
   * Transports to open; default `['UDP', 'TCP']`. `TLS` and `WSS` need {@link TransportLayerOptions.tls};
   * `TLS` listens on `tls.port`, `WS` on `ws.port`, `WSS` on `wss.port`.
   */
  readonly transports?: readonly TransportProtocol[];
  /** TLS settings (certificate, key, CA, verification); required for `TLS` and `WSS`. */
  readonly tls?: import('./tls-dialect.js').TlsSettings;
  /** WebSocket (RFC 7118) listener of `WS`. */
  readonly ws?: import('./ws-server.js').WsListenSettings;
  /** Secure WebSocket listener of `WSS` (uses the certificate of {@link TransportLayerOptions.tls}). */
  readonly wss?: import('./ws-server.js').WsListenSettings;
  /** What Via and Contact advertise when it differs from the bind address (e.g. behind NAT). */
  readonly publicAddress?: string | Endpoint;
  /** Parser limits passed to the message layer. */
  readonly limits?: Partial<SipLimits>;
  /**
   * Close a TCP or TLS connection after this long without traffic either way; a silent
   * WebSocket connection is pinged after this long and closed one period later without a pong.
   * Default 120 000 ms.
   */
  readonly tcpIdleTimeoutMs?: number;
  /** Give up an outbound TCP connect after this long. Default 10 000 ms. */
  readonly tcpConnectTimeoutMs?: number;
  /** Most TCP connections open at once (inbound + outbound). Default 1024. */
  readonly maxTcpConnections?: number;
  /** Size above which a UDP request goes over TCP (§18.1.1). Default 1300. */
  readonly udpMtuLimit?: number;
  /** Clock for the idle and connect timers (fake timers in tests). */
  readonly clock?: import('../util/index.js').Clock;
  /** DNS used by {@link SipTransportLayer.resolve}; default `node:dns/promises`. */
  readonly resolver?: import('./resolver.js').DnsResolver;
}
