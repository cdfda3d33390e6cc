/**
 * `IncomingCall`: an INVITE waiting for the application's decision.
 *
 * @module
 */
import { SessionState, SessionStateError } from '../session/index.js';
import { InvalidArgumentError } from '../util/index.js';
import type { CallSession } from './call-session.js';
import type { EngineIncoming } from './engine-port.js';
import { NotSupportedError } from './errors.js';
import type { AnswerOptions, CallParty, ExtraHeaders, RemoteMediaSummary, RingOptions, SipHeaders } from './types.js';

/** What the application decided about an {@link IncomingCall} so far. */
export type IncomingCallDecision = 'pending' | 'answered' | 'rejected';

/**
 * A call someone is making to us, handed to `CallHandler.onIncomingCall`. Decide with
 * {@link IncomingCall.answer} or {@link IncomingCall.reject}, now or later: until then the caller
 * hears ringing (180 Ringing was sent), unless it gives up (the session then ends with reason
 * `cancelled`).
 *
 * @example
 * ```ts
 * manager.setCallHandler({
 *   onIncomingCall: (call) =>
 *     call.caller.uri.startsWith('sip:boss@') ? call.answer() : call.reject(603),
 * });
 * ```
 */
export class IncomingCall {
  readonly #incoming: EngineIncoming;
  readonly #session: CallSession;
  #decision: IncomingCallDecision = 'pending';

  /**
   * Created by the manager for each incoming INVITE.
   * @internal
   */
  constructor(incoming: EngineIncoming, session: CallSession) {
    this.#incoming = incoming;
    this.#session = session;
  }

  /** The session of this call: listen to its events, or keep it to hang up later. */
  get session(): CallSession {
    return this.#session;
  }

  /** Who is calling: the From header (RFC 3261 §20.20). */
  get caller(): CallParty {
    return this.#session.remote;
  }

  /** Whom they called: the To header (RFC 3261 §20.39). */
  get callee(): CallParty {
    return this.#session.local;
  }

  /** The SIP Call-ID (RFC 3261 §20.8). */
  get callId(): string {
    return this.#session.callId;
  }

  /** Every header of the INVITE: lower-case full names (`'user-agent'`) to their values. */
  get headers(): SipHeaders {
    return this.#incoming.headers;
  }

  /**
   * The far end's SDP offer, summarised: address, port and codecs. `undefined` when the INVITE
   * carried no offer.
   */
  get remoteMedia(): RemoteMediaSummary | undefined {
    return this.#incoming.remoteMedia;
  }

  /** `pending` until {@link IncomingCall.answer} or {@link IncomingCall.reject} is called. */
  get decision(): IncomingCallDecision {
    return this.#decision;
  }

  /**
   * The first value of a header, by case-insensitive full name, e.g. `call.header('User-Agent')`.
   * `undefined` when the INVITE has no such header.
   */
  header(name: string): string | undefined {
    return this.#incoming.headers[name.toLowerCase()]?.[0];
  }

  /**
   * Answer: send 200 OK with our SDP answer (RFC 3264) and start media. Resolves with the session
   * once the 200 is sent; the 200 is retransmitted until the caller's ACK arrives (RFC 3261
   * §13.3.1.4), and a missing ACK ends the call with reason `ack-timeout`.
   *
   * @throws InvalidStateError when the call was already answered or rejected, or the caller hung up
   */
  async answer(options: AnswerOptions = {}): Promise<CallSession> {
    this.#decide('answered', 'answer');
    const answerOptions = options.headers === undefined ? {} : { headers: options.headers };
    await this.#incoming.answer(answerOptions);
    if (options.play !== undefined) await startPlaying(this.#session, options.play);
    return this.#session;
  }

  /**
   * Refuse the call with a final status (RFC 3261 §21.4-§21.6). Common codes: 486 Busy Here (the
   * default), 603 Decline, 404 Not Found, 480 Temporarily Unavailable, 403 Forbidden.
   *
   * @param status - 300 to 699; default 486
   * @param reason - reason phrase; default the standard phrase of the code
   * @param headers - extra headers for the response (e.g. `Retry-After`)
   * @throws InvalidArgumentError for a code outside 300-699 or a reason with line breaks
   * @throws InvalidStateError when the call was already answered or rejected, or the caller hung up
   */
  async reject(status = 486, reason?: string, headers?: ExtraHeaders): Promise<void> {
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      throw new InvalidArgumentError('status', `${String(status)} is not a final failure status (300-699)`);
    }
    if (reason !== undefined && (typeof reason !== 'string' || /[\r\n]/.test(reason))) {
      throw new InvalidArgumentError('reason', 'must be one line of text');
    }
    this.#decide('rejected', 'reject');
    await this.#incoming.reject(status, reason, headers);
  }

  /**
   * Send 180 Ringing again (the manager already sent one when the call arrived). With
   * `{ earlyMedia }`, early media: 183 with SDP and the source played before the answer.
   *
   * @throws InvalidStateError when the call was already answered or rejected, or the caller hung up
   * @throws NotSupportedError for `earlyMedia` when this release cannot send early media
   */
  async ring(options: RingOptions = {}): Promise<void> {
    this.#checkPending('ring');
    if (options.earlyMedia !== undefined) {
      if (this.#incoming.ringWithMedia === undefined) throw new NotSupportedError('early media');
      await this.#incoming.ringWithMedia(options.earlyMedia);
      return;
    }
    await this.#incoming.ring();
  }

  #checkPending(operation: string): void {
    const state = this.#session.state;
    if (this.#decision !== 'pending') {
      throw new SessionStateError(operation, state, `Cannot ${operation}: the call was already ${this.#decision}`).addContext(this.#session.errorContext());
    }
    if (state !== SessionState.Ringing && state !== SessionState.Initializing) throw new SessionStateError(operation, state).addContext(this.#session.errorContext());
  }

  #decide(decision: IncomingCallDecision, operation: string): void {
    this.#checkPending(operation);
    this.#decision = decision;
  }
}

async function startPlaying(session: CallSession, source: NonNullable<AnswerOptions['play']>): Promise<void> {
  // play() resolves when the source ends; the answer must not wait for that.
  session.play(source).catch(() => { /* the call ended first */ });
  await Promise.resolve();
}
