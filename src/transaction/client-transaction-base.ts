import { createResponse, type SipRequest, type SipResponse } from '../sip/index.js';
import type { TransportTarget } from '../transport/index.js';
import { TypedEmitter } from '../util/index.js';
import type {
  ClientTransactionDriver, ClientTransactionEvents, ClientTransactionState, ClientTransactionUser,
} from './client-transaction.js';
import type { TransactionContext } from './context.js';
import { TransactionTimeoutError } from './errors.js';
import { MachineRunner } from './machine-runner.js';
import type { Move } from './state-machine.js';
import { asTransportError, guardUser, type FailureData } from './tx-helpers.js';
import { timerValues, type TimerValues } from './timers.js';

/** What tells the INVITE and non-INVITE client machines apart. @internal */
export interface ClientMachineSpec<S extends ClientTransactionState, E extends string, A extends string> {
  /** `ICT` or `NICT`, for log lines. */
  readonly label: string;
  /** The initial state (`calling` or `trying`). */
  readonly initial: S;
  /** The machine's transition table. */
  readonly transition: (state: S, event: E) => Move<S, A> | undefined;
  /** States before a final response; entering any other state (but terminated) settles the transaction. */
  readonly pending: readonly S[];
}

/**
 * What the INVITE (§17.1.1) and non-INVITE (§17.1.2) client transactions share: the request and
 * its target, the timer values of the transport, sending with transport failures fed back into the
 * machine, passing responses up, the synthesised 408 on Timer B/F and 503 on a transport failure
 * (§8.1.3.1), and the bookkeeping of pending and lingering transactions. Subclasses supply the
 * machine and the actions particular to it.
 * @internal
 */
export abstract class ClientTransactionBase<S extends ClientTransactionState, E extends string, A extends string>
  extends TypedEmitter<ClientTransactionEvents> implements ClientTransactionDriver {
  /** @inheritDoc */
  readonly id: string;
  /** @inheritDoc */
  abstract readonly kind: 'invite' | 'non-invite';
  /** The owning layer. */
  protected readonly ctx: TransactionContext;
  /** The machine this transaction runs. */
  protected readonly runner: MachineRunner<S, E | 'start' | 'transport-error', A, SipResponse | FailureData>;
  readonly #spec: ClientMachineSpec<S, E | 'start' | 'transport-error', A>;
  readonly #user: ClientTransactionUser;
  #request: SipRequest;
  #target: TransportTarget | undefined;
  #values: TimerValues | undefined;
  #finalPassed = false;
  /** Past the final response (see {@link TransactionContext.settled}). */
  #lingering = false;

  /**
   * @param id - transaction key
   * @param request - the request
   * @param user - who gets the responses
   * @param ctx - the owning layer
   * @param spec - the machine
   */
  constructor(
    id: string, request: SipRequest, user: ClientTransactionUser, ctx: TransactionContext,
    spec: ClientMachineSpec<S, E | 'start' | 'transport-error', A>,
  ) {
    super();
    this.id = id;
    this.#request = request;
    this.#user = user;
    this.ctx = ctx;
    this.#spec = spec;
    this.runner = new MachineRunner<S, E | 'start' | 'transport-error', A, SipResponse | FailureData>(
      spec.initial, spec.transition, (a, d) => this.run(a, d), () => this.#terminated(), ctx.clock,
      (state, event) => ctx.log('%s %s: %s ignored in %s', spec.label, id, event, state),
      (to) => { if (to !== 'terminated' && !spec.pending.includes(to)) this.#settle(); });
  }

  /** @inheritDoc */
  get request(): SipRequest { return this.#request; }
  /** @inheritDoc */
  get target(): TransportTarget | undefined { return this.#target; }
  /** @inheritDoc */
  get state(): ClientTransactionState { return this.runner.state; }

  /** Timer values for the transport in use; `undefined` before `start`. */
  protected get values(): TimerValues | undefined { return this.#values; }

  /** @internal */
  start(request: SipRequest, target: TransportTarget): void {
    if (this.runner.state !== this.#spec.initial || this.#target !== undefined) return;
    this.#request = request;
    this.#target = target;
    this.#values = timerValues(this.ctx.timers, this.ctx.transport.isReliable(target.protocol));
    this.runner.dispatch('start');
  }

  /** @internal */
  fail(error: FailureData['error']): void {
    this.runner.dispatch('transport-error', { error });
  }

  /** @internal */
  abstract receiveResponse(response: SipResponse): void;

  /** @internal */
  halt(): void {
    if (this.runner.halt()) this.#terminated();
  }

  /** Execute one action of a move. */
  protected abstract run(action: A, data: SipResponse | FailureData | undefined): void;

  /** Send `message` (default: the request) to the target; a failure becomes a `transport-error` event. */
  protected send(message: SipRequest = this.#request): void {
    const target = this.#target;
    if (target === undefined) return;
    this.ctx.transport.send(message, target).catch((err: unknown) => {
      this.runner.dispatch('transport-error', { error: asTransportError(err) });
    });
  }

  /** Retransmit the request (Timer A or E fired). */
  protected retransmit(timer: 'A' | 'E'): void {
    this.ctx.counters.retransmissionsSent++;
    this.ctx.log('%s %s: Timer %s, retransmitting %s', this.#spec.label, this.id, timer, this.#request.method);
    this.send();
  }

  /** Pass a response up to the transaction user. */
  protected passResponse(response: SipResponse): void {
    if (response.status >= 200) this.#finalPassed = true;
    guardUser(this.ctx.log, () => this.#user.onResponse(response, this));
  }

  /** Timer B or F fired: a synthesised 408 (§17.1.1.2, §17.1.2.2), then `onTimeout`. */
  protected timeout(timer: 'B' | 'F'): void {
    this.ctx.counters.timeouts++;
    this.ctx.log('%s %s: Timer %s fired', this.#spec.label, this.id, timer);
    const err = new TransactionTimeoutError(timer, `${this.#request.method} transaction ${this.id} timed out (Timer ${timer})`);
    this.#finalPassed = true;
    guardUser(this.ctx.log, () => this.#user.onResponse(createResponse(this.#request, 408, 'Request Timeout'), this));
    guardUser(this.ctx.log, () => this.#user.onTimeout?.(this, err));
  }

  /**
   * The transport failed. Unless a final response went up already, a synthesised 503 (§8.1.3.1)
   * goes first (`synthesise`: false for a failure of a later send, such as the ACK of a non-2xx).
   */
  protected transportFailure(data: FailureData, synthesise = true): void {
    const err = data.error;
    this.ctx.counters.transportErrors++;
    this.ctx.log('%s %s: transport error: %s', this.#spec.label, this.id, err.message);
    if (synthesise && !this.#finalPassed) {
      this.#finalPassed = true;
      guardUser(this.ctx.log, () => this.#user.onResponse(createResponse(this.#request, 503, 'Service Unavailable'), this));
    }
    guardUser(this.ctx.log, () => this.#user.onTransportError?.(err, this));
  }

  /** Past the final response: from now on the transaction only lingers (counted apart by the layer). */
  #settle(): void {
    if (this.#lingering) return;
    this.#lingering = true;
    this.ctx.settled(this);
  }

  #terminated(): void {
    this.ctx.log('%s %s: terminated', this.#spec.label, this.id);
    this.ctx.removed(this, this.#lingering);
    this.safeEmit('terminated', this);
  }
}
