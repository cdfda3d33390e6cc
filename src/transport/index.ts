/**
 * Transport layer (RFC 3261 §18, RFC 3581, RFC 3263): UDP, TCP, TLS (§26) and
 * WebSocket (RFC 7118) sockets,
 * stream framing, Via sent-by/received/rport, response routing, resolution,
 * and an in-memory network for the upper layers' tests.
 * @packageDocumentation
 */
export type {
  TransportProtocol, Endpoint, TransportTarget, InboundMessage, TransportLayerEvents, TransportCounters,
  SipTransportLayer, TransportLayerOptions,
} from './types.js';
export { TransportError } from './errors.js';
export type { TransportErrorCode } from './errors.js';
export { createMemoryNetwork, MemoryNetwork } from './memory-network.js';
export { MemoryTransportLayer } from './memory-endpoint.js';
/** Contract name of {@link MemoryTransportLayer}. */
export { MemoryTransportLayer as InMemoryTransportLayer } from './memory-endpoint.js';
export type {
  MemoryNetworkOptions, MemoryEndpointOptions, PacketFilter, PacketVerdict, PacketRecord,
} from './memory-network.js';
export { LossyTransport } from './lossy-transport.js';
export type { LossPolicy } from './lossy-transport.js';
export { resolveTargets } from './resolver.js';
export type { DnsResolver, NaptrRecord, SrvRecord, ResolveInput, ResolveContext } from './resolver.js';
export { UDP_SIZE_LIMIT } from './prepare.js';
export { TransportLayer, DEFAULT_TCP_IDLE_TIMEOUT_MS, DEFAULT_TCP_CONNECT_TIMEOUT_MS, DEFAULT_MAX_TCP_CONNECTIONS } from './transport-layer.js';
export { DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS } from './tls-dialect.js';
export type { TlsSettings, PemInput } from './tls-dialect.js';
export { SIP_WS_SUBPROTOCOL } from './ws-server.js';
export type { WsListenSettings } from './ws-server.js';
export { DEFAULT_WS_PORT, DEFAULT_WSS_PORT } from './secure-options.js';
