import { createResponse, type SipRequest, type SipResponse } from '../sip/index.js';
import type { TransportTarget } from '../transport/index.js';
import { TypedEmitter } from '../util/index.js';
import type {
  ClientTransactionDriver, ClientTransactionEvents, ClientTransactionState, ClientTransactionUser,
} from './client-transaction.js';
import type { TransactionContext } from './context.js';
import { TransactionTimeoutError } from './errors.js';
import { MachineRunner } from './machine-runner.js';
import { nictTransition, type NictAction, type NictEvent, type NictState } from './nict-machine.js';
import { asTransportError, guardUser, type FailureData } from './tx-helpers.js';
import { timerValues, type TimerValues } from './timers.js';

/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2): retransmits on Timer E
 * over unreliable transports (interval doubling up to T2, and T2 once a
 * provisional response arrived), times out on Timer F with a synthesised 408,
 * absorbs response retransmissions for Timer K.
 * @internal
 */
export class NonInviteClientTransaction extends TypedEmitter<ClientTransactionEvents> implements ClientTransactionDriver {
  /** @inheritDoc */
  readonly id: string;
  /** @inheritDoc */
  readonly kind = 'non-invite' as const;
  #request: SipRequest;
  #target: TransportTarget | undefined;
  #values: TimerValues | undefined;
  #intervalE = 0;
  #finalPassed = false;
  readonly #user: ClientTransactionUser;
  readonly #ctx: TransactionContext;
  /** Past the final response (see {@link TransactionContext.settled}). */
  #lingering = false;
  readonly #runner: MachineRunner<NictState, NictEvent, NictAction, SipResponse | FailureData>;

  /**
   * @param id - transaction key
   * @param request - the request (not INVITE, not ACK)
   * @param user - who gets the responses
   * @param ctx - the owning layer
   */
  constructor(id: string, request: SipRequest, user: ClientTransactionUser, ctx: TransactionContext) {
    super();
    this.id = id;
    this.#request = request;
    this.#user = user;
    this.#ctx = ctx;
    this.#runner = new MachineRunner<NictState, NictEvent, NictAction, SipResponse | FailureData>(
      'trying', nictTransition, (a, d) => this.#run(a, d), () => this.#terminated(), ctx.clock,
      (state, event) => ctx.log('NICT %s: %s ignored in %s', id, event, state),
      (to) => { if (to !== 'trying' && to !== 'proceeding' && to !== 'terminated') this.#settle(); });
  }

  /** @inheritDoc */
  get request(): SipRequest { return this.#request; }
  /** @inheritDoc */
  get target(): TransportTarget | undefined { return this.#target; }
  /** @inheritDoc */
  get state(): ClientTransactionState { return this.#runner.state; }

  /** @internal */
  start(request: SipRequest, target: TransportTarget): void {
    if (this.#runner.state !== 'trying' || this.#target !== undefined) return;
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
    this.#runner.dispatch(response.status < 200 ? '1xx' : 'final', response);
  }

  /** @internal */
  halt(): void {
    if (this.#runner.halt()) this.#terminated();
  }

  #run(action: NictAction, data: SipResponse | FailureData | undefined): void {
    const v = this.#values;
    switch (action) {
      case 'send-request': this.#send(); break;
      case 'retransmit-request':
        this.#ctx.counters.retransmissionsSent++;
        this.#ctx.log('NICT %s: Timer E, retransmitting %s', this.id, this.#request.method);
        this.#send();
        break;
      case 'start-E':
        this.#intervalE = v?.E ?? 0;
        this.#runner.startTimer('E', v?.E, 'timer-E');
        break;
      case 'double-E':
        this.#intervalE = Math.min(2 * this.#intervalE, v?.T2 ?? this.#ctx.timers.T2);
        this.#runner.startTimer('E', this.#intervalE, 'timer-E');
        break;
      case 'restart-E-T2':
        this.#intervalE = v?.T2 ?? this.#ctx.timers.T2;
        this.#runner.startTimer('E', this.#intervalE, 'timer-E');
        break;
      case 'stop-E': this.#runner.stopTimer('E'); break;
      case 'start-F': this.#runner.startTimer('F', v?.F, 'timer-F'); break;
      case 'stop-F': this.#runner.stopTimer('F'); break;
      case 'start-K': this.#runner.startTimer('K', v?.K, 'timer-K'); break;
      case 'count-retransmission': this.#ctx.counters.retransmissionsReceived++; break;
      case 'pass-response': {
        const response = data as SipResponse;
        if (response.status >= 200) this.#finalPassed = true;
        guardUser(this.#ctx.log, () => this.#user.onResponse(response, this));
        break;
      }
      case 'timeout': {
        this.#ctx.counters.timeouts++;
        this.#ctx.log('NICT %s: Timer F fired', this.id);
        const err = new TransactionTimeoutError('F', `${this.#request.method} transaction ${this.id} timed out (Timer F)`);
        this.#finalPassed = true;
        guardUser(this.#ctx.log, () => this.#user.onResponse(createResponse(this.#request, 408, 'Request Timeout'), this));
        guardUser(this.#ctx.log, () => this.#user.onTimeout?.(this, err));
        break;
      }
      case 'transport-failure': {
        const err = (data as FailureData).error;
        this.#ctx.counters.transportErrors++;
        this.#ctx.log('NICT %s: transport error: %s', this.id, err.message);
        if (!this.#finalPassed) {
          this.#finalPassed = true;
          guardUser(this.#ctx.log, () => this.#user.onResponse(createResponse(this.#request, 503, 'Service Unavailable'), this));
        }
        guardUser(this.#ctx.log, () => this.#user.onTransportError?.(err, this));
        break;
      }
    }
  }

  #send(): void {
    const target = this.#target;
    if (target === undefined) return;
    this.#ctx.transport.send(this.#request, target).catch((err: unknown) => {
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
    this.#ctx.log('NICT %s: terminated', this.id);
    this.#ctx.removed(this, this.#lingering);
    this.safeEmit('terminated', this);
  }
}
