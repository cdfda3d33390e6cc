/**
 * Types of the engine-side call object ({@link Session}): identities, events, options of the
 * call decisions and of outgoing calls.
 *
 * @module
 */
import type { CredentialsConfig } from './config-auth.js';
import type { ExtraHeaders } from '../dialog/index.js';
import type { SipUri } from '../sip/index.js';
import type { CodecName } from './config-types.js';
import type { EndReason } from './end-reason.js';
import type { SessionStateChange } from './state-machine.js';
import type { QualityEvent } from './quality-monitor.js';
import type { MediaTimeoutEvent } from './rtp-timeout.js';
import type { TransferProgressEvent } from './transfer-types.js';

/** Which side started the call: `inbound` (we received the INVITE) or `outbound` (we sent it). */
export type SessionDirection = 'inbound' | 'outbound';

/** One party of a call: the URI and display name of From or To. */
export interface SessionIdentity {
  /** The party's URI, e.g. `sip:alice@example.com`. */
  readonly uri: string;
  /** Its display name, when one was given. */
  readonly displayName: string | undefined;
}

/** How a session ended (the `ended` event and {@link Session.finished}). */
export interface SessionEnd {
  /** Why. */
  readonly reason: EndReason;
  /** The SIP status that ended it, when one did (486, 487, 200 of a BYE is not counted). */
  readonly status?: number;
  /** The error behind reason `error`, when there was one. */
  readonly error?: unknown;
}

/** Media started (RTP flowing) or stopped. */
export interface SessionMediaEvent {
  /** `started` when RTP starts, `stopped` when the session's media closes. */
  readonly type: 'started' | 'stopped';
  /** Encoding name of the codec in use, e.g. `PCMU`. */
  readonly codec: string;
  /** Where our RTP goes. */
  readonly remote: { readonly address: string; readonly port: number };
}

/** A DTMF digit received as an RFC 4733 telephone-event or in a SIP INFO request. */
export interface SessionDtmfEvent {
  /** `0`-`9`, `*`, `#`, `A`-`D`. */
  readonly digit: string;
  /** Duration of the key press, ms (0 when an INFO body gave none). */
  readonly duration: number;
  /** What carried it: RTP telephone-events (RFC 4733) or SIP INFO (`application/dtmf-relay`, `application/dtmf`). */
  readonly method: 'rfc4733' | 'info';
}

/** Options of {@link Session.sendDtmf}. */
export interface SessionDtmfOptions {
  /** `auto` (default `media.dtmfMethod`): RFC 4733 when negotiated, else INFO; or force one. */
  readonly method?: 'auto' | 'rfc4733' | 'info';
  /** Tone duration per digit, ms (default 100). */
  readonly durationMs?: number;
  /** Pause between digits, ms (default 60). */
  readonly gapMs?: number;
  /** RFC 4733 volume, -dBm0 (0-63, default 10). */
  readonly volume?: number;
}

/** Early media started on an outgoing call: a 18x carried the SDP answer (RFC 3261 §13.2.1, RFC 3960). */
export interface SessionEarlyMediaEvent {
  /** Status of the provisional response, e.g. 183. */
  readonly status: number;
  /** True when it came in a reliable provisional response (RFC 3262). */
  readonly reliable: boolean;
}

/** A hold or resume: who did it. */
export interface SessionHoldEvent {
  /** `local` when this side held or resumed, `remote` when the far end did. */
  readonly by: 'local' | 'remote';
}

/** Events of a {@link Session}. Listener exceptions are caught and never change the session. */
export type SessionEvents = {
  /** Every state change, with old and new state and the reason. */
  state: [change: SessionStateChange];
  /** A provisional response to our INVITE (outbound): 180, 183, ... */
  progress: [status: number, reasonPhrase: string];
  /** Media started or stopped. */
  media: [event: SessionMediaEvent];
  /** The call was put on hold, by this side (`local`) or the far end (`remote`). */
  hold: [event: SessionHoldEvent];
  /** A hold was lifted, by this side or the far end. */
  resume: [event: SessionHoldEvent];
  /** A DTMF digit arrived. */
  dtmf: [event: SessionDtmfEvent];
  /** Early media started (outgoing calls): received audio now reaches the sinks before the answer. */
  'early-media': [event: SessionEarlyMediaEvent];
  /** A step of a transfer this side started (REFER accepted, NOTIFY progress, result). */
  transfer: [event: TransferProgressEvent];
  /** A quality metric crossed its threshold (`alert`) or came back (`recovered`); see quality-monitor.ts. */
  quality: [event: QualityEvent];
  /** No RTP or RTCP arrived for `media.rtpTimeoutMs` (see rtp-timeout.ts). */
  'media-timeout': [event: MediaTimeoutEvent];
  /** The session ended; every resource is released. Once, after the `terminated` state event. */
  ended: [end: SessionEnd];
};

/** Options of {@link Session.answer} (incoming calls). */
export interface AnswerOptions {
  /** Extra headers of the 200 OK. */
  readonly headers?: ExtraHeaders;
}

/** Options of {@link Session.reject} and {@link Session.ring}. */
export interface ResponseHeadersOptions {
  /** Extra headers of the response. */
  readonly headers?: ExtraHeaders;
}

/** Options of `SessionEngine.call`. */
export interface OutboundCallOptions {
  /** Request-URI of the INVITE, e.g. `sip:bob@127.0.0.1:5062;transport=tcp`. */
  readonly target: string | SipUri;
  /** From: a URI or `"Name" <sip:...>`; default the configured identity. */
  readonly from?: string;
  /** To: a URI or name-addr; default the target. */
  readonly to?: string;
  /** Extra headers of the INVITE. */
  readonly headers?: ExtraHeaders;
  /** Codecs to offer, in preference order; default `media.codecs`. */
  readonly codecs?: readonly CodecName[];
  /**
   * Ring timeout, ms: no answer by then cancels the call with reason `no-answer`. Default none
   * (the INVITE transaction's own Timer B still applies).
   */
  readonly timeoutMs?: number;
  /** Aborting hangs the call up (CANCEL before the answer, BYE after). */
  readonly signal?: AbortSignal;
  /** Credentials for this call instead of the configured `credentials` (RFC 3261 §22.2). */
  readonly credentials?: readonly CredentialsConfig[];
}

/** A recording attached with {@link Session.record}. */
export interface RecordingHandle {
  /** Detach the sink and close it (a WAV recorder writes its header). */
  stop(): Promise<void>;
}
