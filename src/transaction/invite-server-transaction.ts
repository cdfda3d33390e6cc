import { createResponse, newTag, type SipRequest, type SipResponse } from '../sip/index.js';
import type { InboundMessage, TransportTarget } from '../transport/index.js';
import { InvalidArgumentError, TypedEmitter } from '../util/index.js';
import type { TransactionContext } from './context.js';
import { TransactionTimeoutError } from './errors.js';
import { istTransition, type IstAction, type IstEvent, type IstState } from './ist-machine.js';
import { MachineRunner } from './machine-runner.js';
import type {
  ServerTransactionDriver, ServerTransactionEvents, ServerTransactionState,
} from './server-transaction.js';
import { timerValues, type TimerValues } from './timers.js';
import { asTransportError, type FailureData } from './tx-helpers.js';

type IstData = SipResponse | FailureData | InboundMessage | SipRequest;

/**
 * INVITE server transaction (RFC 3261 §17.2.1 with RFC 6026): 100 Trying after
 * 200 ms of TU silence, 3xx-6xx retransmitted on Timer G (unreliable only,
 * doubling up to T2) until the ACK or Timer H, Timer I absorbs ACK
 * retransmissions, Accepted (Timer L) after a 2xx.
 * @internal
 */
export class InviteServerTransaction extends TypedEmitter<ServerTransactionEvents> implements ServerTransactionDriver {
  /** @inheritDoc */
  readonly id: string;
  /** @inheritDoc */
  readonly kind = 'invite' as const;
  /** @inheritDoc */
  readonly request: SipRequest;
  /** @inheritDoc */
  readonly inbound: InboundMessage;
  #lastResponse: SipResponse | undefined;
  #intervalG = 0;
  #ownTag: string | undefined;
  readonly #values: TimerValues;
  readonly #target: TransportTarget;
  readonly #ctx: TransactionContext;
  /** Past the final response (see {@link TransactionContext.settled}). */
  #lingering = false;
  readonly #runner: MachineRunner<IstState, IstEvent, IstAction, IstData>;

  /**
   * @param id - transaction key
   * @param inbound - the INVITE as it arrived
   * @param ctx - the owning layer
   */
  constructor(id: string, inbound: InboundMessage, ctx: TransactionContext) {
    super();
    this.id = id;
    this.inbound = inbound;
    this.request = inbound.message as SipRequest;
    this.#ctx = ctx;
    this.#values = timerValues(ctx.timers, ctx.transport.isReliable(inbound.protocol));
    this.#target = ctx.transport.responseTarget(inbound);
    this.#runner = new MachineRunner<IstState, IstEvent, IstAction, IstData>(
      'proceeding', istTransition, (a, d) => this.#run(a, d), () => this.#terminated(), ctx.clock,
      (state, event) => ctx.log('IST %s: %s ignored in %s', id, event, state),
      (to) => { if (to !== 'proceeding' && to !== 'terminated') this.#settle(); });
    this.#runner.dispatch('start');
  }

  /** @inheritDoc */
  get state(): ServerTransactionState { return this.#runner.state; }
  /** @inheritDoc */
  get lastResponse(): SipResponse | undefined { return this.#lastResponse; }

  /**
   * To tag for responses the layer builds for this INVITE (the 200 to a
   * CANCEL, §9.2; the automatic 487): the tag of the last response sent, else
   * one fixed random tag.
   * @internal
   */
  get responseTag(): string {
    const tag = this.#lastResponse?.to.tag;
    if (tag !== undefined) return tag;
    this.#ownTag ??= newTag();
    return this.#ownTag;
  }

  /** @inheritDoc */
  respond(response: SipResponse): void {
    const s = response.status;
    if (!Number.isInteger(s) || s < 100 || s > 699) throw new InvalidArgumentError('response', `status ${s} is not in 100-699`);
    if (this.#runner.state === 'terminated') {
      if (s >= 200 && s < 300) {
        // RFC 6026: the UAS core owns 2xx retransmission; past Timer L, still deliver it.
        this.#ctx.log('IST %s: 2xx after Terminated sent directly', this.id);
        this.#send(response, false);
      } else {
        this.#ctx.log('IST %s: %d discarded, transaction terminated', this.id, s);
      }
      return;
    }
    this.#runner.dispatch(s < 200 ? 'tu-1xx' : s < 300 ? 'tu-2xx' : 'tu-3xx-6xx', response);
  }

  /** @internal */
  receiveRequest(inbound: InboundMessage): void {
    this.#runner.dispatch('request', inbound);
  }

  /** @internal */
  receiveAck(inbound: InboundMessage): void {
    this.#runner.dispatch('ack', inbound);
  }

  /** @internal */
  receiveCancel(cancel: SipRequest): void {
    this.#runner.dispatch('cancel', cancel);
  }

  /** @internal */
  halt(): void {
    if (this.#runner.halt()) this.#terminated();
  }

  #run(action: IstAction, data: IstData | undefined): void {
    const v = this.#values;
    switch (action) {
      case 'start-trying': this.#runner.startTimer('trying', this.#ctx.tryingDelayMs, 'timer-trying'); break;
      case 'stop-trying': this.#runner.stopTimer('trying'); break;
      case 'send-100':
        this.#ctx.log('IST %s: TU silent, sending 100 Trying', this.id);
        this.#lastResponse = createResponse(this.request, 100, 'Trying');
        this.#send(this.#lastResponse, true);
        break;
      case 'send-response':
        this.#lastResponse = data as SipResponse;
        this.#send(this.#lastResponse, true);
        break;
      case 'resend-response':
        if (this.#lastResponse !== undefined) {
          this.#ctx.counters.retransmissionsSent++;
          this.#send(this.#lastResponse, true);
        }
        break;
      case 'start-G':
        this.#intervalG = v.G ?? 0;
        this.#runner.startTimer('G', v.G, 'timer-G');
        break;
      case 'double-G':
        this.#intervalG = Math.min(2 * this.#intervalG, v.T2);
        this.#runner.startTimer('G', this.#intervalG, 'timer-G');
        break;
      case 'stop-G': this.#runner.stopTimer('G'); break;
      case 'start-H': this.#runner.startTimer('H', v.H, 'timer-H'); break;
      case 'stop-H': this.#runner.stopTimer('H'); break;
      case 'start-I': this.#runner.startTimer('I', v.I, 'timer-I'); break;
      case 'start-L': this.#runner.startTimer('L', v.L, 'timer-L'); break;
      case 'count-retransmission': this.#ctx.counters.retransmissionsReceived++; break;
      case 'pass-ack': this.#ctx.passAck(data as InboundMessage); break;
      case 'emit-cancelled':
        // §9.2: the UAS core answers 487. Without a `cancelled` listener there is no one to do it: we do.
        if (!this.safeEmit('cancelled', data as SipRequest, this)) {
          this.#ctx.log('IST %s: cancelled, nobody listens: answering 487', this.id);
          this.#runner.dispatch('tu-3xx-6xx', createResponse(this.request, 487, 'Request Terminated', { toTag: this.responseTag }));
        }
        break;
      case 'timeout': {
        this.#ctx.counters.timeouts++;
        this.#ctx.log('IST %s: Timer H fired, no ACK', this.id);
        this.safeEmit('timeout', new TransactionTimeoutError('H', `no ACK for INVITE transaction ${this.id} (Timer H)`), this);
        break;
      }
      case 'report-transport-error': {
        const err = (data as FailureData).error;
        this.#ctx.counters.transportErrors++;
        this.#ctx.log('IST %s: transport error: %s', this.id, err.message);
        this.safeEmit('transport-error', asTransportError(err), this);
        break;
      }
    }
  }

  #send(response: SipResponse, report: boolean): void {
    this.#ctx.transport.send(response, this.#target).catch((err: unknown) => {
      if (report) this.#runner.dispatch('transport-error', { error: asTransportError(err) });
      else this.#ctx.log('IST %s: send failed: %O', this.id, err);
    });
  }

  /** Past the final response: from now on the transaction only lingers (counted apart by the layer). */
  #settle(): void {
    if (this.#lingering) return;
    this.#lingering = true;
    this.#ctx.settled(this);
    // A CANCEL no longer affects the request (§9.2): release the TU's listener (and what it holds).
    this.removeAllListeners('cancelled');
  }

  #terminated(): void {
    this.#ctx.log('IST %s: terminated', this.id);
    this.#ctx.removed(this, this.#lingering);
    this.safeEmit('terminated', this);
  }
}
