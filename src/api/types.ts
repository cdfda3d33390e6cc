/**
 * Plain data types of the public API: parties, media summaries, statistics, counters and the
 * options of `makeCall`, `answer` and `ring`.
 *
 * @module
 */
import type { AudioSource } from '../session/index.js';
import type { CodecNameInput, CredentialsConfig, EndReason } from '../session/index.js';

/** Which side started the call: `incoming` (we received the INVITE) or `outgoing` (we sent it). */
export type CallDirection = 'incoming' | 'outgoing';

/** One end of a call, as named in the From or To header (RFC 3261 §20.20, §20.39). */
export interface CallParty {
  /** The party's URI, e.g. `sip:alice@example.com`. */
  readonly uri: string;
  /** The display name, or `undefined` when the header had none. */
  readonly displayName: string | undefined;
}

/** What the far end's SDP offers: enough to decide whether and how to take a call. */
export interface RemoteMediaSummary {
  /** Connection address of the far end's audio (the SDP `c=` line), e.g. `192.0.2.7`. */
  readonly address: string;
  /** RTP port of the far end's audio (`m=audio <port>`). */
  readonly port: number;
  /** Audio codecs offered, in the far end's preference order, e.g. `['PCMU', 'PCMA', 'telephone-event']`. */
  readonly codecs: readonly string[];
}

/** The headers of a SIP message: lower-case header names to every value, in order of appearance. */
export type SipHeaders = Readonly<Record<string, readonly string[]>>;

/** Extra SIP headers to add to a request or response: name to value (or values). */
export type ExtraHeaders = Readonly<Record<string, string | readonly string[]>>;

/** Options of `SessionManager.makeCall(target, options)`. */
export interface MakeCallOptions {
  /**
   * From identity of this call: a SIP URI, a name-addr (`'"Alice" <sip:alice@example.com>'`) or
   * `{ uri, displayName }`. Default: the manager's `identity` option.
   */
  readonly from?: string | CallParty;
  /** Extra headers for the INVITE (e.g. `{ 'X-Account': '42' }`). Via, From, To, Call-ID, CSeq and Contact cannot be overridden. */
  readonly headers?: ExtraHeaders;
  /** Codecs to offer for this call, in preference order. Default: the manager's `media.codecs`. */
  readonly codecs?: readonly CodecNameInput[];
  /**
   * Give up when nobody answers within this many milliseconds (a CANCEL is sent; `answered()`
   * rejects with end reason `no-answer`). Default: no limit beyond the SIP timers.
   */
  readonly timeoutMs?: number;
  /** Aborting the signal hangs the call up (CANCEL before the answer, BYE after). */
  readonly signal?: AbortSignal;
  /** Credentials for this call's 401/407 challenges instead of the manager's `credentials` (see docs/registration.md). */
  readonly credentials?: readonly CredentialsConfig[];
}

/** Options of `IncomingCall.answer(options)`. */
export interface AnswerOptions {
  /** Extra headers for the 200 OK. */
  readonly headers?: ExtraHeaders;
  /** Start playing this source as soon as the call is connected. */
  readonly play?: AudioSource;
}

/** Options of `IncomingCall.ring(options)`. */
export interface RingOptions {
  /**
   * Early media: send 183 Session Progress with the SDP answer and play this source before the
   * call is answered (RFC 3960); the 200 OK later carries the same SDP and the source keeps
   * playing. The 183 is sent reliably (RFC 3262, PRACK) when the caller supports 100rel. Needs an
   * SDP offer in the INVITE.
   */
  readonly earlyMedia?: AudioSource;
}

/** Options of `CallSession.sendDtmf(digits, options)`. */
export interface DtmfOptions {
  /**
   * How to send: `'auto'` (the default, or `media.dtmfMethod`) uses RFC 4733 telephone-events when
   * they were negotiated and SIP INFO (`application/dtmf-relay`) otherwise; `'rfc4733'` or
   * `'info'` force one.
   */
  readonly method?: 'auto' | 'rfc4733' | 'info';
  /** RFC 4733 volume in -dBm0, 0 (loudest) to 63. Default 10. */
  readonly volume?: number;
  /** Tone duration of each digit in milliseconds (RFC 4733 §2.5.1.3). Default 100. */
  readonly durationMs?: number;
  /** Pause between digits in milliseconds. Default 60. */
  readonly gapMs?: number;
}

/** A call was put on hold or taken off hold (the `hold` / `resume` events of a `CallSession`). */
export interface HoldEvent {
  /** Who did it: `local` (this side, `hold()` / `resume()`) or `remote` (the far end's re-INVITE). */
  readonly by: 'local' | 'remote';
}

/** One DTMF digit received from the far end (RFC 4733 telephone-event or SIP INFO). */
export interface DtmfEvent {
  /** The digit: `0`-`9`, `*`, `#`, `A`-`D`. */
  readonly digit: string;
  /** How long the key was pressed, in milliseconds (0 when an INFO body did not say). */
  readonly durationMs: number;
  /** What carried it: `'rfc4733'` (RTP telephone-event) or `'info'` (SIP INFO). */
  readonly method: 'rfc4733' | 'info';
}

/** Early media started on an outgoing call: a 18x carried the far end's SDP (RFC 3960). */
export interface EarlyMediaEvent {
  /** Status of the provisional response, usually 183. */
  readonly status: number;
  /** True when the 18x was sent reliably and we acknowledged it with PRACK (RFC 3262). */
  readonly reliable: boolean;
}

/** A transport address of media. */
export interface MediaAddress {
  /** IP address. */
  readonly address: string;
  /** UDP port. */
  readonly port: number;
}

/** A media event of a session: RTP started flowing (after the answer) or stopped (at the end). */
export interface MediaEvent {
  /** What happened. */
  readonly type: 'started' | 'stopped';
  /** The negotiated codec, e.g. `PCMU`. */
  readonly codec?: string;
  /** Where our RTP goes. */
  readonly remote?: MediaAddress;
}

/** RTP statistics and estimated call quality of a session (RFC 3550 §6.4, ITU-T G.107 E-model). */
export interface CallStats {
  /** The negotiated audio codec, or `undefined` before media is set up. */
  readonly codec: string | undefined;
  /** RTP packets sent. */
  readonly packetsSent: number;
  /** RTP packets received. */
  readonly packetsReceived: number;
  /** RTP octets sent. */
  readonly bytesSent: number;
  /** RTP octets received. */
  readonly bytesReceived: number;
  /** Packets the far end's stream lost on the way to us (cumulative, RFC 3550 §6.4.1). */
  readonly packetsLost: number;
  /** Interarrival jitter of the far end's stream, milliseconds. */
  readonly jitterMs: number;
  /** Round-trip time from RTCP reports, milliseconds, when known. */
  readonly rttMs: number | undefined;
  /**
   * Estimated mean opinion score, 1 (bad) to 4.5 (excellent); `undefined` until an RTP packet
   * was received (no packet, no quality to estimate).
   */
  readonly mos: number | undefined;
  /** Milliseconds since the call was answered (0 before). */
  readonly durationMs: number;
  /** The SRTP crypto suite protecting the media (`media.srtp`, RFC 4568), or `undefined` for plain RTP. */
  readonly srtp: string | undefined;
  /** SRTP/SRTCP packets dropped because their authentication tag did not match: tampered, injected, or keyed differently. */
  readonly srtpAuthFailures: number;
  /** SRTP/SRTCP packets dropped as replayed (RFC 3711 §3.3.2). */
  readonly srtpReplays: number;
}

/** Call counters of a manager since it started. */
export interface CallCounters {
  /** Incoming calls received (every new INVITE, including those refused for overload). */
  readonly callsIn: number;
  /** Outgoing calls placed. */
  readonly callsOut: number;
  /** Sessions live now. */
  readonly active: number;
  /** Calls answered (both directions). */
  readonly answered: number;
  /** Calls that ended without being answered, by end reason (e.g. `{ busy: 2, overloaded: 1 }`). */
  readonly failed: Readonly<Partial<Record<EndReason, number>>>;
  /** Every call that ended, answered or not, by end reason. */
  readonly ended: Readonly<Partial<Record<EndReason, number>>>;
}
