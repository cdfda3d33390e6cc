/**
 * Types of the B2BUA helper: options, the record of one A-leg / B-leg pair, events.
 *
 * @module
 */
import type { CallSession, ExtraHeaders, IncomingCall } from '../api/index.js';
import type { CodecNameInput } from '../session/index.js';
import type { Bridge } from './bridge.js';
import type { LegSequence } from './primitives/index.js';

/** Where the B-leg of an incoming call goes: a SIP URI, or `undefined` to refuse the call (404). */
export type B2buaTarget = string | ((call: IncomingCall) => string | undefined | Promise<string | undefined>);

/** Options of `createB2bua`. */
export interface B2buaOptions {
  /** The target of every B-leg, or a function choosing it per call. */
  readonly target: B2buaTarget;
  /** When one leg ends, end the other one too. Default true. */
  readonly endBoth?: boolean;
  /**
   * Relay the B-leg's provisional responses (180, 183) to the A-leg, and its early media (an 18x
   * with SDP: the A-leg gets a 183 with SDP and hears the B-leg). Default true.
   */
  readonly relayProvisional?: boolean;
  /** The B-leg's From is the caller's identity (transparent). Default true; false: the manager's identity. */
  readonly keepCaller?: boolean;
  /** Extra headers of the B-leg's INVITE, or a function building them from the incoming call. */
  readonly headers?: ExtraHeaders | ((call: IncomingCall) => ExtraHeaders | undefined);
  /**
   * Codecs offered on the B-leg. Default: the codecs of the caller's offer that sipline implements,
   * in the caller's order (so both legs can agree and the media is relayed without decoding), then
   * the manager's other codecs (transcoded when the target picks one of them).
   */
  readonly codecs?: readonly CodecNameInput[];
  /** Ring timeout of the B-leg, ms; the A-leg then gets 408 Request Timeout. Default none. */
  readonly timeoutMs?: number;
  /**
   * Install the B2BUA as the manager's call handler (every incoming call goes through it).
   * Default true. With false, call {@link B2bua.handle} from your own handler.
   */
  readonly install?: boolean;
}

/** Where one A-leg / B-leg pair is. */
export type B2buaCallState = 'routing' | 'ringing' | 'bridged' | 'failed' | 'ended';

/** The record of one incoming call and its outgoing leg (an A-leg / B-leg sequence). */
export interface B2buaCall {
  /** Id (the A-leg's session id). */
  readonly id: string;
  /** The incoming leg. */
  readonly aLeg: CallSession;
  /** The outgoing leg, once placed. */
  readonly bLeg: CallSession | undefined;
  /** The B-leg's target URI, once chosen. */
  readonly target: string | undefined;
  /** Where the pair is. */
  readonly state: B2buaCallState;
  /** The final status relayed to the A-leg when the B-leg failed (e.g. 486). */
  readonly failureStatus: number | undefined;
  /** The bridge of the two legs once the B-leg answered. */
  readonly bridge: Bridge | undefined;
  /**
   * The A-leg / B-leg sequence (the primitives' `LegSequence`): leg states `trying`, `early`,
   * `active`, `failed`, `cancelled`, `ended`, with their history.
   */
  readonly legs: LegSequence<CallSession>;
  /** Resolves once both legs have ended. */
  readonly done: Promise<void>;
  /** Hang both legs up. */
  hangup(): Promise<void>;
}

/** Events of a B2BUA. */
export type B2buaEvents = {
  /** An incoming call is being routed. */
  call: [call: B2buaCall];
  /** The B-leg sent a provisional response (relayed to the A-leg unless `relayProvisional` is false). */
  progress: [call: B2buaCall, status: number];
  /** The B-leg answered; the A-leg was answered and both bridged. */
  bridged: [call: B2buaCall];
  /** The B-leg failed; `status` was sent to the A-leg. */
  failed: [call: B2buaCall, status: number, error: unknown];
  /** Both legs have ended. */
  ended: [call: B2buaCall];
};
