import type { SipRequest, SipResponse } from '../sip/index.js';
import { createAckForNon2xx } from './builders.js';
import { ClientTransactionBase } from './client-transaction-base.js';
import type { ClientTransactionUser } from './client-transaction.js';
import type { TransactionContext } from './context.js';
import { ictTransition, type IctAction, type IctEvent, type IctState } from './ict-machine.js';
import type { FailureData } from './tx-helpers.js';

/**
 * INVITE client transaction (RFC 3261 §17.1.1 with RFC 6026): retransmits the
 * INVITE on Timer A over unreliable transports, times out on Timer B with a
 * synthesised 408, ACKs every 3xx-6xx itself (§17.1.1.3) and passes 2xx
 * (including retransmissions, in Accepted) to the TU, whose job the 2xx ACK is.
 * @internal
 */
export class InviteClientTransaction extends ClientTransactionBase<IctState, IctEvent, IctAction> {
  /** @inheritDoc */
  readonly kind = 'invite' as const;
  #intervalA = 0;

  /**
   * @param id - transaction key
   * @param request - the INVITE
   * @param user - who gets the responses
   * @param ctx - the owning layer
   */
  constructor(id: string, request: SipRequest, user: ClientTransactionUser, ctx: TransactionContext) {
    super(id, request, user, ctx, { label: 'ICT', initial: 'calling', transition: ictTransition, pending: ['calling', 'proceeding'] });
  }

  /** @internal */
  receiveResponse(response: SipResponse): void {
    const s = response.status;
    this.runner.dispatch(s < 200 ? '1xx' : s < 300 ? '2xx' : '3xx-6xx', response);
  }

  /** @internal */
  protected run(action: IctAction, data: SipResponse | FailureData | undefined): void {
    const v = this.values;
    switch (action) {
      case 'send-request': this.send(); break;
      case 'retransmit-request': this.retransmit('A'); break;
      case 'start-A':
        this.#intervalA = v?.A ?? 0;
        this.runner.startTimer('A', v?.A, 'timer-A');
        break;
      case 'double-A':
        this.#intervalA *= 2;
        this.runner.startTimer('A', this.#intervalA, 'timer-A');
        break;
      case 'stop-A': this.runner.stopTimer('A'); break;
      case 'start-B': this.runner.startTimer('B', v?.B, 'timer-B'); break;
      case 'stop-B': this.runner.stopTimer('B'); break;
      case 'start-D': this.runner.startTimer('D', v?.D, 'timer-D'); break;
      case 'start-M': this.runner.startTimer('M', v?.M, 'timer-M'); break;
      case 'count-retransmission': this.ctx.counters.retransmissionsReceived++; break;
      case 'pass-response': this.passResponse(data as SipResponse); break;
      case 'send-ack': this.send(createAckForNon2xx(this.request, data as SipResponse)); break;
      case 'timeout': this.timeout('B'); break;
      case 'transport-failure': this.transportFailure(data as FailureData); break;
      case 'report-transport-error': this.transportFailure(data as FailureData, false); break;
    }
  }
}
