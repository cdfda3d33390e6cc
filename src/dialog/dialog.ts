import type { NameAddr, SipRequest, SipResponse, SipUri } from '../sip/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { TypedEmitter } from '../util/index.js';
import { AnswerRetransmitter } from './answer-retransmitter.js';
import type { CoreContext } from './core-context.js';
import { DialogMethodError, DialogStateError, DialogTerminatedError, RequestPendingError } from './errors.js';
import { buildDialogResponse, handleInDialogRequest, type DialogRequestHandler } from './dialog-server.js';
import { AckCache, buildInDialogRequest, sendInDialog, type DialogAddressing } from './in-dialog-client.js';
import { authenticatorOf, sendWithAuth } from './auth-retry.js';
import { initialCSeq } from './message-builder.js';
import type { RouteEntry } from './route-set.js';
import { glareRetryDelay, overlapRetryDelayMs } from './timing.js';
import type {
  DialogId, DialogRole, DialogState, MessageContent, ReinviteOptions, ResponseOptions, TerminationReason,
} from './types.js';

/** Events of a {@link Dialog}. */
export type DialogEvents = {
  /** The state changed (early -> confirmed, * -> terminated). */
  state: [next: DialogState, previous: DialogState];
  /** The ACK for a 2xx we sent arrived (its body may be an answer or a late offer). */
  ack: [ack: SipRequest];
  /** The remote target changed (Contact of a target refresh, §12.2). */
  'target-refresh': [target: SipUri];
  /** The dialog ended. */
  terminated: [reason: TerminationReason];
};

/** Everything needed to create a {@link Dialog}. @internal */
export interface DialogInit {
  readonly role: DialogRole;
  readonly state: 'early' | 'confirmed';
  readonly callId: string;
  /** Local party with our tag (From of our requests). */
  readonly local: NameAddr;
  /** Remote party with its tag (To of our requests). */
  readonly remote: NameAddr;
  readonly remoteTarget: SipUri;
  readonly routeSet: readonly RouteEntry[];
  /** Local CSeq; undefined = empty (UAS, §12.1.1). */
  readonly localSeq: number | undefined;
  /** Remote CSeq; undefined = empty (UAC, §12.1.2). */
  readonly remoteSeq: number | undefined;
  readonly secure: boolean;
  /** Our Contact value. */
  readonly localContact: string;
  /** True when we generated the Call-ID (§14.1 glare timer windows). */
  readonly ownsCallId: boolean;
}


/**
 * A SIP dialog (RFC 3261 §12): a peer-to-peer relationship identified by
 * Call-ID, local tag and remote tag, with its route set, remote target and
 * CSeq spaces. Created by the UA core (from a 1xx with a To tag or a 2xx on
 * the UAC side, from our own 1xx/2xx on the UAS side); never constructed by
 * the application.
 *
 * In-dialog requests (§12.2.1.1) are built with loose routing (`lr`) or the
 * strict-route rewrite; re-INVITE follows §14 (491 glare retries, 500 with
 * Retry-After for overlapping incoming re-INVITEs); BYE ends it (§15).
 */
export class Dialog extends TypedEmitter<DialogEvents> {
  /** Call-ID, local tag, remote tag. */
  readonly id: DialogId;
  /** Whether we were the UAC or the UAS of the INVITE that created the dialog. */
  readonly role: DialogRole;
  /** True when the dialog was created over TLS with a sips Request-URI (§12.1). */
  readonly secure: boolean;
  /** True when we generated the Call-ID (the §14.1 2.1-4 s glare window applies). */
  readonly ownsCallId: boolean;
  /** Our Contact value (`<sip:...>`). */
  readonly localContact: string;
  readonly #ctx: CoreContext;
  readonly #local: NameAddr;
  readonly #remote: NameAddr;
  #state: DialogState;
  #remoteTarget: SipUri;
  #routeSet: readonly RouteEntry[];
  #localSeq: number | undefined;
  #remoteSeq: number | undefined;
  #terminationReason: TerminationReason | undefined;
  /** Our INVITE (initial while early, or a re-INVITE) has no final response yet. */
  #outgoingInvite = false;
  /** CSeq of an incoming INVITE not finally answered yet. */
  #incomingInvite: number | undefined;
  #answer: AnswerRetransmitter | undefined;
  #ackWaiters: (() => void)[] = [];
  /** Last ACK sent for a 2xx, for 2xx retransmissions (§13.2.2.4). */
  readonly #acks = new AckCache();
  #handler: DialogRequestHandler | undefined;
  /** Handlers for one method each (INFO, PRACK, ...), tried before {@link Dialog.setRequestHandler}'s. */
  readonly #methodHandlers = new Map<string, DialogRequestHandler>();
  /** A reinvite() call is running (including its §14.1 waits). */
  #reinviting = false;

  /** @internal */
  constructor(ctx: CoreContext, init: DialogInit) {
    super();
    this.#ctx = ctx;
    this.role = init.role;
    this.#state = init.state;
    this.#local = init.local;
    this.#remote = init.remote;
    this.id = Object.freeze({ callId: init.callId, localTag: init.local.tag ?? '', remoteTag: init.remote.tag ?? '' });
    this.#remoteTarget = init.remoteTarget;
    this.#routeSet = init.routeSet;
    this.#localSeq = init.localSeq;
    this.#remoteSeq = init.remoteSeq;
    this.secure = init.secure;
    this.localContact = init.localContact;
    this.ownsCallId = init.ownsCallId;
    this.setListenerErrorHandler((err, event) => ctx.log('dialog listener for %s threw: %O', event, err));
  }

  /** early, confirmed or terminated. */
  get state(): DialogState {
    return this.#state;
  }
  /** Why the dialog ended (undefined while it lives). */
  get terminationReason(): TerminationReason | undefined {
    return this.#terminationReason;
  }
  /** Local URI (From of our requests). */
  get localUri(): SipUri {
    return this.#local.uri;
  }
  /** Remote URI (To of our requests). */
  get remoteUri(): SipUri {
    return this.#remote.uri;
  }
  /** Local party with tag, as written in From of our requests. */
  get localParty(): NameAddr {
    return this.#local;
  }
  /** Remote party with tag, as written in To of our requests. */
  get remoteParty(): NameAddr {
    return this.#remote;
  }
  /** Where in-dialog requests go (the peer's Contact, §12.1). */
  get remoteTarget(): SipUri {
    return this.#remoteTarget;
  }
  /** Route set, in the order Route headers are written (§12.1.1/§12.1.2). */
  get routeSet(): readonly RouteEntry[] {
    return this.#routeSet;
  }
  /** Last CSeq number we used (undefined until the first request). */
  get localSeq(): number | undefined {
    return this.#localSeq;
  }
  /** Highest CSeq number received from the peer (undefined until the first request). */
  get remoteSeq(): number | undefined {
    return this.#remoteSeq;
  }
  /** True while an INVITE transaction of this dialog is in progress, in either direction (§14.1). */
  get invitePending(): boolean {
    return this.#outgoingInvite || this.#incomingInvite !== undefined;
  }

  /**
   * Set the application's handler for requests inside this dialog (re-INVITE,
   * UPDATE, INFO, REFER, NOTIFY, OPTIONS, MESSAGE). Without a handler, OPTIONS
   * gets 200 and every other method 501. BYE is answered by the dialog itself.
   */
  setRequestHandler(handler: DialogRequestHandler | undefined): this {
    this.#handler = handler;
    return this;
  }

  /**
   * Set (or clear) the handler of one request method inside this dialog (e.g. `INFO`, `PRACK`).
   * It takes precedence over the general handler of {@link Dialog.setRequestHandler}, so
   * independent features can each own a method. Returns the dialog.
   */
  setMethodHandler(method: string, handler: DialogRequestHandler | undefined): this {
    if (handler === undefined) this.#methodHandlers.delete(method.toUpperCase());
    else this.#methodHandlers.set(method.toUpperCase(), handler);
    return this;
  }

  /**
   * Send a non-INVITE request inside the dialog (RFC 3261 §12.2.1.1) and
   * resolve with its final response (a synthesised 408/503 on timeout or
   * transport failure). A 481 or 408 ends the dialog (§12.2.1.2). Use
   * {@link Dialog.reinvite} for INVITE and {@link Dialog.bye} for BYE.
   * @throws DialogMethodError for INVITE, ACK, CANCEL, BYE
   * @throws DialogTerminatedError when the dialog has ended
   */
  request(method: string, content: MessageContent = {}): Promise<SipResponse> {
    if (method === 'INVITE' || method === 'ACK' || method === 'CANCEL' || method === 'BYE') {
      throw new DialogMethodError(method, 'use reinvite() / bye(); ACK and CANCEL are sent by the core');
    }
    if (this.#state === 'terminated') throw new DialogTerminatedError(`${method}: the dialog is terminated`);
    return this.#send(method, content);
  }

  /**
   * Send a re-INVITE (RFC 3261 §14.1) and resolve with its final response
   * after ACKing a 2xx. On 491 the request is retried after the §14.1 delay
   * (2.1-4 s when we own the Call-ID, else 0-2 s), and on 500 with Retry-After (the peer
   * still had an INVITE pending, §14.2) after that delay, up to `maxGlareRetries` in all.
   * @throws RequestPendingError when an INVITE is already in progress in either direction
   * @throws DialogStateError before the dialog is confirmed
   */
  async reinvite(options: ReinviteOptions = {}): Promise<SipResponse> {
    if (this.#state === 'terminated') throw new DialogTerminatedError('reinvite: the dialog is terminated');
    if (this.#state !== 'confirmed') throw new DialogStateError('reinvite: the dialog is not confirmed');
    if (this.invitePending || this.#answer !== undefined || this.#reinviting) throw new RequestPendingError();
    this.#reinviting = true;
    try {
      return await this.#reinviteLoop(options);
    } finally {
      this.#reinviting = false;
    }
  }

  async #reinviteLoop(options: ReinviteOptions): Promise<SipResponse> {
    const maxRetries = options.maxGlareRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      this.#outgoingInvite = true;
      let res: SipResponse;
      try {
        res = await this.#send('INVITE', options.prepare?.(attempt) ?? options, options.ackBody);
      } finally {
        this.#outgoingInvite = false;
      }
      if (options.retryOnGlare === false || attempt >= maxRetries) return res;
      // §14.2: the peer had another INVITE pending (often: the ACK of its 2xx was lost); retry after Retry-After.
      const overlap = overlapRetryDelayMs(res.status, res.get('Retry-After'));
      if (overlap !== undefined) {
        this.#ctx.log('500 with Retry-After on re-INVITE of %s: retry in %d ms', this.id.callId, overlap);
        await new Promise<void>((resolve) => this.#ctx.clock.setTimeout(resolve, overlap));
        if (this.#isTerminated()) return res;
        continue;
      }
      if (res.status !== 491) return res;
      // §14.1: wait, then retry, unless the dialog ends or the peer's INVITE is still running.
      do {
        const delay = glareRetryDelay(this.ownsCallId);
        this.#ctx.log('491 on re-INVITE of %s: retry in %d ms', this.id.callId, delay);
        await new Promise<void>((resolve) => this.#ctx.clock.setTimeout(resolve, delay));
        if (this.#isTerminated()) return res;
      } while (this.#incomingInvite !== undefined || this.#answer !== undefined);
    }
  }

  /**
   * End the dialog with BYE (RFC 3261 §15.1.1). The dialog is terminated at
   * once (`bye-sent`); the promise resolves with the BYE's final response. As
   * UAS with a 2xx not yet ACKed, the BYE waits for the ACK or its timeout
   * (§15.1.1).
   */
  async bye(content: MessageContent = {}): Promise<SipResponse> {
    if (this.#state === 'terminated') throw new DialogTerminatedError('bye: the dialog is terminated');
    if (this.#state === 'early') {
      throw new DialogStateError('bye: an early dialog ends by cancelling (UAC) or rejecting (UAS) the INVITE');
    }
    if (this.#answer !== undefined && !this.#answer.done) {
      await new Promise<void>((resolve) => this.#ackWaiters.push(resolve));
      if (this.#isTerminated()) throw new DialogTerminatedError('bye: the dialog is terminated');
    }
    const sent = this.#send('BYE', content);
    this.terminate('bye-sent');
    return sent;
  }

  /**
   * Send BYE and end the dialog with another reason (extra fork, cancelled
   * call that got a 2xx anyway). Never throws.
   * @internal
   */
  hangup(reason: TerminationReason): void {
    if (this.#state === 'terminated') return;
    void this.#send('BYE', {});
    this.terminate(reason);
  }

  // ---------------------------------------------------------------- internal

  get #addressing(): DialogAddressing {
    return {
      callId: this.id.callId, local: this.#local, remote: this.#remote, remoteTarget: this.#remoteTarget,
      routeSet: this.#routeSet, localContact: this.localContact,
    };
  }

  /** Build and send an in-dialog request (next local CSeq); resolve with the final response. */
  #send(method: string, content: MessageContent, ackBody?: ReinviteOptions['ackBody']): Promise<SipResponse> {
    const cseq = this.#localSeq = this.#localSeq === undefined ? initialCSeq() : this.#localSeq + 1;
    const first = buildInDialogRequest(this.#ctx, this.#addressing, method, cseq, content);
    // RFC 3261 §22.2: a 401/407 is answered once with credentials, with the next CSeq (auth-retry.ts).
    return sendWithAuth(authenticatorOf(this) ?? this.#ctx.auth, first, (req) => this.#sendBuilt(req, ackBody),
      () => (this.#localSeq = (this.#localSeq ?? cseq) + 1));
  }

  #sendBuilt(request: SipRequest, ackBody?: ReinviteOptions['ackBody']): Promise<SipResponse> {
    const method = request.method;
    const cseq = request.cseq.seq;
    this.#ctx.log('%s %s in dialog %s (CSeq %d)', method, request.uri.toString(), this.id.callId, cseq);
    return sendInDialog(this.#ctx, request, {
      onInvite2xx: (res) => {
        this.#refreshTarget(res);
        this.#acks.send(this.#ctx, this.#addressing, request, ackBody?.(res));
      },
      onInvite2xxRetransmission: () => { this.resendAck(cseq); },
      onFinal: (res) => {
        if (method === 'UPDATE' && res.status >= 200 && res.status < 300) this.#refreshTarget(res);
        // §12.2.1.2: 481 or 408 (also a timeout) ends the dialog.
        if ((res.status === 481 || res.status === 408) && method !== 'BYE') this.terminate('remote-gone');
      },
    });
  }

  /**
   * Send the ACK of a 2xx to our INVITE (RFC 3261 §13.2.2.4); kept for
   * retransmitted 2xx.
   * @internal
   */
  sendAckFor(invite: SipRequest | number, content?: MessageContent): void {
    this.#acks.send(this.#ctx, this.#addressing, invite, content);
  }

  /**
   * A retransmitted 2xx for the INVITE with this CSeq arrived: send the same
   * ACK again (§13.2.2.4). Returns false when no ACK was sent for it.
   * @internal
   */
  resendAck(cseq: number): boolean {
    return this.#acks.resend(this.#ctx, cseq);
  }

  #refreshTarget(msg: SipRequest | SipResponse): void {
    let contact;
    try {
      contact = msg.contact[0];
    } catch {
      return;
    }
    if (contact === undefined || contact.star) return;
    const changed = contact.uri.toString() !== this.#remoteTarget.toString();
    this.#remoteTarget = contact.uri;
    if (changed) this.safeEmit('target-refresh', contact.uri);
  }

  /**
   * UAC: a 2xx confirmed this (early or new) dialog; route set and remote
   * target are recomputed from the 2xx (§13.2.2.4).
   * @internal
   */
  confirm(routeSet: readonly RouteEntry[], remoteTarget: SipUri): void {
    this.#routeSet = routeSet;
    this.#remoteTarget = remoteTarget;
    this.#setState('confirmed');
  }

  /** @internal UAC: an early dialog got a new 1xx: refresh target/route set (§12.1.2 / §13.2.2.4). */
  updateEarly(routeSet: readonly RouteEntry[], remoteTarget: SipUri): void {
    if (this.#state !== 'early') return;
    this.#routeSet = routeSet;
    this.#remoteTarget = remoteTarget;
  }

  /** @internal Mark our initial INVITE (UAC) or the peer's (UAS) as pending. */
  setInitialInvitePending(direction: 'outgoing' | 'incoming', pending: boolean, cseq?: number): void {
    if (direction === 'outgoing') this.#outgoingInvite = pending;
    else this.#incomingInvite = pending ? cseq : undefined;
  }

  /**
   * UAS: send a 2xx to an INVITE and retransmit it until the ACK (§13.3.1.4);
   * without ACK after 64*T1 the dialog sends BYE and ends (`ack-timeout`).
   * @internal
   */
  sendAnswer(tx: ServerTransaction, response: SipResponse): void {
    if (this.#state === 'early') this.#setState('confirmed');
    this.#answer?.stop();
    const answer = new AnswerRetransmitter(tx, response, this.#ctx.clock, this.#ctx.timers, () => {
      this.#ctx.log('no ACK for the 2xx of %s after 64*T1: BYE', this.id.callId);
      this.#answer = undefined;
      this.#flushAckWaiters();
      if (this.#state === 'terminated') return;
      void this.#send('BYE', {});
      this.terminate('ack-timeout');
    });
    this.#answer = answer;
    answer.start();
  }

  /** @internal The retransmitter currently running, for tests and counters. */
  get pendingAnswer(): AnswerRetransmitter | undefined {
    return this.#answer;
  }

  /** @internal An ACK for a 2xx arrived (§13.3.1.4, §17.2.3 dialog match). */
  receiveAck(ack: SipRequest): void {
    const a = this.#answer;
    if (a === undefined || a.cseq !== ack.cseq.seq) {
      this.#ctx.log('ACK (CSeq %d) of %s matches no pending 2xx: absorbed', ack.cseq.seq, this.id.callId);
      return;
    }
    a.stop();
    this.#answer = undefined;
    this.#flushAckWaiters();
    this.safeEmit('ack', ack);
  }

  #flushAckWaiters(): void {
    const w = this.#ackWaiters;
    this.#ackWaiters = [];
    for (const fn of w) fn();
  }

  /** @internal A request matched this dialog (§12.2.2). */
  receiveRequest(request: SipRequest, tx: ServerTransaction): void {
    const seq = request.cseq.seq;
    if (this.#remoteSeq !== undefined && seq < this.#remoteSeq) {
      this.respond(tx, 500, { reason: 'Server Internal Error - CSeq out of order' });
      return;
    }
    this.#remoteSeq = seq;
    handleInDialogRequest(this, {
      request, tx, handler: this.#methodHandlers.get(request.method) ?? this.#handler, outgoingInvite: this.#outgoingInvite, incomingInvite: this.#incomingInvite,
      log: this.#ctx.log,
      setIncomingInvite: (cseq) => { this.#incomingInvite = cseq; },
      refreshTarget: (msg) => this.#refreshTarget(msg),
    });
  }

  /**
   * Send a response to an in-dialog request: Contact for INVITE/UPDATE/2xx,
   * Allow/Supported where useful. A 2xx to INVITE goes through
   * {@link Dialog.sendAnswer} (retransmitted until ACK).
   * @internal
   */
  respond(tx: ServerTransaction, status: number, options: ResponseOptions = {}): SipResponse {
    const req = tx.request;
    const res = buildDialogResponse(this.#ctx, req, status, options, this.id.localTag, this.localContact);
    if (req.method === 'INVITE' && status >= 200 && status < 300) this.sendAnswer(tx, res);
    else tx.respond(res);
    return res;
  }

  #isTerminated(): boolean {
    return this.#state === 'terminated';
  }

  #setState(next: DialogState): void {
    const prev = this.#state;
    if (prev === next || prev === 'terminated') return;
    if (prev === 'confirmed' && next === 'early') return;
    this.#state = next;
    this.#ctx.log('dialog %s: %s -> %s', this.id.callId, prev, next);
    this.safeEmit('state', next, prev);
  }

  /**
   * End the dialog without sending anything (the caller sent BYE, or the
   * INVITE failed...). Idempotent.
   * @internal
   */
  terminate(reason: TerminationReason): void {
    if (this.#state === 'terminated') return;
    this.#terminationReason = reason;
    this.#answer?.stop();
    this.#answer = undefined;
    this.#setState('terminated');
    this.#ctx.unregister(this);
    this.#flushAckWaiters();
    this.safeEmit('terminated', reason);
  }
}
