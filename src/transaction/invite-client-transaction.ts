import { createResponse, type SipRequest, type SipResponse } from '../sip/index.js';
import type { TransportTarget } from '../transport/index.js';
import { TypedEmitter } from '../util/index.js';
import { createAckForNon2xx } from './builders.js';
import type {
  ClientTransactionDriver, ClientTransactionEvents, ClientTransactionState, ClientTransactionUser,
} from './client-transaction.js';
import type { TransactionContext } from './context.js';
import { TransactionTimeoutError } from './errors.js';
import { ictTransition, type IctAction, type IctEvent, type IctState } from './ict-machine.js';
import { MachineRunner } from './machine-runner.js';
import { asTransportError, guardUser, type FailureData } from './tx-helpers.js';
import { timerValues, type TimerValues } from './timers.js';

/**
 * INVITE client transaction (RFC 3261 §17.1.1 with RFC 6026): retransmits the
 * INVITE on Timer A over unreliable transports, times out on Timer B with a
 * synthesised 408, ACKs every 3xx-6xx itself (§17.1.1.3) and passes 2xx
 * (including retransmissions, in Accepted) to the TU, whose job the 2xx ACK is.
 * @internal
 */
export class InviteClientTransaction extends TypedEmitter<ClientTransactionEvents> implements ClientTransactionDriver {
  /** @inheritDoc */
  readonly id: string;
  /** @inheritDoc */
  readonly kind = 'invite' as const;
  #request: SipRequest;
  #target: TransportTarget | undefined;
  #values: TimerValues | undefined;
  #intervalA = 0;
  #finalPassed = false;
  readonly #user: ClientTransactionUser;
  readonly #ctx: TransactionContext;
  /** Past the final response (see {@link TransactionContext.settled}). */
  #lingering = false;
  readonly #runner: MachineRunner<IctState, IctEvent, IctAction, SipResponse | FailureData>;

  /**
   * @param id - transaction key
   * @param request - the INVITE
   * @param user - who gets the responses
   * @param ctx - the owning layer
   */
  constructor(id: string, request: SipRequest, user: ClientTransactionUser, ctx: TransactionContext) {
    super();
    this.id = id;
    this.#request = request;
    this.#user = user;
    this.#ctx = ctx;
    this.#runner = new MachineRunner<IctState, IctEvent, IctAction, SipResponse | FailureData>(
      'calling', ictTransition, (a, d) => this.#run(a, d), () => this.#terminated(), ctx.clock,
      (state, event) => ctx.log('ICT %s: %s ignored in %s', id, event, state),
      (to) => { if (to !== 'calling' && to !== 'proceeding' && to !== 'terminated') this.#settle(); });
  }

  /** @inheritDoc */
  get request(): SipRequest { return this.#request; }
  /** @inheritDoc */
  get target(): TransportTarget | undefined { return this.#target; }
  /** @inheritDoc */
  get state(): ClientTransactionState { return this.#runner.state; }

  /** @internal */
  start(request: SipRequest, target: TransportTarget): void {
    if (this.#runner.state !== 'calling' || this.#target !== undefined) return;
    this.#request = request;
    this.#target = target;
    this.#values = timerValues(this.#ctx.timers, this.#ctx.transport.isReliable(target.protocol));
    this.#runner.dispatch('start');
  }

  /** @internal */
  fail(error: FailureData['error']): void {
    this.#runner.dispatch('transport-error', { error });
  }

  /** @internal */
  receiveResponse(response: SipResponse): void {
    const s = response.status;
    this.#runner.dispatch(s < 200 ? '1xx' : s < 300 ? '2xx' : '3xx-6xx', response);
  }

  /** @internal */
  halt(): void {
    if (this.#runner.halt()) this.#terminated();
  }

  #run(action: IctAction, data: SipResponse | FailureData | undefined): void {
    const v = this.#values;
    switch (action) {
      case 'send-request': this.#send(this.#request); break;
      case 'retransmit-request':
        this.#ctx.counters.retransmissionsSent++;
        this.#ctx.log('ICT %s: Timer A, retransmitting INVITE', this.id);
        this.#send(this.#request);
        break;
      case 'start-A':
        this.#intervalA = v?.A ?? 0;
        this.#runner.startTimer('A', v?.A, 'timer-A');
        break;
      case 'double-A':
        this.#intervalA *= 2;
        this.#runner.startTimer('A', this.#intervalA, 'timer-A');
        break;
      case 'stop-A': this.#runner.stopTimer('A'); break;
      case 'start-B': this.#runner.startTimer('B', v?.B, 'timer-B'); break;
      case 'stop-B': this.#runner.stopTimer('B'); break;
      case 'start-D': this.#runner.startTimer('D', v?.D, 'timer-D'); break;
      case 'start-M': this.#runner.startTimer('M', v?.M, 'timer-M'); break;
      case 'count-retransmission': this.#ctx.counters.retransmissionsReceived++; break;
      case 'pass-response': {
        const response = data as SipResponse;
        if (response.status >= 200) this.#finalPassed = true;
        guardUser(this.#ctx.log, () => this.#user.onResponse(response, this));
        break;
      }
      case 'send-ack':
        this.#send(createAckForNon2xx(this.#request, data as SipResponse));
        break;
      case 'timeout': {
        this.#ctx.counters.timeouts++;
        this.#ctx.log('ICT %s: Timer B fired', this.id);
        const err = new TransactionTimeoutError('B', `INVITE transaction ${this.id} timed out (Timer B)`);
        this.#finalPassed = true;
        guardUser(this.#ctx.log, () => this.#user.onResponse(createResponse(this.#request, 408, 'Request Timeout'), this));
        guardUser(this.#ctx.log, () => this.#user.onTimeout?.(this, err));
        break;
      }
      case 'transport-failure': {
        const err = (data as FailureData).error;
        this.#ctx.counters.transportErrors++;
        this.#ctx.log('ICT %s: transport error: %s', this.id, err.message);
        if (!this.#finalPassed) {
          this.#finalPassed = true;
          guardUser(this.#ctx.log, () => this.#user.onResponse(createResponse(this.#request, 503, 'Service Unavailable'), this));
        }
        guardUser(this.#ctx.log, () => this.#user.onTransportError?.(err, this));
        break;
      }
      case 'report-transport-error': {
        const err = (data as FailureData).error;
        this.#ctx.counters.transportErrors++;
        this.#ctx.log('ICT %s: transport error sending ACK: %s', this.id, err.message);
        guardUser(this.#ctx.log, () => this.#user.onTransportError?.(err, this));
        break;
      }
    }
  }

  #send(message: SipRequest): void {
    const target = this.#target;
    if (target === undefined) return;
    this.#ctx.transport.send(message, target).catch((err: unknown) => {
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
    this.#ctx.log('ICT %s: terminated', this.id);
    this.#ctx.removed(this, this.#lingering);
    this.safeEmit('terminated', this);
  }
}
