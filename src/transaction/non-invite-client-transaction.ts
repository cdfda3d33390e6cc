import type { SipRequest, SipResponse } from '../sip/index.js';
import { ClientTransactionBase } from './client-transaction-base.js';
import type { ClientTransactionUser } from './client-transaction.js';
import type { TransactionContext } from './context.js';
import { nictTransition, type NictAction, type NictEvent, type NictState } from './nict-machine.js';
import type { FailureData } from './tx-helpers.js';

/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2): retransmits on Timer E
 * over unreliable transports (interval doubling up to T2, and T2 once a
 * provisional response arrived), times out on Timer F with a synthesised 408,
 * absorbs response retransmissions for Timer K.
 * @internal
 */
export class NonInviteClientTransaction extends ClientTransactionBase<NictState, NictEvent, NictAction> {
  /** @inheritDoc */
  readonly kind = 'non-invite' as const;
  #intervalE = 0;

  /**
   * @param id - transaction key
   * @param request - the request (not INVITE, not ACK)
   * @param user - who gets the responses
   * @param ctx - the owning layer
   */
  constructor(id: string, request: SipRequest, user: ClientTransactionUser, ctx: TransactionContext) {
    super(id, request, user, ctx, { label: 'NICT', initial: 'trying', transition: nictTransition, pending: ['trying', 'proceeding'] });
  }

  /** @internal */
  receiveResponse(response: SipResponse): void {
    this.runner.dispatch(response.status < 200 ? '1xx' : 'final', response);
  }

  /** @internal */
  protected run(action: NictAction, data: SipResponse | FailureData | undefined): void {
    const v = this.values;
    const t2 = v?.T2 ?? this.ctx.timers.T2;
    switch (action) {
      case 'send-request': this.send(); break;
      case 'retransmit-request': this.retransmit('E'); break;
      case 'start-E':
        this.#intervalE = v?.E ?? 0;
        this.runner.startTimer('E', v?.E, 'timer-E');
        break;
      case 'double-E':
        this.#intervalE = Math.min(2 * this.#intervalE, t2);
        this.runner.startTimer('E', this.#intervalE, 'timer-E');
        break;
      case 'restart-E-T2':
        this.#intervalE = t2;
        this.runner.startTimer('E', this.#intervalE, 'timer-E');
        break;
      case 'stop-E': this.runner.stopTimer('E'); break;
      case 'start-F': this.runner.startTimer('F', v?.F, 'timer-F'); break;
      case 'stop-F': this.runner.stopTimer('F'); break;
      case 'start-K': this.runner.startTimer('K', v?.K, 'timer-K'); break;
      case 'count-retransmission': this.ctx.counters.retransmissionsReceived++; break;
      case 'pass-response': this.passResponse(data as SipResponse); break;
      case 'timeout': this.timeout('F'); break;
      case 'transport-failure': this.transportFailure(data as FailureData); break;
    }
  }
}
