/**
 * The shape of `SessionManager.new(config)`: what an application may pass
 * ({@link SessionManagerConfig}, every field optional) and what the manager runs with
 * ({@link ResolvedConfig}, every field filled in, deeply frozen). Key names are fixed by DESIGN.md.
 *
 * @module
 */
import type { ResolvedSessionTimers, SessionTimersConfig } from './session-timer-config.js';
import type { AuthenticateConfig, CredentialsConfig } from './config-auth.js';

/** SIP transports a manager can listen on. Canonical spelling is upper-case. */
export type TransportName = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** A transport name as accepted in config: upper or lower case (at run time any letter case). */
export type TransportNameInput = TransportName | Lowercase<TransportName>;

/** Audio codecs the media engine implements, in the spelling of their RTP encoding names. */
export type CodecName = 'PCMU' | 'PCMA' | 'G722';

/** A codec name as accepted in config: upper or lower case (at run time any letter case). */
export type CodecNameInput = CodecName | Lowercase<CodecName>;

/** A port range, inclusive at both ends. */
export interface PortRange {
  /** Lowest port. */
  readonly min: number;
  /** Highest port. */
  readonly max: number;
}

/** A port range as accepted in config: `{ min, max }` or a `[min, max]` pair. */
export type PortRangeInput = PortRange | readonly [min: number, max: number];

/** An advertised address: a host (IP literal or name) and, optionally, a port. */
export interface PublicAddress {
  /** IP literal (IPv6 without brackets) or host name. */
  readonly address: string;
  /** Port to advertise; `undefined` means "the port we listen on". */
  readonly port: number | undefined;
}

/**
 * An advertised address as accepted in config: `'203.0.113.7'`, `'203.0.113.7:5080'`,
 * `'[2001:db8::1]:5080'`, `'sip.example.com'`, or `{ address, port? }`.
 */
export type PublicAddressInput =
  | string
  | {
      /** Address (IP or host name) to advertise. */
      readonly address: string;
      /** Port to advertise; the listening port when absent. */
      readonly port?: number;
    };

/** What a manager answers to a new INVITE when `limits.maxSessions` calls are live. */
export type OverloadResponse =
  | {
      /** Answer 486 Busy Here. */
      readonly status: 486;
    }
  | {
      /** Answer 503 Service Unavailable with Retry-After. */
      readonly status: 503;
      /** Seconds to put in the Retry-After header (RFC 3261 §20.33). */
      readonly retryAfter: number;
    };

/**
 * `limits.overloadResponse` as accepted in config: `486`, `503` (Retry-After
 * {@link DEFAULT_RETRY_AFTER_SECONDS}), or `{ status: 503, retryAfter: seconds }`.
 */
export type OverloadResponseInput =
  | 486
  | 503
  | {
      /** Answer 486 Busy Here. */
      readonly status: 486;
    }
  | {
      /** Answer 503 Service Unavailable with Retry-After. */
      readonly status: 503;
      /** Seconds for Retry-After; default {@link DEFAULT_RETRY_AFTER_SECONDS}. */
      readonly retryAfter?: number;
    };

/** The identity our calls use in From by default. */
export interface Identity {
  /** A `sip:` or `sips:` URI, e.g. `sip:alice@example.com`. */
  readonly uri: string;
  /** Display name for From, or `undefined` for none. */
  readonly displayName: string | undefined;
  /**
   * True when no identity was configured: the manager should then put the address it actually
   * advertises in the URI's host part (the default URI names `localhost` when the bind address is
   * a wildcard).
   */
  readonly isDefault: boolean;
}

/**
 * An identity as accepted in config: a URI (`'sip:alice@example.com'`), a name-addr
 * (`'"Alice" <sip:alice@example.com>'`), or `{ uri, displayName? }`.
 */
export type IdentityInput =
  | string
  | {
      /** A `sip:` or `sips:` URI. */
      readonly uri: string;
      /** Display name for From. */
      readonly displayName?: string;
    };

/** Limits on incoming SIP messages (protection against hostile input). */
export interface SipLimitsConfig {
  /** Largest accepted message in octets, 1024 to 16 MiB. Default `65535`. */
  readonly maxMessageSize?: number;
  /** Most header lines in one message, 16 to 10000. Default `256`. */
  readonly maxHeaders?: number;
  /** Longest header line in characters, 256 to 1 MiB. Default `8192`. */
  readonly maxHeaderLineLength?: number;
}

/** SIP signalling options. */
export interface SipConfig {
  /**
   * Address to bind: an IP literal or a host name. Default `'0.0.0.0'` (all IPv4 interfaces).
   * Tests and single-machine setups should pass `'127.0.0.1'`.
   */
  readonly host?: string;
  /** Port to listen on, 0 (pick a free one) to 65535. Default `5060`. */
  readonly port?: number;
  /**
   * Transports to listen on, in any letter case, without duplicates. Default `['UDP', 'TCP']`.
   * `TLS` (RFC 3261 §26, `sips:`) and `WSS` need {@link SipConfig.tls}; `WS`/`WSS` are SIP over
   * WebSocket (RFC 7118) for browser phones. See docs/secure-transports.md.
   */
  readonly transports?: readonly TransportNameInput[];
  /** TLS certificate, key, CA and verification (for `TLS` and `WSS`). */
  readonly tls?: TlsConfig;
  /** WebSocket (`WS`) listener: port (default 5066, or ephemeral when `sip.port` is 0) and path. */
  readonly ws?: WsConfig;
  /** Secure WebSocket (`WSS`) listener: port (default 7443, or ephemeral when `sip.port` is 0) and path. */
  readonly wss?: WsConfig;
  /**
   * What Contact, Via and SDP advertise when it differs from the bind address (behind NAT, or when
   * binding a wildcard). Default: none (the bind address is advertised).
   */
  readonly publicAddress?: PublicAddressInput;
  /** Size limits for incoming messages. Defaults: 65535 octets, 256 headers, 8192-character lines. */
  readonly limits?: SipLimitsConfig;
  /**
   * Reliable provisional responses (RFC 3262, 100rel/PRACK). `'supported'` (default): announce
   * `Supported: 100rel`, PRACK reliable 18x, send 18x reliably to callers that require it and 183
   * with early media reliably to callers that support it. `'required'`: also put `Require: 100rel`
   * in our INVITEs and send every 18x reliably to callers that support it. `'off'`: neither;
   * INVITEs requiring 100rel get 420.
   */
  readonly reliableProvisional?: ReliableProvisionalMode;
  /** Outbound proxy URI (`sip:proxy.example.com`): out-of-dialog requests get `Route: <uri;lr>` (RFC 3261 §8.1.2). */
  readonly outboundProxy?: string;
}

/** TLS options of {@link SipConfig.tls} (RFC 3261 §26.3.1, RFC 5922). */
export interface TlsConfig {
  /** Port of the TLS listener, 0 to 65535. Default `sip.port + 1` (5061), or ephemeral when `sip.port` is 0. */
  readonly port?: number;
  /** Our certificate chain, PEM (string or Buffer). Required. */
  readonly cert: string | Buffer;
  /** Private key of `cert`, PEM. Required. */
  readonly key: string | Buffer;
  /** Certificate authorities to trust instead of Node's bundled list, PEM (one or a list). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /**
   * Verify the far end's certificate (the server's on our outbound connections; the client's when
   * `requestCert` is on). Default `true`; `false` accepts any certificate: for tests only.
   */
  readonly rejectUnauthorized?: boolean;
  /** Ask connecting clients for a certificate (mutual TLS). Default `false`. */
  readonly requestCert?: boolean;
  /** SNI and certificate name to use when a target is a numeric address. Default: none. */
  readonly servername?: string;
  /** TLS handshake timeout, 100 to 600000 ms. Default `10000`. */
  readonly handshakeTimeoutMs?: number;
}

/** WebSocket listener options of {@link SipConfig.ws} and {@link SipConfig.wss}. */
export interface WsConfig {
  /** Port, 0 to 65535. */
  readonly port?: number;
  /** HTTP path the upgrade must use, e.g. `'/sip'`. Default: any path. */
  readonly path?: string;
}

/** Resolved {@link TlsConfig}: PEM as strings, defaults filled in. */
export interface ResolvedTlsConfig {
  /** Listener port; `undefined` means the default. */
  readonly port: number | undefined;
  /** Certificate chain, PEM. */
  readonly cert: string;
  /** Private key, PEM. */
  readonly key: string;
  /** Trusted CAs, PEM; `undefined` means Node's bundled list. */
  readonly ca: readonly string[] | undefined;
  /** Verify the far end's certificate. */
  readonly rejectUnauthorized: boolean;
  /** Ask clients for a certificate. */
  readonly requestCert: boolean;
  /** SNI name for numeric targets. */
  readonly servername: string | undefined;
  /** Handshake timeout, ms. */
  readonly handshakeTimeoutMs: number;
}

/** Resolved {@link WsConfig}. */
export interface ResolvedWsConfig {
  /** Listener port; `undefined` means the default. */
  readonly port: number | undefined;
  /** Upgrade path; `undefined` accepts any. */
  readonly path: string | undefined;
}

/** How reliable provisional responses are used: see {@link SipConfig.reliableProvisional}. */
export type ReliableProvisionalMode = 'supported' | 'required' | 'off';

/**
 * How `sendDtmf` sends digits by default: `'auto'` (RFC 4733 telephone-events when negotiated, SIP
 * INFO `application/dtmf-relay` otherwise), `'rfc4733'` or `'info'`.
 */
export type DtmfMethod = 'auto' | 'rfc4733' | 'info';

/** Media (RTP) options. */
export interface MediaConfig {
  /**
   * UDP ports for RTP (even) and RTCP (the next odd port), inclusive, within 1024-65535, at least
   * two ports. Default `{ min: 10000, max: 20000 }`.
   */
  readonly portRange?: PortRangeInput;
  /**
   * Audio codecs in preference order, any letter case, no duplicates, at least one. Default
   * `['PCMU', 'PCMA', 'G722']`. RFC 4733 telephone-event is always offered in addition.
   */
  readonly codecs?: readonly CodecNameInput[];
  /** Packetization time in milliseconds: a multiple of 10 from 10 to 120. Default `20`. */
  readonly ptime?: number;
  /** Default DTMF method of `sendDtmf` (see {@link DtmfMethod}). Default `'auto'`. */
  readonly dtmfMethod?: DtmfMethod;
  /**
   * RTP timeout: a connected call that receives no RTP or RTCP for this long raises a
   * `media-timeout` event (not while the call is on hold). 0 turns it off; otherwise 1000 to
   * 3600000 ms. Default `30000`.
   */
  readonly rtpTimeoutMs?: number;
  /**
   * What an RTP timeout does besides the event: `'event'` (default) only raises it; `'hangup'`
   * also ends the call with a BYE carrying `Reason: SIP;cause=408;text="RTP timeout"` (RFC 3326)
   * and end reason `media-timeout`.
   */
  readonly rtpTimeoutAction?: RtpTimeoutAction;
  /**
   * SRTP with SDES keys (RFC 3711, RFC 4568), see {@link SrtpMode}. Default `'off'`. The keys
   * travel in the SDP: use it with `sip.transports` `'TLS'` (see docs/secure-transports.md).
   */
  readonly srtp?: SrtpMode;
  /**
   * SRTP crypto suites in preference order, no duplicates, at least one. Default
   * `['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']`.
   */
  readonly srtpSuites?: readonly SrtpSuiteName[];
}

/**
 * Whether calls use SRTP (`media.srtp`):
 * - `'off'`: plain RTP; an offer of RTP/SAVP is refused with 488;
 * - `'optional'`: offers are RTP/AVP with `a=crypto` lines (best-effort SRTP: peers that know
 *   SDES encrypt, others ignore the lines and run plain RTP); offers with a usable `a=crypto`
 *   are answered with SRTP;
 * - `'required'`: offers are RTP/SAVP with `a=crypto`; an offer without a usable `a=crypto`, or
 *   an answer without one, fails the call (488).
 */
export type SrtpMode = 'off' | 'optional' | 'required';

/** An SRTP crypto suite sipline implements (RFC 4568 §6.2). */
export type SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

/** What an RTP timeout does: see {@link MediaConfig.rtpTimeoutAction}. */
export type RtpTimeoutAction = 'hangup' | 'event';

/**
 * Quality alert thresholds (see docs/observability.md). Each call's quality is sampled every
 * `intervalMs`; a metric past its threshold raises one `quality` alert, and one recovery event
 * once it is back inside the threshold with a margin (hysteresis).
 */
export interface QualityConfig {
  /** Sampling interval, 100 to 600000 ms; 0 turns quality sampling off. Default `5000`. */
  readonly intervalMs?: number;
  /** Alert when the MOS estimate falls below this (1 to 4.5). Default `3.5`. */
  readonly mosBelow?: number;
  /** Alert when the packet loss of an interval exceeds this fraction (0 to 1). Default `0.05`. */
  readonly lossAbove?: number;
  /** Alert when the interarrival jitter exceeds this many ms. Default `60`. */
  readonly jitterAboveMs?: number;
  /** Alert when the RTCP round-trip time exceeds this many ms. Default `400`. */
  readonly rttAboveMs?: number;
}

/** Bounds of the per-call SIP message trace returned by `session.trace()`. */
export interface TraceConfig {
  /** Most messages kept per call, 0 (tracing off) to 10000; the oldest are dropped. Default `200`. */
  readonly maxMessages?: number;
  /** Most octets of messages kept per call, 0 to 16 MiB; the oldest are dropped. Default `262144`. */
  readonly maxBytes?: number;
}

/** Correlation ids of calls (see docs/observability.md). */
export interface CorrelationConfig {
  /** Makes a new id for a call that brings none. Default: 16 random URL-safe characters. */
  readonly generate?: () => string;
  /**
   * SIP header that carries the id: added to every request we send in the call, and read from an
   * incoming INVITE (whose id is then reused). `false` (the default) sends and reads no header;
   * `'X-Correlation-ID'` is a common choice.
   */
  readonly header?: string | false;
}

/** Capacity limits. */
export interface LimitsConfig {
  /** Most concurrent sessions (incoming and outgoing), 1 to 1,000,000. Default `1000`. */
  readonly maxSessions?: number;
  /**
   * Answer to new INVITEs past `maxSessions`: `486` Busy Here, or `503` Service Unavailable with
   * a Retry-After. Default `486`.
   */
  readonly overloadResponse?: OverloadResponseInput;
  /**
   * Most concurrent SIP transactions, 1 to 1,000,000; past it new requests get 503 with
   * Retry-After. Default `10000`.
   */
  readonly maxTransactions?: number;
  /** Most outgoing calls being set up at once; more wait in a queue. 1 to 100,000. Default `100`. */
  readonly maxOutgoingSetups?: number;
}

/** RFC 3261 §17 timer base values in milliseconds (Timers A-K derive from them). */
export interface TimersConfig {
  /** Round-trip time estimate, 1 to 60000 ms. Default `500`. */
  readonly T1?: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses; at least T1, at most 600000 ms. Default `4000`. */
  readonly T2?: number;
  /** Longest time a message stays in the network, 1 to 600000 ms. Default `5000`. */
  readonly T4?: number;
}

/** Options of `manager.close()`. */
export interface CloseConfig {
  /** How long close waits for answers to the CANCELs and BYEs it sends, 0 to 300000 ms. Default `5000`. */
  readonly timeoutMs?: number;
}

/** Configuration of `SessionManager.new(config)`. Every option is optional and has a safe default. */
export interface SessionManagerConfig {
  /** SIP signalling: bind address, port, transports, advertised address, message limits. */
  readonly sip?: SipConfig;
  /** RTP port range, codecs in preference order, packetization time. */
  readonly media?: MediaConfig;
  /** Maximum concurrent sessions and what to answer past it, transaction and set-up limits. */
  readonly limits?: LimitsConfig;
  /** RFC 3261 timers T1, T2, T4. Defaults 500, 4000, 5000 ms. */
  readonly timers?: TimersConfig;
  /**
   * User-Agent and Server header value: printable text, no line breaks, at most 256 characters.
   * Default `sipline/<version>`.
   */
  readonly userAgent?: string;
  /** Default From of outgoing calls. Default `sip:sipline@<advertised host>`. */
  readonly identity?: IdentityInput;
  /** Behaviour of `manager.close()`. */
  readonly close?: CloseConfig;
  /** Quality alert thresholds and sampling interval. */
  readonly quality?: QualityConfig;
  /** Bounds of `session.trace()`. */
  readonly trace?: TraceConfig;
  /** Correlation id generator and header. */
  readonly correlation?: CorrelationConfig;
  /** RFC 4028 session timers: on by default, 1800 s asked for, 90 s accepted at least. */
  readonly sessionTimers?: SessionTimersConfig;
  /** Client credentials answering 401/407 challenges, per realm (RFC 3261 §22.2). */
  readonly credentials?: readonly CredentialsConfig[];
  /** Challenge incoming requests with digest authentication (RFC 3261 §22.1). */
  readonly authenticate?: AuthenticateConfig;
}

/** The configuration a manager runs with: every option resolved, deeply frozen. */
export interface ResolvedConfig {
  /** Resolved {@link SipConfig}. */
  readonly sip: {
    /** Bind address. */
    readonly host: string;
    /** Listening port. */
    readonly port: number;
    /** Transports listened on. */
    readonly transports: readonly TransportName[];
    /** Address advertised in Contact and SDP, when it differs from the bind address. */
    readonly publicAddress: PublicAddress | undefined;
    /** Limits on incoming messages. */
    readonly limits: {
      /** Largest accepted message in octets. */
      readonly maxMessageSize: number;
      /** Most header lines in one message. */
      readonly maxHeaders: number;
      /** Longest header line in octets. */
      readonly maxHeaderLineLength: number;
    };
    /** RFC 3262 mode. */
    readonly reliableProvisional: ReliableProvisionalMode;
    /** TLS settings, when configured. */
    readonly tls: ResolvedTlsConfig | undefined;
    /** WS listener options, when given. */
    readonly ws: ResolvedWsConfig | undefined;
    /** WSS listener options, when given. */
    readonly wss: ResolvedWsConfig | undefined;
    /** Outbound proxy URI, if any. */
    readonly outboundProxy?: string | undefined;
  };
  /** Resolved {@link MediaConfig}. */
  readonly media: {
    /** RTP port range. */
    readonly portRange: PortRange;
    /** Codecs in preference order. */
    readonly codecs: readonly CodecName[];
    /** Packet time in milliseconds. */
    readonly ptime: number;
    /** Default DTMF method. */
    readonly dtmfMethod: DtmfMethod;
    /** RTP timeout, ms (0: off). */
    readonly rtpTimeoutMs: number;
    /** What an RTP timeout does. */
    readonly rtpTimeoutAction: RtpTimeoutAction;
    /** SRTP policy. */
    readonly srtp: SrtpMode;
    /** SRTP crypto suites in preference order. */
    readonly srtpSuites: readonly SrtpSuiteName[];
  };
  /** Resolved {@link LimitsConfig}. */
  readonly limits: {
    /** Most concurrent calls. */
    readonly maxSessions: number;
    /** Answer to INVITEs past `maxSessions`. */
    readonly overloadResponse: OverloadResponse;
    /** Most live SIP transactions. */
    readonly maxTransactions: number;
    /** Most outgoing call set-ups in progress at once. */
    readonly maxOutgoingSetups: number;
  };
  /** Resolved {@link TimersConfig}. */
  readonly timers: {
    /** RTT estimate, ms. */
    readonly T1: number;
    /** Longest retransmit interval for non-INVITE requests and INVITE responses, ms. */
    readonly T2: number;
    /** Longest time a message stays in the network, ms. */
    readonly T4: number;
  };
  /** Resolved user agent string. */
  readonly userAgent: string;
  /** Resolved default identity. */
  readonly identity: Identity;
  /** Resolved {@link CloseConfig}. */
  readonly close: {
    /** How long `close()` waits for the far ends, ms. */
    readonly timeoutMs: number;
  };
  /** Resolved {@link QualityConfig}. */
  readonly quality: Required<QualityConfig>;
  /** Resolved {@link TraceConfig}. */
  readonly trace: Required<TraceConfig>;
  /** Resolved {@link CorrelationConfig}. */
  readonly correlation: Required<CorrelationConfig>;
  /** Resolved {@link SessionTimersConfig}. */
  readonly sessionTimers: ResolvedSessionTimers;
  /** Client credentials (empty: none). */
  readonly credentials?: readonly CredentialsConfig[];
  /** Server-side authentication, if configured. */
  readonly authenticate?: AuthenticateConfig | undefined;
}

/** Retry-After seconds used when `limits.overloadResponse` is `503` without a value. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Codecs the media engine implements, in the default preference order. */
export const SUPPORTED_CODECS: readonly CodecName[] = Object.freeze(['PCMU', 'PCMA', 'G722'] as const);

/** Transports a manager can listen on. */
export const SUPPORTED_TRANSPORTS: readonly TransportName[] = Object.freeze(['UDP', 'TCP', 'TLS', 'WS', 'WSS'] as const);
