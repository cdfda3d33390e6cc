import type { NameAddr, SipRequest, SipResponse } from '../sip/index.js';
import { createCancel } from '../transaction/index.js';
import type { ClientTransaction } from '../transaction/index.js';
import type { TransportTarget } from '../transport/index.js';
import { TypedEmitter } from '../util/index.js';
import type { CoreContext } from './core-context.js';
import { Dialog } from './dialog.js';
import { extraHeaderLines } from './message-builder.js';
import { PrackSender } from './prack.js';
import { routeSetFromRecordRoute } from './route-set.js';
import type { MessageContent } from './types.js';
import {
  AuthenticationFailedError, recordAuthFailure, setAuthenticatorOf, type RequestAuthState, type UacAuthenticator,
} from './auth-retry.js';

/** Events of an {@link OutgoingInvite}. */
export type OutgoingInviteEvents = {
  /** A provisional response; `dialog` is the early dialog when the 1xx had a To tag (§12.1.2). */
  progress: [response: SipResponse, dialog: Dialog | undefined];
  /** The first 2xx: the dialog is confirmed and the ACK sent (§13.2.2.4). */
  accepted: [dialog: Dialog, response: SipResponse];
  /** A final non-2xx (487 after a CANCEL, a synthesised 408 on timeout or 503 on transport failure). */
  failed: [response: SipResponse];
};

/** How an outgoing INVITE ended. */
export type InviteOutcome =
  | { readonly accepted: true; readonly dialog: Dialog; readonly response: SipResponse }
  | { readonly accepted: false; readonly response: SipResponse; readonly cancelled: boolean };

/** Where an {@link OutgoingInvite} stands. */
export type OutgoingInviteState = 'calling' | 'proceeding' | 'accepted' | 'failed';

/** Options of an {@link OutgoingInvite}. @internal */
export interface OutgoingInviteInit {
  readonly request: SipRequest;
  readonly target: TransportTarget;
  /** Body of the ACK when the 2xx carries an offer (the INVITE had none). */
  readonly ackBody?: ((response: SipResponse) => MessageContent | undefined) | undefined;
  /** Credentials for a 401/407 (RFC 3261 §22.2); the INVITE is then sent again (auth-retry.ts). */
  readonly auth?: UacAuthenticator | undefined;
}

/**
 * An INVITE we sent outside any dialog (RFC 3261 §13.2): follows the
 * responses, creates early dialogs from 1xx with a To tag and the confirmed
 * dialog from the 2xx, ACKs every 2xx (again for each retransmission, from
 * the transaction's Accepted state or the core's `stray-response` handling),
 * and ends extra dialogs of a forked INVITE with ACK + BYE.
 *
 * {@link OutgoingInvite.cancel} sends CANCEL (§9.1) once a provisional
 * response has arrived; before that it is deferred until the first one
 * (RFC 3261 §9.1: "SHOULD NOT be sent ... until a provisional response has
 * been received"). Should the INVITE still succeed (2xx racing the CANCEL),
 * the dialog is ACKed and ended with BYE, and the outcome is `cancelled`.
 */
export class OutgoingInvite extends TypedEmitter<OutgoingInviteEvents> {
  #request: SipRequest;
  #transaction: ClientTransaction;
  readonly #auth: UacAuthenticator | undefined;
  #authState: RequestAuthState | undefined;
  /** Settles once with the first final answer. */
  readonly outcome: Promise<InviteOutcome>;
  readonly #ctx: CoreContext;
  readonly #ackBody: OutgoingInviteInit['ackBody'];
  readonly #dialogs = new Map<string, Dialog>();
  #resolve!: (o: InviteOutcome) => void;
  #state: OutgoingInviteState = 'calling';
  #dialog: Dialog | undefined;
  #cancelRequested = false;
  #cancelSent = false;
  #cancelHeaders: MessageContent['headers'];
  /** PRACKs for reliable provisional responses (RFC 3262 §4). */
  readonly #prack: PrackSender;

  /** @internal */
  constructor(ctx: CoreContext, init: OutgoingInviteInit) {
    super();
    this.#ctx = ctx;
    this.#request = init.request;
    this.#auth = init.auth;
    this.#ackBody = init.ackBody;
    this.#prack = new PrackSender(ctx.log);
    this.outcome = new Promise<InviteOutcome>((resolve) => { this.#resolve = resolve; });
    this.setListenerErrorHandler((err, event) => ctx.log('outgoing INVITE listener for %s threw: %O', event, err));
    this.#transaction = this.#start(init.request, init.target);
  }

  /** The INVITE as given to the transaction layer (the authenticated retry once there was one). */
  get request(): SipRequest {
    return this.#request;
  }

  /** The INVITE client transaction (of the retry once there was one). */
  get transaction(): ClientTransaction {
    return this.#transaction;
  }

  #start(request: SipRequest, target: TransportTarget | undefined): ClientTransaction {
    const tx = this.#ctx.transactions.sendRequest(request, { onResponse: (res) => {
      if (tx === this.#transaction) this.#onResponse(res);
    } }, target);
    tx.once('terminated', () => {
      if (tx !== this.#transaction) return;
      // Early dialogs that never got their 2xx end with the transaction (RFC 6026 Timer M).
      for (const d of this.#dialogs.values()) if (d.state === 'early') d.terminate('rejected');
    });
    return tx;
  }

  /**
   * A 401/407 to our INVITE (already ACKed by the transaction, §17.1.1.3): send a new INVITE
   * with credentials, the next CSeq and the same Call-ID (RFC 3261 §22.2). False when the
   * challenge cannot or must not be answered (no credentials, refused, cancelled).
   */
  #retryAuth(res: SipResponse): boolean {
    if (this.#cancelRequested || this.#auth === undefined || this.#auth.empty) {
      recordAuthFailure(res, new AuthenticationFailedError(res.status, 'no-credentials'));
      return false;
    }
    this.#authState ??= this.#auth.begin();
    const next = this.#authState.next(this.#request, res);
    if (next instanceof AuthenticationFailedError) {
      recordAuthFailure(res, next);
      return false;
    }
    for (const d of this.#dialogs.values()) d.terminate('rejected');
    this.#dialogs.clear();
    this.#ctx.log('INVITE %s challenged with %d: sent again with credentials', this.#request.callId, res.status);
    this.#request = next;
    this.#state = 'calling';
    this.#transaction = this.#start(next, this.#transaction.target);
    return true;
  }

  /** calling, proceeding (a 1xx arrived), accepted or failed. */
  get state(): OutgoingInviteState {
    return this.#state;
  }

  /** The accepted dialog (undefined until the 2xx). */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** Every dialog this INVITE created, early or confirmed (forking), by remote tag. */
  get dialogs(): ReadonlyMap<string, Dialog> {
    return this.#dialogs;
  }

  /** True once {@link OutgoingInvite.cancel} was called. */
  get cancelRequested(): boolean {
    return this.#cancelRequested;
  }

  /**
   * Cancel the INVITE (RFC 3261 §9.1). Does nothing once a final response
   * arrived. The CANCEL is sent at once when a provisional response has
   * arrived, otherwise as soon as the first one does. The outcome becomes a
   * 487 failure (or, if a 2xx wins the race, the dialog is ended with BYE).
   */
  cancel(headers?: MessageContent['headers']): void {
    if (this.#cancelRequested || this.#state === 'accepted' || this.#state === 'failed') return;
    this.#cancelRequested = true;
    this.#cancelHeaders = headers;
    if (this.#state === 'proceeding') this.#sendCancel();
  }

  #sendCancel(): void {
    if (this.#cancelSent) return;
    this.#cancelSent = true;
    let cancel = createCancel(this.transaction.request);
    for (const l of extraHeaderLines(this.#cancelHeaders)) cancel = cancel.withHeader(l.name, l.value);
    this.#ctx.log('CANCEL %s', this.request.callId);
    try {
      this.#ctx.transactions.sendRequest(cancel, { onResponse: () => undefined }, this.transaction.target);
    } catch (err) {
      this.#ctx.log('CANCEL not sent: %O', err);
    }
  }

  #onResponse(res: SipResponse): void {
    let tag: string | undefined;
    try {
      tag = res.to.tag;
    } catch {
      return;
    }
    if (res.status < 200) {
      if (this.#state !== 'calling' && this.#state !== 'proceeding') return;
      this.#state = 'proceeding';
      const dialog = res.status > 100 && tag !== undefined ? this.#earlyDialog(res, tag) : undefined;
      // RFC 3262 §4: PRACK a new reliable 1xx; a retransmitted or out-of-order one is not delivered again.
      if (dialog !== undefined && !this.#cancelRequested) {
        const verdict = this.#prack.handle(dialog, res, this.request);
        if (verdict === 'duplicate' || verdict === 'out-of-order') return;
      }
      if (this.#cancelRequested) this.#sendCancel();
      this.safeEmit('progress', res, dialog);
      return;
    }
    if (res.status < 300) {
      this.#on2xx(res, tag ?? '');
      return;
    }
    if (this.#state === 'accepted' || this.#state === 'failed') return;
    if ((res.status === 401 || res.status === 407) && this.#retryAuth(res)) return;
    this.#state = 'failed';
    for (const d of this.#dialogs.values()) {
      d.setInitialInvitePending('outgoing', false);
      d.terminate(this.#cancelRequested ? 'cancelled' : 'rejected');
    }
    this.#resolve({ accepted: false, response: res, cancelled: this.#cancelRequested });
    this.safeEmit('failed', res);
  }

  #on2xx(res: SipResponse, tag: string): void {
    const existing = this.#dialogs.get(tag);
    if (existing !== undefined && existing.state !== 'early') {
      // A retransmission of a 2xx we already ACKed (§13.2.2.4).
      existing.resendAck(this.request.cseq.seq);
      return;
    }
    const routeSet = routeSetFromRecordRoute(res.recordRoute, 'uac');
    const target = this.#contactOf(res);
    let dialog = existing;
    if (dialog !== undefined) dialog.confirm(routeSet, target);
    else {
      dialog = this.#newDialog(res, tag, 'confirmed');
      this.#dialogs.set(tag, dialog);
      this.#ctx.register(dialog);
    }
    if (this.#auth !== undefined && this.#auth !== this.#ctx.auth) setAuthenticatorOf(dialog, this.#auth);
    dialog.setInitialInvitePending('outgoing', false);
    dialog.sendAckFor(this.transaction.request, this.#ackBody?.(res));
    if (this.#state === 'accepted' || this.#state === 'failed' || this.#cancelRequested) {
      // Another fork answered (or the call was cancelled meanwhile): ACK sent, now BYE (§13.2.2.4).
      this.#ctx.log('extra 2xx for %s (tag %s): ACK + BYE', this.request.callId, tag);
      dialog.hangup(this.#cancelRequested && this.#state !== 'accepted' ? 'cancelled' : 'forked-extra');
      if (this.#state !== 'accepted' && this.#state !== 'failed') {
        this.#state = 'failed';
        this.#resolve({ accepted: false, response: res, cancelled: true });
        this.safeEmit('failed', res);
      }
      return;
    }
    this.#state = 'accepted';
    this.#dialog = dialog;
    this.#resolve({ accepted: true, dialog, response: res });
    this.safeEmit('accepted', dialog, res);
  }

  #earlyDialog(res: SipResponse, tag: string): Dialog {
    const routeSet = routeSetFromRecordRoute(res.recordRoute, 'uac');
    const existing = this.#dialogs.get(tag);
    if (existing !== undefined) {
      existing.updateEarly(routeSet, this.#contactOf(res));
      return existing;
    }
    const dialog = this.#newDialog(res, tag, 'early');
    dialog.setInitialInvitePending('outgoing', true);
    this.#dialogs.set(tag, dialog);
    this.#ctx.register(dialog);
    return dialog;
  }

  #contactOf(res: SipResponse): NameAddr['uri'] {
    try {
      const c = res.contact.find((x): x is NameAddr => !x.star);
      if (c !== undefined) return c.uri;
    } catch {
      /* a malformed Contact: keep the Request-URI */
    }
    return this.request.uri;
  }

  /** A dialog from a response to our INVITE (RFC 3261 §12.1.2). */
  #newDialog(res: SipResponse, tag: string, state: 'early' | 'confirmed'): Dialog {
    const req = this.request;
    const to = tag === '' ? res.to : res.to.withTag(tag);
    return new Dialog(this.#ctx, {
      role: 'uac',
      state,
      callId: req.callId,
      local: req.from,
      remote: to,
      remoteTarget: this.#contactOf(res),
      routeSet: routeSetFromRecordRoute(res.recordRoute, 'uac'),
      localSeq: req.cseq.seq,
      remoteSeq: undefined,
      secure: req.uri.scheme === 'sips' && this.transaction.target?.protocol === 'TLS',
      localContact: req.get('Contact') ?? '',
      ownsCallId: true,
    });
  }
}
