import createDebug from 'debug';
import { createResponse, newBranch, newTag, type SipRequest, type SipResponse, type SipUri } from '../sip/index.js';
import type { InboundMessage, SipTransportLayer, TransportTarget } from '../transport/index.js';
import {
  InvalidArgumentError, InvalidStateError, systemClock, TypedEmitter, type Clock,
} from '../util/index.js';
import type { ClientTransaction, ClientTransactionDriver, ClientTransactionUser } from './client-transaction.js';
import { zeroTransactionCounters, type TransactionContext, type TransactionCounters } from './context.js';
import { TransactionError } from './errors.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import {
  clientKey, clientKeyOfResponse, MAGIC_COOKIE, mergeKey, rfc2543Matches, serverKey,
} from './matching.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import type { ServerTransaction } from './server-transaction.js';
import { resolveTimerConfig, type TimerConfig } from './timers.js';
import { asTransportError } from './tx-helpers.js';

const log = createDebug('sipline:transaction');

/** Options of {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  /** T1, T2, T4 in ms (defaults 500, 4000, 5000; RFC 3261 Table 4). */
  readonly timers?: Partial<TimerConfig>;
  /** Clock for every timer; default the system clock (vitest fake timers apply). */
  readonly clock?: Clock;
  /**
   * Most pending transactions (client + server): those that have not reached
   * a final response yet (Trying, Proceeding, Calling). Past it, new inbound
   * requests other than ACK and CANCEL are answered 503 with Retry-After,
   * statelessly. Transactions that only linger after their final response
   * (Timers D, I, J, K, L, M) are bounded by `maxLingeringTransactions`
   * instead. Default 10 000.
   */
  readonly maxTransactions?: number;
  /**
   * Most lingering transactions: past their final response, waiting out
   * Timer D, I, J, K, L or M to absorb retransmissions (each holds only what
   * it needs to re-send its last response). Past it, new inbound requests get
   * the same 503 as past `maxTransactions`. Default 10 x `maxTransactions`.
   */
  readonly maxLingeringTransactions?: number;
  /** Retry-After (seconds) of those 503 responses; default 5. */
  readonly retryAfterSeconds?: number;
  /** Delay before an INVITE server transaction sends 100 Trying itself (§17.2.1); default 200 ms. */
  readonly tryingDelayMs?: number;
}

/** Events of a {@link TransactionLayer}. */
export type TransactionLayerEvents = {
  /**
   * A new request, with the server transaction created for it; or an ACK that
   * no transaction absorbed (the ACK of a 2xx, §17.2.3/RFC 6026), with
   * `undefined`. Retransmissions, CANCEL (answered by the layer, §9.2), merged
   * requests (482) and requests past `maxTransactions` (503) are not emitted.
   * With no listener at all, a new request is answered 503.
   */
  request: [request: SipRequest, tx: ServerTransaction | undefined, inbound: InboundMessage];
  /**
   * A response that matches no client transaction (§17.1.3), e.g. a 2xx
   * retransmission after the INVITE transaction ended, which the UAC core
   * re-ACKs, or a 2xx from another fork.
   */
  'stray-response': [response: SipResponse, inbound: InboundMessage];
};

type AnyServerTx = InviteServerTransaction | NonInviteServerTransaction;

/**
 * The transaction layer (RFC 3261 §17, RFC 6026) over a
 * {@link SipTransportLayer}: creates client transactions for requests the TU
 * sends, matches inbound responses and requests to transactions (§17.1.3,
 * §17.2.3, with the RFC 2543 fallback), creates server transactions for new
 * requests, answers CANCEL (§9.2), merged requests (§8.2.2.2) and overload
 * (503) itself.
 *
 * @example
 * ```ts
 * const tl = new TransactionLayer(transport, { timers: { T1: 500 } });
 * tl.on('request', (req, tx) => tx?.respond(createResponse(req, 200, 'OK', { toTag: newTag() })));
 * tl.sendRequest(options, { onResponse: (res) => log(res.status) });
 * ```
 */
export class TransactionLayer extends TypedEmitter<TransactionLayerEvents> {
  readonly #transport: SipTransportLayer;
  readonly #timers: TimerConfig;
  readonly #maxTransactions: number;
  readonly #maxLingering: number;
  readonly #retryAfter: number;
  readonly #counters: TransactionCounters = zeroTransactionCounters();
  readonly #ctx: TransactionContext;
  readonly #clients = new Map<string, ClientTransactionDriver>();
  readonly #servers = new Map<string, AnyServerTx>();
  readonly #legacyServers = new Set<AnyServerTx>();
  readonly #merged = new Map<string, AnyServerTx>();
  /** The §8.2.2.2 merge key each server transaction in {@link TransactionLayer.#merged} was filed under. */
  readonly #mergeKeys = new Map<AnyServerTx, string>();
  readonly #onMessage = (inbound: InboundMessage): void => this.#receive(inbound);
  #legacyIds = 0;
  #closed = false;

  /**
   * @param transport - the transport layer to send through and listen on
   * @param opts - see {@link TransactionLayerOptions}
   * @throws InvalidArgumentError on an invalid option
   */
  constructor(transport: SipTransportLayer, opts: TransactionLayerOptions = {}) {
    super();
    try {
      this.#timers = resolveTimerConfig(opts.timers);
    } catch (err) {
      throw new InvalidArgumentError('timers', (err as Error).message);
    }
    const max = opts.maxTransactions ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new InvalidArgumentError('maxTransactions', 'must be a positive integer');
    const maxLingering = opts.maxLingeringTransactions ?? 10 * max;
    if (!Number.isInteger(maxLingering) || maxLingering < 1) throw new InvalidArgumentError('maxLingeringTransactions', 'must be a positive integer');
    const retryAfter = opts.retryAfterSeconds ?? 5;
    if (!Number.isInteger(retryAfter) || retryAfter < 0) throw new InvalidArgumentError('retryAfterSeconds', 'must be a non-negative integer');
    const tryingDelayMs = opts.tryingDelayMs ?? 200;
    if (!Number.isFinite(tryingDelayMs) || tryingDelayMs < 0) throw new InvalidArgumentError('tryingDelayMs', 'must be a non-negative number');
    this.#transport = transport;
    this.#maxTransactions = max;
    this.#maxLingering = maxLingering;
    this.#retryAfter = retryAfter;
    this.#ctx = {
      clock: opts.clock ?? systemClock,
      timers: this.#timers,
      transport,
      counters: this.#counters,
      tryingDelayMs,
      log,
      passAck: (ack) => this.safeEmit('request', ack.message as SipRequest, undefined, ack),
      settled: () => {
        this.#counters.pendingTransactions--;
        this.#counters.lingeringTransactions++;
      },
      removed: (tx, lingered) => this.#removed(tx, lingered),
    };
    this.setListenerErrorHandler((err, event) => log('listener of %s threw: %O', event, err));
    transport.on('message', this.#onMessage);
  }

  /** Live counters (read-only view). */
  get counters(): Readonly<TransactionCounters> {
    return this.#counters;
  }

  /** The timer configuration in force. */
  get timers(): TimerConfig {
    return this.#timers;
  }

  /** The transport layer underneath (the dialog layer sends 2xx ACKs through it). */
  get transport(): SipTransportLayer {
    return this.#transport;
  }

  /** True once {@link TransactionLayer.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Send a request in a new client transaction (§17.1). The target is
   * `target` when given, else the RFC 3263 resolution of the top Route URI
   * when it is a loose router (`lr`), else of the Request-URI (§8.1.2). The
   * transport fills the Via sent-by (`prepareRequest`); a top Via without an
   * RFC 3261 branch gets a fresh one.
   *
   * Failures never throw after this returns: timeouts and transport errors
   * reach `user` as a synthesised 408 / 503.
   * @throws InvalidStateError after {@link TransactionLayer.close}
   * @throws InvalidArgumentError for an ACK (not a transaction, §17.1.1.3), a
   *   request without Via or CSeq, or one whose branch and method are in use
   */
  sendRequest(request: SipRequest, user: ClientTransactionUser, target?: TransportTarget): ClientTransaction {
    if (this.#closed) throw new InvalidStateError('sendRequest: the transaction layer is closed');
    if (request.method === 'ACK') {
      throw new InvalidArgumentError('request', 'ACK is not sent in a client transaction (RFC 3261 §17.1.1.3)');
    }
    let req = request;
    let method: string;
    let branch: string | undefined;
    try {
      method = req.cseq.method;
      const via = req.topVia;
      branch = via.branch;
      if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) {
        branch = newBranch();
        req = req.withTopVia(via.with({ branch }));
      }
    } catch (err) {
      throw new InvalidArgumentError('request', `cannot start a transaction: ${(err as Error).message}`);
    }
    if (method !== req.method) throw new InvalidArgumentError('request', `CSeq method ${method} differs from ${req.method}`);
    const id = clientKey(branch, method);
    if (this.#clients.has(id)) throw new InvalidArgumentError('request', `branch ${branch} already used by a ${method} transaction`);

    const tx: ClientTransactionDriver = req.method === 'INVITE'
      ? new InviteClientTransaction(id, req, user, this.#ctx)
      : new NonInviteClientTransaction(id, req, user, this.#ctx);
    this.#clients.set(id, tx);
    this.#counters.activeClientTransactions++;
    this.#counters.pendingTransactions++;
    log('client %s %s created', req.method, id);

    if (target !== undefined) {
      this.#startClient(tx, req, target);
    } else {
      let hop: SipUri;
      try {
        hop = nextHop(req);
      } catch (err) {
        queueMicrotask(() => tx.fail(new TransactionError('no-target', 'bad Route header', { cause: err })));
        return tx;
      }
      this.#transport.resolve(hop).then(
        (targets) => {
          if (tx.state === 'terminated') return;
          const first = targets[0];
          if (first === undefined) tx.fail(new TransactionError('no-target', `no target for ${hop.toString()}`));
          else this.#startClient(tx, req, first);
        },
        (err: unknown) => {
          if (tx.state !== 'terminated') tx.fail(asTransportError(err));
        },
      );
    }
    return tx;
  }

  /**
   * Stop everything: every transaction ends (its `terminated` event fires, no
   * TU callback), every timer is cleared, inbound messages are ignored. The
   * transport is not closed (the layer does not own it). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.off('message', this.#onMessage);
    const all = [...this.#clients.values(), ...this.#servers.values(), ...this.#legacyServers];
    for (const tx of all) tx.halt();
    this.#clients.clear();
    this.#servers.clear();
    this.#legacyServers.clear();
    this.#merged.clear();
    this.#mergeKeys.clear();
    log('closed');
  }

  #startClient(tx: ClientTransactionDriver, request: SipRequest, target: TransportTarget): void {
    let prepared: { request: SipRequest; target: TransportTarget };
    try {
      prepared = this.#transport.prepareRequest(request, target);
    } catch (err) {
      // Deferred so the TU never hears of the failure before sendRequest returned.
      queueMicrotask(() => tx.fail(asTransportError(err)));
      return;
    }
    tx.start(prepared.request, prepared.target);
  }

  #removed(tx: object, lingered: boolean): void {
    if (lingered) this.#counters.lingeringTransactions--;
    else this.#counters.pendingTransactions--;
    if (tx instanceof InviteClientTransaction || tx instanceof NonInviteClientTransaction) {
      if (this.#clients.get(tx.id) === tx) this.#clients.delete(tx.id);
      this.#counters.activeClientTransactions--;
      return;
    }
    const stx = tx as AnyServerTx;
    if (this.#servers.get(stx.id) === stx) this.#servers.delete(stx.id);
    this.#legacyServers.delete(stx);
    const mk = this.#mergeKeys.get(stx);
    if (mk !== undefined) {
      this.#mergeKeys.delete(stx);
      if (this.#merged.get(mk) === stx) this.#merged.delete(mk);
    }
    this.#counters.activeServerTransactions--;
  }

  #receive(inbound: InboundMessage): void {
    if (this.#closed) return;
    try {
      const msg = inbound.message;
      if (msg.isResponse()) this.#receiveResponse(msg, inbound);
      else this.#receiveRequest(msg as SipRequest, inbound);
    } catch (err) {
      // A header the matching rules need is missing or malformed: nothing to match, drop.
      log('dropped inbound message: %O', err);
    }
  }

  #receiveResponse(response: SipResponse, inbound: InboundMessage): void {
    const key = clientKeyOfResponse(response);
    const tx = key === undefined ? undefined : this.#clients.get(key);
    if (tx !== undefined) {
      tx.receiveResponse(response);
      return;
    }
    this.#counters.strayResponses++;
    log('stray response %d %s', response.status, response.cseq.method);
    this.safeEmit('stray-response', response, inbound);
  }

  #receiveRequest(request: SipRequest, inbound: InboundMessage): void {
    if (request.method === 'ACK') {
      const tx = this.#findServer(request, 'ack');
      if (tx !== undefined) tx.receiveAck(inbound);
      else this.safeEmit('request', request, undefined, inbound);
      return;
    }
    const existing = this.#findServer(request, 'same');
    if (existing !== undefined) {
      existing.receiveRequest(inbound);
      return;
    }
    if (request.method === 'CANCEL') {
      this.#receiveCancel(request, inbound);
      return;
    }
    const pending = this.#counters.pendingTransactions;
    const lingering = this.#counters.lingeringTransactions;
    if (pending >= this.#maxTransactions || lingering >= this.#maxLingering) {
      this.#counters.overloadRejections++;
      log('%d pending, %d lingering transactions: %s answered 503', pending, lingering, request.method);
      const res = createResponse(request, 503, 'Service Unavailable', { toTag: newTag() })
        .withHeader('Retry-After', String(this.#retryAfter));
      this.#transport.send(res, this.#transport.responseTarget(inbound))
        .catch((err: unknown) => log('503 not sent: %O', err));
      return;
    }
    const mk = mergeKey(request);
    const merged = mk === undefined ? undefined : this.#merged.get(mk);
    const tx = this.#createServer(inbound);
    if (merged !== undefined) {
      // §8.2.2.2: same From tag, Call-ID and CSeq as a live transaction, other branch.
      log('merged request %s (first one %s): 482', request.method, merged.id);
      tx.respond(createResponse(request, 482, 'Loop Detected', { toTag: newTag() }));
      return;
    }
    if (mk !== undefined) {
      this.#merged.set(mk, tx);
      this.#mergeKeys.set(tx, mk);
    }
    if (!this.safeEmit('request', request, tx, inbound)) {
      // No transaction user attached: answer rather than keep a transaction that no one will end.
      log('no listener for %s: 503', request.method);
      tx.respond(createResponse(request, 503, 'Service Unavailable', { toTag: newTag() }));
    }
  }

  #receiveCancel(cancel: SipRequest, inbound: InboundMessage): void {
    const target = this.#findServer(cancel, 'cancel');
    const tx = this.#createServer(inbound);
    if (target === undefined) {
      log('CANCEL matches no transaction: 481');
      tx.respond(createResponse(cancel, 481, 'Call/Transaction Does Not Exist', { toTag: newTag() }));
      return;
    }
    // §9.2: the 200 for the CANCEL, with the To tag of the INVITE's response when there is one.
    const toTag = target instanceof InviteServerTransaction ? target.responseTag : newTag();
    tx.respond(createResponse(cancel, 200, 'OK', { toTag }));
    target.receiveCancel(cancel);
  }

  #createServer(inbound: InboundMessage): AnyServerTx {
    const request = inbound.message as SipRequest;
    const key = serverKey(request);
    const id = key ?? `rfc2543-${++this.#legacyIds}`;
    const tx = request.method === 'INVITE'
      ? new InviteServerTransaction(id, inbound, this.#ctx)
      : new NonInviteServerTransaction(id, inbound, this.#ctx);
    tx.setListenerErrorHandler((err, event) => log('listener of server transaction %s threw: %O', event, err));
    if (key !== undefined) this.#servers.set(key, tx);
    else this.#legacyServers.add(tx);
    this.#counters.activeServerTransactions++;
    this.#counters.pendingTransactions++;
    return tx;
  }

  /** §17.2.3 matching (and §9.2 for the transaction a CANCEL targets). */
  #findServer(request: SipRequest, kind: 'same' | 'ack' | 'cancel'): AnyServerTx | undefined {
    if (request.topVia.hasMagicCookie) {
      const key = serverKey(request, kind === 'cancel' ? 'INVITE' : request.method);
      return key === undefined ? undefined : this.#servers.get(key);
    }
    for (const tx of this.#legacyServers) {
      if (tx.state === 'terminated') continue;
      if (kind === 'cancel' && tx.request.method !== 'INVITE') continue;
      if (rfc2543Matches(kind, tx.request, tx.lastResponse, request)) return tx;
    }
    return undefined;
  }
}

/** §8.1.2: the top Route URI if it is a loose router, else the Request-URI. */
function nextHop(request: SipRequest): SipUri {
  const top = request.route[0];
  if (top !== undefined && top.uri.param('lr') !== undefined) return top.uri;
  return request.uri;
}
