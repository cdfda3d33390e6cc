/**
 * The shape of `SessionManager.new(config)`: what an application may pass
 * ({@link SessionManagerConfig}, every field optional) and what the manager runs with
 * ({@link ResolvedConfig}, every field filled in, deeply frozen). Key names are fixed by DESIGN.md.
 *
 * @module
 */

/** SIP transports a manager can listen on. Canonical spelling is upper-case. */
export type TransportName = 'UDP' | 'TCP';

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
   * TLS and WebSocket are not available yet.
   */
  readonly transports?: readonly TransportNameInput[];
  /**
   * What Contact, Via and SDP advertise when it differs from the bind address (behind NAT, or when
   * binding a wildcard). Default: none (the bind address is advertised).
   */
  readonly publicAddress?: PublicAddressInput;
  /** Size limits for incoming messages. Defaults: 65535 octets, 256 headers, 8192-character lines. */
  readonly limits?: SipLimitsConfig;
}

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
  };
  /** Resolved {@link MediaConfig}. */
  readonly media: {
    /** RTP port range. */
    readonly portRange: PortRange;
    /** Codecs in preference order. */
    readonly codecs: readonly CodecName[];
    /** Packet time in milliseconds. */
    readonly ptime: number;
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
}

/** Retry-After seconds used when `limits.overloadResponse` is `503` without a value. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Codecs the media engine implements, in the default preference order. */
export const SUPPORTED_CODECS: readonly CodecName[] = Object.freeze(['PCMU', 'PCMA', 'G722'] as const);

/** Transports a manager can listen on. */
export const SUPPORTED_TRANSPORTS: readonly TransportName[] = Object.freeze(['UDP', 'TCP'] as const);
