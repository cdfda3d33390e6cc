import type { NameAddr, SipRequest, SipResponse } from '../sip/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { InboundMessage } from '../transport/index.js';
import { TypedEmitter } from '../util/index.js';
import type { CoreContext } from './core-context.js';
import { Dialog } from './dialog.js';
import { AlreadyRespondedError } from './errors.js';
import { buildResponse, extraHeaderLines, newTag } from './message-builder.js';
import { OPTION_100REL, ReliableProvisionals, hasOptionTag } from './reliable-provisional.js';
import { routeSetFromRecordRoute } from './route-set.js';
import type { ResponseOptions } from './types.js';

/** Where an {@link IncomingInvite} stands. */
export type IncomingInviteState = 'pending' | 'accepted' | 'rejected' | 'cancelled';

/** Events of an {@link IncomingInvite}. */
export type IncomingInviteEvents = {
  /**
   * The caller cancelled (§9.2) or hung up the early dialog with BYE
   * (§15.1.2); the core already answered the INVITE with 487.
   */
  cancelled: [request: SipRequest];
  /**
   * A reliable provisional response got no PRACK within 64*T1 (RFC 3262 §3): the core already
   * rejected the INVITE with 504.
   */
  'prack-timeout': [];
};

/**
 * A new INVITE outside any dialog, handed to the application's `onInvite`
 * (RFC 3261 §13.3). The application answers with {@link IncomingInvite.provisional}
 * (180/183, creating the early dialog with our To tag), then
 * {@link IncomingInvite.accept} (2xx, confirmed dialog; retransmitted until
 * the ACK, BYE after 64*T1 without it, §13.3.1.4) or
 * {@link IncomingInvite.reject}. A CANCEL ends it with 487 and the
 * `cancelled` event.
 */
export class IncomingInvite extends TypedEmitter<IncomingInviteEvents> {
  /** The INVITE. */
  readonly request: SipRequest;
  /** Its INVITE server transaction. */
  readonly transaction: ServerTransaction;
  /** How it arrived (transport, source). */
  readonly inbound: InboundMessage;
  /** Our To tag for every response to this INVITE (§8.2.6.2, §12.1.1). */
  readonly localTag: string = newTag();
  readonly #ctx: CoreContext;
  #state: IncomingInviteState = 'pending';
  #dialog: Dialog | undefined;
  #reliable: ReliableProvisionals | undefined;

  /** @internal */
  constructor(ctx: CoreContext, request: SipRequest, tx: ServerTransaction, inbound: InboundMessage) {
    super();
    this.#ctx = ctx;
    this.request = request;
    this.transaction = tx;
    this.inbound = inbound;
    this.setListenerErrorHandler((err, event) => ctx.log('incoming INVITE listener for %s threw: %O', event, err));
    tx.on('cancelled', (cancel) => this.#cancel(cancel));
  }

  /** pending, accepted, rejected or cancelled. */
  get state(): IncomingInviteState {
    return this.#state;
  }

  /** The dialog (early after a provisional response with tag, confirmed after accept). */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /**
   * Send a provisional response (default 180 Ringing) with our To tag,
   * creating the early dialog (§12.1.1, §13.3.1.1).
   * @throws AlreadyRespondedError after a final response
   * @throws RangeError for a status outside 101-199
   */
  provisional(status = 180, options: ResponseOptions = {}): Dialog {
    this.#assertPending();
    if (!Number.isInteger(status) || status < 101 || status > 199) throw new RangeError(`provisional status ${status}`);
    const dialog = this.#ensureDialog('early');
    dialog.respond(this.transaction, status, options);
    return dialog;
  }

  /** True when the INVITE's Supported or Require lists `100rel` (RFC 3262 §3). */
  get peerSupports100rel(): boolean {
    return hasOptionTag(this.request, 'Require') || hasOptionTag(this.request, 'Supported');
  }

  /** True when the INVITE's Require lists `100rel`: every 1xx but 100 must then be reliable (RFC 3262 §3). */
  get peerRequires100rel(): boolean {
    return hasOptionTag(this.request, 'Require');
  }

  /** The reliable provisional responses sent so far (RSeq, retransmissions), once one was sent. */
  get reliableProvisionals(): ReliableProvisionals | undefined {
    return this.#reliable;
  }

  /**
   * Send a provisional response reliably (RFC 3262 §3): `Require: 100rel` and the next `RSeq`,
   * retransmitted at T1, 2*T1, ... until the PRACK arrives (answered 200 by the core). A further
   * reliable response waits until the previous one is acknowledged. Without PRACK after 64*T1 the
   * INVITE is rejected with 504 and `prack-timeout` is emitted. Resolves with the PRACK.
   * @throws AlreadyRespondedError after a final response
   * @throws RangeError for a status outside 101-199
   * @throws PrackTimeoutError (rejection) when no PRACK came, or a final response was sent first
   */
  provisionalReliably(status = 183, options: ResponseOptions = {}): Promise<SipRequest> {
    this.#assertPending();
    if (!Number.isInteger(status) || status < 101 || status > 199) throw new RangeError(`provisional status ${status}`);
    const dialog = this.#ensureDialog('early');
    let reliable = this.#reliable;
    if (reliable === undefined) {
      const sender = new ReliableProvisionals(this.transaction, this.#ctx.clock, this.#ctx.timers, () => {
        this.#ctx.log('no PRACK for the reliable 1xx of %s after 64*T1: 504', this.request.callId);
        if (this.#state !== 'pending') return;
        this.reject(504, { reason: 'Server Time-out - no PRACK' });
        this.safeEmit('prack-timeout');
      });
      reliable = this.#reliable = sender;
      dialog.setMethodHandler('PRACK', (prack) => {
        // RFC 3262 §3: a PRACK that matches no unacknowledged reliable response gets 481.
        if (!sender.receivePrack(prack.request, () => prack.respond(200))) prack.respond(481);
      });
    }
    const carriesSdp = options.body !== undefined && options.body.length > 0;
    const sent = reliable.send((rseq) => dialog.respond(this.transaction, status, {
      ...options,
      headers: [...extraHeaderLines(options.headers), { name: 'Require', value: OPTION_100REL }, { name: 'RSeq', value: String(rseq) }],
    }), carriesSdp);
    sent.catch(() => undefined);
    return sent;
  }

  /**
   * Resolves once no reliable provisional response carrying SDP waits for its PRACK: a 2xx must
   * not be sent before (RFC 3262 §3). Resolves at once when there is none.
   */
  offerSettled(): Promise<void> {
    return this.#reliable?.offerSettled() ?? Promise.resolve();
  }

  /**
   * Accept with a 2xx (default 200) carrying e.g. the SDP answer; the dialog
   * is confirmed. The core retransmits the 2xx until the ACK (§13.3.1.4).
   * @throws AlreadyRespondedError after a final response
   */
  accept(options: ResponseOptions & { status?: number } = {}): Dialog {
    this.#assertPending();
    const status = options.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 299) throw new RangeError(`accept status ${status}`);
    const dialog = this.#ensureDialog('confirmed');
    this.#state = 'accepted';
    this.#reliable?.stop();
    dialog.setInitialInvitePending('incoming', false);
    dialog.respond(this.transaction, status, options);
    return dialog;
  }

  /**
   * Reject with a final non-2xx response (default 486 Busy Here); an early
   * dialog ends (`rejected`).
   * @throws AlreadyRespondedError after a final response
   */
  reject(status = 486, options: ResponseOptions = {}): SipResponse {
    this.#assertPending();
    if (!Number.isInteger(status) || status < 300 || status > 699) throw new RangeError(`reject status ${status}`);
    this.#state = 'rejected';
    const res = this.#final(status, options);
    this.#dialog?.terminate('rejected');
    return res;
  }

  #final(status: number, options: ResponseOptions): SipResponse {
    this.#reliable?.stop();
    const body = options.body;
    const res = buildResponse(this.request, status, {
      toTag: this.localTag,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
      ...(this.#ctx.userAgent !== undefined ? { server: this.#ctx.userAgent } : {}),
      headers: extraHeaderLines(options.headers),
      ...(body !== undefined && body.length > 0 ? { body, contentType: options.contentType ?? 'text/plain' } : {}),
    });
    this.transaction.respond(res);
    return res;
  }

  #assertPending(): void {
    if (this.#state !== 'pending') throw new AlreadyRespondedError(`the INVITE was already ${this.#state}`);
  }

  #cancel(cancel: SipRequest): void {
    if (this.#state !== 'pending') return;
    this.#state = 'cancelled';
    this.#final(487, {});
    this.#dialog?.terminate('cancelled');
    this.safeEmit('cancelled', cancel);
  }

  /** Create the dialog of this INVITE (§12.1.1) if it does not exist yet. */
  #ensureDialog(state: 'early' | 'confirmed'): Dialog {
    if (this.#dialog !== undefined) return this.#dialog;
    const req = this.request;
    const contact = req.contact.find((c): c is NameAddr => !c.star);
    const secure = req.uri.scheme === 'sips' && this.inbound.protocol === 'TLS';
    const dialog = new Dialog(this.#ctx, {
      role: 'uas',
      state,
      callId: req.callId,
      local: req.to.withTag(this.localTag),
      remote: req.from,
      remoteTarget: contact?.uri ?? req.from.uri,
      routeSet: routeSetFromRecordRoute(req.recordRoute, 'uas'),
      localSeq: undefined,
      remoteSeq: req.cseq.seq,
      secure,
      localContact: this.#ctx.contactFor(this.inbound.protocol, secure),
      ownsCallId: false,
    });
    if (state === 'early') dialog.setInitialInvitePending('incoming', true, req.cseq.seq);
    dialog.on('terminated', (reason) => {
      // §15.1.2: BYE on an early dialog: the INVITE gets 487.
      if (reason === 'bye-received' && this.#state === 'pending') {
        this.#state = 'cancelled';
        this.#final(487, {});
        this.safeEmit('cancelled', req);
      }
    });
    this.#dialog = dialog;
    this.#ctx.register(dialog);
    return dialog;
  }
}
