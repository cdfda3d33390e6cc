import type { SipRequest, SipResponse } from '../sip/index.js';
import type { InboundMessage, TransportTarget } from '../transport/index.js';
import { InvalidArgumentError, TypedEmitter } from '../util/index.js';
import type { TransactionContext } from './context.js';
import { MachineRunner } from './machine-runner.js';
import { nistTransition, type NistAction, type NistEvent, type NistState } from './nist-machine.js';
import type {
  ServerTransactionDriver, ServerTransactionEvents, ServerTransactionState,
} from './server-transaction.js';
import { timerValues, type TimerValues } from './timers.js';
import { asTransportError, type FailureData } from './tx-helpers.js';

/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2): absorbs request
 * retransmissions, answers them with the last response once there is one,
 * Timer J (64*T1 unreliable, 0 reliable) in Completed.
 * @internal
 */
export class NonInviteServerTransaction extends TypedEmitter<ServerTransactionEvents> implements ServerTransactionDriver {
  /** @inheritDoc */
  readonly id: string;
  /** @inheritDoc */
  readonly kind = 'non-invite' as const;
  /** @inheritDoc */
  readonly request: SipRequest;
  /** @inheritDoc */
  readonly inbound: InboundMessage;
  #lastResponse: SipResponse | undefined;
  readonly #values: TimerValues;
  readonly #target: TransportTarget;
  readonly #ctx: TransactionContext;
  /** Past the final response (see {@link TransactionContext.settled}). */
  #lingering = false;
  readonly #runner: MachineRunner<NistState, NistEvent, NistAction, SipResponse | FailureData | InboundMessage>;

  /**
   * @param id - transaction key
   * @param inbound - the request as it arrived
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
    this.#runner = new MachineRunner<NistState, NistEvent, NistAction, SipResponse | FailureData | InboundMessage>(
      'trying', nistTransition, (a, d) => this.#run(a, d), () => this.#terminated(), ctx.clock,
      (state, event) => ctx.log('NIST %s: %s ignored in %s', id, event, state),
      (to) => { if (to !== 'trying' && to !== 'proceeding' && to !== 'terminated') this.#settle(); });
  }

  /** @inheritDoc */
  get state(): ServerTransactionState { return this.#runner.state; }
  /** @inheritDoc */
  get lastResponse(): SipResponse | undefined { return this.#lastResponse; }

  /** @inheritDoc */
  respond(response: SipResponse): void {
    const s = response.status;
    if (!Number.isInteger(s) || s < 100 || s > 699) throw new InvalidArgumentError('response', `status ${s} is not in 100-699`);
    if (this.#runner.state === 'terminated' || this.#runner.state === 'completed') {
      this.#ctx.log('NIST %s: %d discarded in %s', this.id, s, this.#runner.state);
      return;
    }
    this.#runner.dispatch(s < 200 ? 'tu-1xx' : 'tu-final', response);
  }

  /** @internal */
  receiveRequest(inbound: InboundMessage): void {
    this.#runner.dispatch('request', inbound);
  }

  /** @internal ACK never matches a non-INVITE transaction (§17.2.3): ignored. */
  receiveAck(): void { /* not applicable */ }

  /** @internal CANCEL of a non-INVITE request has no effect on it (§9.2). */
  receiveCancel(): void { /* not applicable */ }

  /** @internal */
  halt(): void {
    if (this.#runner.halt()) this.#terminated();
  }

  #run(action: NistAction, data: SipResponse | FailureData | InboundMessage | undefined): void {
    switch (action) {
      case 'send-response':
        this.#lastResponse = data as SipResponse;
        this.#send(this.#lastResponse);
        break;
      case 'resend-response':
        if (this.#lastResponse !== undefined) {
          this.#ctx.counters.retransmissionsSent++;
          this.#send(this.#lastResponse);
        }
        break;
      case 'start-J': this.#runner.startTimer('J', this.#values.J, 'timer-J'); break;
      case 'count-retransmission': this.#ctx.counters.retransmissionsReceived++; break;
      case 'report-transport-error': {
        const err = (data as FailureData).error;
        this.#ctx.counters.transportErrors++;
        this.#ctx.log('NIST %s: transport error: %s', this.id, err.message);
        this.safeEmit('transport-error', asTransportError(err), this);
        break;
      }
    }
  }

  #send(response: SipResponse): void {
    this.#ctx.transport.send(response, this.#target).catch((err: unknown) => {
      this.#runner.dispatch('transport-error', { error: asTransportError(err) });
    });
  }

  /** Past the final response: from now on the transaction only lingers (counted apart by the layer). */
  #settle(): void {
    if (this.#lingering) return;
    this.#lingering = true;
    this.#ctx.settled(this);
  }

  #terminated(): void {
    this.#ctx.log('NIST %s: terminated', this.id);
    this.#ctx.removed(this, this.#lingering);
    this.safeEmit('terminated', this);
  }
}
