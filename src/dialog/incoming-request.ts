import type { SipRequest, SipResponse } from '../sip/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { AlreadyRespondedError } from './errors.js';
import type { ResponseOptions } from './types.js';

/** How an {@link IncomingRequest} turns a status into a sent response. @internal */
export type Responder = (status: number, options: ResponseOptions) => SipResponse;

/**
 * A request the application must answer: an out-of-dialog request (MESSAGE,
 * ...) or a request inside a dialog (re-INVITE, UPDATE, INFO, REFER, NOTIFY,
 * OPTIONS). Exactly one final response may be sent; provisional responses
 * before it are allowed. The core takes care of everything else (To tag,
 * Contact, 2xx retransmission for a re-INVITE until its ACK, §13.3.1.4).
 */
export class IncomingRequest {
  /** The request. */
  readonly request: SipRequest;
  /** Its server transaction. */
  readonly transaction: ServerTransaction;
  readonly #responder: Responder;
  #final: SipResponse | undefined;

  /**
   * @param request - the request
   * @param transaction - its server transaction
   * @param responder - builds and sends a response
   * @internal
   */
  constructor(request: SipRequest, transaction: ServerTransaction, responder: Responder) {
    this.request = request;
    this.transaction = transaction;
    this.#responder = responder;
  }

  /** The request method. */
  get method(): string {
    return this.request.method;
  }

  /** True once a final response was sent. */
  get responded(): boolean {
    return this.#final !== undefined;
  }

  /** The final response sent, if any. */
  get finalResponse(): SipResponse | undefined {
    return this.#final;
  }

  /**
   * Send a response.
   * @param status - 101-699 (100 is sent by the transaction layer)
   * @throws AlreadyRespondedError after a final response
   * @throws RangeError for a status outside 101-699
   */
  respond(status: number, options: ResponseOptions = {}): SipResponse {
    if (this.#final !== undefined) throw new AlreadyRespondedError();
    if (!Number.isInteger(status) || status < 101 || status > 699) throw new RangeError(`bad status ${status}`);
    const res = this.#responder(status, options);
    if (status >= 200) this.#final = res;
    return res;
  }
}
