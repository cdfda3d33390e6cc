/**
 * Types of the engine-side call object ({@link Session}): identities, events, options of the
 * call decisions and of outgoing calls.
 *
 * @module
 */
import type { ExtraHeaders } from '../dialog/index.js';
import type { SipUri } from '../sip/index.js';
import type { CodecName } from './config-types.js';
import type { EndReason } from './end-reason.js';
import type { SessionStateChange } from './state-machine.js';

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

/** A DTMF digit received as an RFC 4733 telephone-event. */
export interface SessionDtmfEvent {
  /** `0`-`9`, `*`, `#`, `A`-`D`. */
  readonly digit: string;
  /** Duration of the key press, ms. */
  readonly duration: number;
}

/** Events of a {@link Session}. Listener exceptions are caught and never change the session. */
export type SessionEvents = {
  /** Every state change, with old and new state and the reason. */
  state: [change: SessionStateChange];
  /** A provisional response to our INVITE (outbound): 180, 183, ... */
  progress: [status: number, reasonPhrase: string];
  /** Media started or stopped. */
  media: [event: SessionMediaEvent];
  /** A DTMF digit arrived. */
  dtmf: [event: SessionDtmfEvent];
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
}

/** A recording attached with {@link Session.record}. */
export interface RecordingHandle {
  /** Detach the sink and close it (a WAV recorder writes its header). */
  stop(): Promise<void>;
}
