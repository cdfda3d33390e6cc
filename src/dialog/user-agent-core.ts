import createDebug from 'debug';
import { NameAddr, SipUri } from '../sip/index.js';
import type { SipRequest, SipResponse } from '../sip/index.js';
import type { ServerTransaction, TransactionLayer } from '../transaction/index.js';
import type { InboundMessage, SipTransportLayer, TransportProtocol, TransportTarget } from '../transport/index.js';
import { InvalidArgumentError, systemClock, type Clock } from '../util/index.js';
import type { CoreContext } from './core-context.js';
import { Dialog } from './dialog.js';
import { routeSetFromRecordRoute } from './route-set.js';
import { CoreClosedError } from './errors.js';
import { IncomingInvite } from './incoming-invite.js';
import { IncomingRequest } from './incoming-request.js';
import { capabilityHeaders, replyOutsideDialog, type ReplyOptions } from './core-reply.js';
import { buildRequest, extraHeaderLines, initialCSeq, newCallId, newTag } from './message-builder.js';
import { OutgoingInvite } from './outgoing-invite.js';
import { sendWithAuth, type UacAuthenticator } from './auth-retry.js';
import type { RequestGuard, RequestGuardVerdict } from './request-guard.js';
import { checkRequest, type UaCapabilities } from './request-checks.js';
import { DEFAULT_DIALOG_TIMERS, type DialogTimers } from './timing.js';
import type { DialogId, MessageContent } from './types.js';

const log = createDebug('sipline:dialog');

/** Methods a {@link UserAgentCore} allows by default (Allow header). */
export const DEFAULT_ALLOWED_METHODS: readonly string[] = Object.freeze([
  'INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'MESSAGE', 'PRACK',
]);

/** Options of a {@link UserAgentCore}. */
export interface UserAgentCoreOptions {
  /** Transaction layer to send through and receive from. */
  readonly transactions: TransactionLayer;
  /** Transport layer (Contact addresses, ACK sending); default `transactions.transport`. */
  readonly transport?: SipTransportLayer;
  /** Default From of our requests, e.g. `"Alice" <sip:alice@example.com>`; default `<sip:sipline@HOST>`. */
  readonly identity?: string | NameAddr;
  /** User part of our Contact; default the identity's user or `sipline`. */
  readonly contactUser?: string;
  /** User-Agent / Server header value; default `sipline`; empty string for none. */
  readonly userAgent?: string;
  /** Methods accepted (Allow); default {@link DEFAULT_ALLOWED_METHODS}. */
  readonly allowedMethods?: readonly string[];
  /** Option tags supported (Supported); default none. */
  readonly supported?: readonly string[];
  /** Body types accepted (Accept); default `application/sdp`. */
  readonly accept?: readonly string[];
  /** Clock for every dialog-layer timer; default the system clock. */
  readonly clock?: Clock;
  /** T1/T2/T4 for the §13.3.1.4 2xx retransmission; default the transaction layer's. */
  readonly timers?: Partial<DialogTimers>;
  /** Application callback for new INVITEs (see {@link UserAgentCore.setInviteHandler}). */
  readonly onInvite?: InviteHandler;
  /** Application callback for other requests outside dialogs (see {@link UserAgentCore.setRequestHandler}). */
  readonly onRequest?: RequestHandler;
  /** Credentials answering 401/407 on every request (RFC 3261 §22.2); see auth-retry.ts. */
  readonly auth?: UacAuthenticator;
  /** Outbound proxy: out-of-dialog requests get `Route: <proxy;lr>` and are sent to it (RFC 3261 §8.1.2). */
  readonly outboundProxy?: SipUri | string;
}

/** Receives each new INVITE; must eventually call provisional/accept/reject (or the caller rings on). */
export type InviteHandler = (invite: IncomingInvite) => void;
/** Receives out-of-dialog requests other than INVITE, OPTIONS, ACK, CANCEL and BYE (e.g. MESSAGE). */
export type RequestHandler = (request: IncomingRequest) => void;

/** Options of {@link UserAgentCore.invite} and {@link UserAgentCore.request}. */
export interface OutOfDialogRequestOptions extends MessageContent {
  /** Request-URI (and To when `to` is absent). */
  readonly target: SipUri | string;
  /** From (our tag is added); default the core's identity. */
  readonly from?: NameAddr | string;
  /** To; default `<target>`. */
  readonly to?: NameAddr | string;
  /** Call-ID; a fresh one by default. */
  readonly callId?: string;
  /** CSeq number; a random one by default (a registration increments its own, RFC 3261 §10.2.4). */
  readonly cseq?: number;
  /** Credentials for this request (and the dialog it creates) instead of the core's. */
  readonly auth?: UacAuthenticator;
  /** Outbound proxy for this request instead of the core's; `null` for none. */
  readonly outboundProxy?: SipUri | string | null;
}

/** Options of {@link UserAgentCore.invite}. */
export interface InviteOptions extends OutOfDialogRequestOptions {
  /** ACK body when the 2xx carries an offer (delayed offer, §13.2.2.4). */
  readonly ackBody?: (response: SipResponse) => MessageContent | undefined;
}

function proxyUri(value: SipUri | string | undefined, what: string): SipUri | undefined {
  if (value === undefined || value instanceof SipUri) return value;
  try {
    return SipUri.parse(value.trim().replace(/^<(.*)>$/, '$1'));
  } catch (err) {
    throw new InvalidArgumentError(what, (err as Error).message);
  }
}

/** `<proxy;lr>`: a loose-routing Route to the outbound proxy (RFC 3261 §8.1.2, §16.12). */
function proxyRoute(proxy: SipUri): string {
  const params = new Map(proxy.params);
  params.set('lr', null);
  return `<${proxy.with({ params, headers: new Map() }).toString()}>`;
}

function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

/**
 * The user agent core (RFC 3261 §8, §12-14) over a transaction layer: UAC
 * (INVITE with early/confirmed dialogs, ACK for 2xx, CANCEL, forking;
 * non-INVITE requests) and UAS (request checks of §8.2, INVITE handed to
 * the application as an {@link IncomingInvite}, OPTIONS answered with Allow /
 * Accept / Supported, 481 for in-dialog requests matching no dialog), and
 * the registry of {@link Dialog}s that in-dialog requests, ACKs and
 * retransmitted 2xx are routed to.
 *
 * Debug output: namespace `sipline:dialog`.
 */
export class UserAgentCore {
  readonly #transactions: TransactionLayer;
  readonly #transport: SipTransportLayer;
  readonly #clock: Clock;
  readonly #timers: DialogTimers;
  readonly #caps: UaCapabilities;
  readonly #identity: NameAddr | undefined;
  readonly #contactUser: string;
  readonly #userAgent: string | undefined;
  readonly #dialogs = new Map<string, Dialog>();
  readonly #ctx: CoreContext;
  readonly #outboundProxy: SipUri | undefined;
  #onInvite: InviteHandler | undefined;
  #onRequest: RequestHandler | undefined;
  #guard: RequestGuard | undefined;
  /** Requests the guard let through (they re-enter the receive path). */
  readonly #guarded = new WeakSet<SipRequest>();
  #closed = false;
  readonly #onTxRequest = (req: SipRequest, tx: ServerTransaction | undefined, inbound: InboundMessage): void => {
    try {
      this.#receive(req, tx, inbound);
    } catch (err) {
      log('request handling failed: %O', err);
      if (tx !== undefined && req.method !== 'ACK') this.#reply(tx, 500, {});
    }
  };
  readonly #onStray = (res: SipResponse): void => this.#stray(res);

  /** @throws InvalidArgumentError on a bad option */
  constructor(options: UserAgentCoreOptions) {
    this.#transactions = options.transactions;
    this.#transport = options.transport ?? options.transactions.transport;
    this.#clock = options.clock ?? systemClock;
    this.#timers = { ...DEFAULT_DIALOG_TIMERS, ...options.transactions.timers, ...options.timers };
    const allowed = options.allowedMethods ?? DEFAULT_ALLOWED_METHODS;
    for (const m of ['ACK', 'CANCEL', 'BYE']) {
      if (!allowed.includes(m)) throw new InvalidArgumentError('allowedMethods', `must include ${m}`);
    }
    this.#caps = Object.freeze({
      allowed: [...allowed],
      supported: [...(options.supported ?? [])],
      accept: [...(options.accept ?? ['application/sdp'])].map((a) => a.toLowerCase()),
    });
    try {
      this.#identity = typeof options.identity === 'string' ? NameAddr.parse(options.identity, 'identity') : options.identity;
    } catch (err) {
      throw new InvalidArgumentError('identity', (err as Error).message);
    }
    this.#contactUser = options.contactUser ?? this.#identity?.uri.user ?? 'sipline';
    this.#userAgent = options.userAgent === '' ? undefined : (options.userAgent ?? 'sipline');
    this.#onInvite = options.onInvite;
    this.#onRequest = options.onRequest;
    this.#outboundProxy = proxyUri(options.outboundProxy, 'outboundProxy');
    const self = this;
    this.#ctx = {
      transactions: this.#transactions,
      transport: this.#transport,
      clock: this.#clock,
      timers: this.#timers,
      log,
      userAgent: this.#userAgent,
      capabilities: this.#caps,
      auth: options.auth,
      get closed() { return self.#closed; },
      contactFor: (p, secure) => this.#contactFor(p, secure),
      register: (d) => { this.#dialogs.set(dialogKey(d.id.callId, d.id.localTag, d.id.remoteTag), d); },
      unregister: (d) => {
        const k = dialogKey(d.id.callId, d.id.localTag, d.id.remoteTag);
        if (this.#dialogs.get(k) === d) this.#dialogs.delete(k);
      },
      sendStateless: (r) => this.#sendStateless(r),
    };
    this.#transactions.on('request', this.#onTxRequest);
    this.#transactions.on('stray-response', this.#onStray);
  }

  /** Set (or clear) the handler of new INVITEs; without one, INVITEs get 480. Returns the core. */
  setInviteHandler(handler: InviteHandler | undefined): this {
    this.#onInvite = handler;
    return this;
  }

  /** Set (or clear) the handler of other out-of-dialog requests (MESSAGE, ...); without one they get 501. */
  setRequestHandler(handler: RequestHandler | undefined): this {
    this.#onRequest = handler;
    return this;
  }

  /**
   * Set (or clear) the gate of out-of-dialog requests other than ACK and CANCEL (digest
   * authentication, RFC 3261 §22.1). Returns the core.
   */
  setRequestGuard(guard: RequestGuard | undefined): this {
    this.#guard = guard;
    return this;
  }

  /** Live dialogs (early and confirmed). */
  get dialogs(): readonly Dialog[] {
    return [...this.#dialogs.values()];
  }

  /** The live dialog with this id, if any. */
  findDialog(id: DialogId): Dialog | undefined {
    return this.#dialogs.get(dialogKey(id.callId, id.localTag, id.remoteTag));
  }

  /** What the core announces: Allow, Supported, Accept. */
  get capabilities(): UaCapabilities {
    return this.#caps;
  }

  /**
   * The Contact value used for a transport (`<sip:user@host:port;transport=tcp>`); with `secure`
   * (a SIPS request, RFC 3261 §12.1.1) a `sips:` URI for TLS and WSS.
   */
  contactFor(protocol: TransportProtocol, secure = false): string {
    return this.#contactFor(protocol, secure);
  }

  /**
   * Send an INVITE outside any dialog (RFC 3261 §13.2.1). Resolves once the
   * target is resolved and the INVITE handed to its transaction; follow the
   * returned handle's events or `outcome`.
   * @throws CoreClosedError after {@link UserAgentCore.close}
   */
  async invite(options: InviteOptions): Promise<OutgoingInvite> {
    const { request, target } = await this.#prepare('INVITE', options);
    return new OutgoingInvite(this.#ctx, { request, target, ackBody: options.ackBody, auth: options.auth ?? this.#ctx.auth });
  }

  /**
   * Send a non-INVITE request outside any dialog (OPTIONS, MESSAGE, ...) and
   * resolve with its final response (a synthesised 408/503 on timeout or
   * transport failure, §8.1.3.1).
   * @throws InvalidArgumentError for INVITE, ACK, CANCEL, BYE
   */
  async request(method: string, options: OutOfDialogRequestOptions): Promise<SipResponse> {
    if (['INVITE', 'ACK', 'CANCEL', 'BYE'].includes(method)) {
      throw new InvalidArgumentError('method', `${method} is not sent with request()`);
    }
    const { request, target } = await this.#prepare(method, options);
    // RFC 3261 §22.2: 401/407 answered with credentials, new CSeq, same Call-ID (auth-retry.ts).
    return sendWithAuth(options.auth ?? this.#ctx.auth, request, (req) => new Promise<SipResponse>((resolve) => {
      this.#transactions.sendRequest(req, {
        onResponse: (res) => { if (res.status >= 200) resolve(res); },
      }, target);
    }));
  }

  async #prepare(method: string, o: OutOfDialogRequestOptions): Promise<{ request: SipRequest; target: TransportTarget }> {
    if (this.#closed) throw new CoreClosedError();
    const uri = typeof o.target === 'string' ? SipUri.parse(o.target) : o.target;
    const proxy = o.outboundProxy === null ? undefined : proxyUri(o.outboundProxy, 'outboundProxy') ?? this.#outboundProxy;
    const targets = await this.#transport.resolve(proxy ?? uri);
    const target = targets[0];
    if (target === undefined) throw new InvalidArgumentError('target', `no transport target for ${uri.toString()}`);
    if (this.#closed) throw new CoreClosedError();
    const fromBase = o.from === undefined ? this.#defaultIdentity(target.protocol)
      : typeof o.from === 'string' ? NameAddr.parse(o.from, 'From') : o.from;
    const from = fromBase.tag === undefined ? fromBase.withTag(newTag()) : fromBase;
    const to = o.to === undefined ? new NameAddr(uri.with({ params: new Map(), headers: new Map() }))
      : typeof o.to === 'string' ? NameAddr.parse(o.to, 'To') : o.to;
    const body = o.body;
    const request = buildRequest({
      method,
      uri,
      from: from.toString(),
      to: to.toString(),
      callId: o.callId ?? newCallId(),
      cseq: o.cseq ?? initialCSeq(),
      ...(proxy !== undefined ? { routes: [proxyRoute(proxy)] } : {}),
      ...(method === 'INVITE' || method === 'SUBSCRIBE' || method === 'REFER' ? { contact: this.#contactFor(target.protocol, uri.scheme === 'sips') } : {}),
      ...(this.#userAgent !== undefined ? { userAgent: this.#userAgent } : {}),
      headers: [
        ...(method === 'INVITE' ? [{ name: 'Allow', value: this.#caps.allowed.join(', ') }] : []),
        ...(method === 'INVITE' && this.#caps.supported.length > 0 ? [{ name: 'Supported', value: this.#caps.supported.join(', ') }] : []),
        ...extraHeaderLines(o.headers),
      ],
      ...(body !== undefined && body.length > 0 ? { body, contentType: o.contentType ?? 'application/sdp' } : {}),
    });
    return { request, target };
  }

  #defaultIdentity(protocol: TransportProtocol): NameAddr {
    if (this.#identity !== undefined) return this.#identity;
    const ep = this.#transport.contactAddress(protocol);
    return new NameAddr(SipUri.create({ user: this.#contactUser, host: ep.address }));
  }

  #contactFor(protocol: TransportProtocol, secure = false): string {
    const ep = this.#transport.contactAddress(protocol);
    const host = ep.address.includes(':') ? `[${ep.address}]` : ep.address;
    // RFC 3261 §8.1.1.8 / §12.1.1: a SIPS Contact when the request is SIPS; otherwise a sip: URI with
    // the transport (many UAs cannot send to a sips: Contact they did not ask for).
    const scheme = secure && (protocol === 'TLS' || protocol === 'WSS') ? 'sips' : 'sip';
    const tp = protocol === 'UDP' || (scheme === 'sips' && protocol === 'TLS') ? '' : `;transport=${protocol.toLowerCase()}`;
    return `<${scheme}:${this.#contactUser}@${host}:${ep.port}${tp}>`;
  }

  async #sendStateless(request: SipRequest): Promise<{ request: SipRequest; target: TransportTarget }> {
    const top = request.route[0];
    const hop = top !== undefined && top.uri.param('lr') !== undefined ? top.uri : request.uri;
    const targets = await this.#transport.resolve(hop);
    const first = targets[0];
    if (first === undefined) throw new InvalidArgumentError('request', `no target for ${hop.toString()}`);
    const prepared = this.#transport.prepareRequest(request, first);
    await this.#transport.send(prepared.request, prepared.target);
    return prepared;
  }

  // ------------------------------------------------------------------ UAS

  #receive(req: SipRequest, tx: ServerTransaction | undefined, inbound: InboundMessage): void {
    if (this.#closed) return;
    if (req.method === 'ACK') {
      this.#ack(req);
      return;
    }
    if (tx === undefined) return;
    const rejection = checkRequest(req, this.#caps);
    if (rejection !== undefined) {
      log('%s rejected with %d (%s)', req.method, rejection.status, rejection.reason);
      this.#reply(tx, rejection.status, { reason: rejection.reason, headers: rejection.headers });
      return;
    }
    const toTag = req.to.tag;
    if (toTag !== undefined) {
      const dialog = this.#dialogs.get(dialogKey(req.callId, toTag, req.from.tag ?? ''));
      if (dialog === undefined) {
        this.#reply(tx, 481, {});
        return;
      }
      dialog.receiveRequest(req, tx);
      return;
    }
    if (this.#guard !== undefined && !this.#guarded.has(req)) {
      this.#runGuard(this.#guard, req, tx, inbound);
      return;
    }
    switch (req.method) {
      case 'INVITE': {
        const invite = new IncomingInvite(this.#ctx, req, tx, inbound);
        const handler = this.#onInvite;
        if (handler === undefined) {
          invite.reject(480);
          return;
        }
        try {
          handler(invite);
        } catch (err) {
          log('invite handler threw: %O', err);
          if (invite.state === 'pending') invite.reject(500);
        }
        return;
      }
      case 'OPTIONS':
        this.#reply(tx, 200, { headers: capabilityHeaders(this.#caps), contact: this.#contactFor(inbound.protocol) });
        return;
      case 'BYE':
        this.#reply(tx, 481, {});
        return;
      default: {
        const handler = this.#onRequest;
        if (handler === undefined) {
          this.#reply(tx, 501, { reason: 'Not Implemented - no handler for this request' });
          return;
        }
        const tag = newTag();
        const incoming = new IncomingRequest(req, tx, (status, o) => this.#reply(tx, status, {
          ...o, headers: extraHeaderLines(o.headers), toTag: tag,
        }));
        try {
          handler(incoming);
        } catch (err) {
          log('request handler threw: %O', err);
          if (!incoming.responded) incoming.respond(500);
        }
      }
    }
  }

  #runGuard(guard: RequestGuard, req: SipRequest, tx: ServerTransaction, inbound: InboundMessage): void {
    const done = (v: RequestGuardVerdict | undefined): void => {
      if (this.#closed) return;
      if (v === undefined || v.ok) {
        this.#guarded.add(req);
        this.#onTxRequest(req, tx, inbound);
        return;
      }
      this.#reply(tx, v.status, { ...(v.reason !== undefined ? { reason: v.reason } : {}), headers: [...v.headers] });
    };
    const failed = (err: unknown): void => {
      log('request guard failed: %O', err);
      if (!this.#closed) this.#reply(tx, 500, {});
    };
    let verdict: ReturnType<RequestGuard>;
    try {
      verdict = guard(req, inbound);
    } catch (err) {
      failed(err);
      return;
    }
    if (verdict instanceof Promise) verdict.then(done, failed);
    else done(verdict);
  }

  #reply(tx: ServerTransaction, status: number, o: Omit<ReplyOptions, 'server'>): SipResponse {
    return replyOutsideDialog(tx, status, { ...o, server: this.#userAgent });
  }

  #ack(ack: SipRequest): void {
    let dialog: Dialog | undefined;
    try {
      const toTag = ack.to.tag;
      if (toTag === undefined) return;
      dialog = this.#dialogs.get(dialogKey(ack.callId, toTag, ack.from.tag ?? ''));
    } catch {
      return;
    }
    if (dialog === undefined) log('ACK matches no dialog: dropped');
    else dialog.receiveAck(ack);
  }

  #stray(res: SipResponse): void {
    try {
      if (res.status < 200 || res.status >= 300 || res.cseq.method !== 'INVITE') return;
      const localTag = res.from.tag ?? '';
      const dialog = this.#dialogs.get(dialogKey(res.callId, localTag, res.to.tag ?? ''));
      if (dialog !== undefined) {
        if (!dialog.resendAck(res.cseq.seq)) log('stray 2xx for CSeq %d of %s: no ACK to re-send', res.cseq.seq, res.callId);
        return;
      }
      // A fork we never heard from answers after the INVITE transaction ended: ACK + BYE (§13.2.2.4).
      const sibling = this.dialogs.find((d) => d.role === 'uac' && d.id.callId === res.callId && d.id.localTag === localTag);
      if (sibling === undefined || res.to.tag === undefined) {
        log('stray 2xx matches no dialog: dropped');
        return;
      }
      const contact = res.contact.find((c): c is NameAddr => !c.star);
      const extra = new Dialog(this.#ctx, {
        role: 'uac', state: 'confirmed', callId: res.callId, local: sibling.localParty, remote: res.to,
        remoteTarget: contact?.uri ?? sibling.remoteTarget, routeSet: routeSetFromRecordRoute(res.recordRoute, 'uac'),
        localSeq: res.cseq.seq, remoteSeq: undefined, secure: sibling.secure, localContact: sibling.localContact,
        ownsCallId: true,
      });
      this.#ctx.register(extra);
      extra.sendAckFor(res.cseq.seq);
      extra.hangup('forked-extra');
    } catch (err) {
      log('stray response unusable: %O', err);
    }
  }

  /**
   * Stop: every confirmed dialog is ended with BYE (reason `closed`), early
   * dialogs end silently, and the core stops listening to the transaction
   * layer (which, like the transport, it does not own and does not close).
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    for (const d of [...this.#dialogs.values()]) {
      if (d.state === 'confirmed') d.hangup('closed');
      else d.terminate('closed');
    }
    this.#closed = true;
    this.#transactions.off('request', this.#onTxRequest);
    this.#transactions.off('stray-response', this.#onStray);
  }
}
