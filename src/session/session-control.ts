/**
 * What the inbound and outbound flows of a {@link Session} may do to it, and how dialog
 * terminations map to end reasons.
 *
 * @module
 */
import type { Dialog, TerminationReason } from '../dialog/index.js';
import type { LocalSdpSession, NegotiatedMedia } from '../sdp/index.js';
import type { CallControl } from './call-control.js';
import type { EndReason } from './end-reason.js';
import type { MediaPipeline } from './media-pipeline.js';
import type { SessionContext } from './session-context.js';
import type { SessionEarlyMediaEvent, SessionIdentity } from './session-types.js';
import type { SessionStateMachine } from './state-machine.js';

/** Details of an ending: the status and error behind it. */
export interface EndDetails {
  readonly status?: number;
  readonly error?: unknown;
}

/**
 * What the inbound and outbound flows may do to their session. @internal
 */
export interface SessionControl {
  readonly id: string;
  readonly callId: string;
  /** Prefix of the session's debug lines: `<id> [<correlation id>]`. */
  readonly label: string;
  readonly ctx: SessionContext;
  readonly machine: SessionStateMachine;
  readonly local: LocalSdpSession;
  /** Run `task` on the session's queue (after every earlier event of the session). */
  enqueue<T>(task: () => T | Promise<T>): Promise<T>;
  /** Run `task` on the queue; a failure ends the session with reason `error`. */
  post(task: () => void | Promise<void>): void;
  media(): MediaPipeline | undefined;
  setMedia(media: MediaPipeline): void;
  /** Start RTP with a negotiated description and emit `media` started. */
  startMedia(media: NegotiatedMedia): Promise<void>;
  attachDialog(dialog: Dialog): void;
  dialog(): Dialog | undefined;
  setLocalIdentity(identity: SessionIdentity): void;
  /** Move to `connected` (reason `answered`) and settle `answered()`. */
  connected(status: number): void;
  /** Move to `terminating` unless already ending. */
  beginEnding(reason: EndReason, details?: EndDetails): void;
  /** Release everything, move to `terminated`, emit `ended`. Idempotent. */
  finish(reason: EndReason, details?: EndDetails): Promise<void>;
  emitProgress(status: number, reason: string): void;
  /** Hold, resume, mute, remote re-offers and session timers of the session (call-control.ts). */
  readonly callControl: CallControl;
  /** Early media started (outbound: a 18x carried the answer). */
  emitEarlyMedia(event: SessionEarlyMediaEvent): void;
  /** Report an error to the engine (and the application). */
  report(error: unknown): void;
  /** Hang up with a reason, as `Session.terminate`. */
  terminate(reason: EndReason): Promise<void>;
}

/** End reason of a session whose confirmed dialog ended by itself (`undefined`: not an ending we act on). */
export const DIALOG_END: Partial<Record<TerminationReason, EndReason>> = {
  'bye-received': 'remote-hangup',
  'ack-timeout': 'ack-timeout',
  'remote-gone': 'no-such-call',
  closed: 'manager-closed',
};
