/**
 * `TransferRequest`: the far end asks us to transfer a call (an incoming REFER, RFC 3515), handed
 * to `CallHandler.onTransferRequest`.
 *
 * @module
 */
import { InvalidArgumentError } from '../util/index.js';
import type { TransferDecision, TransferRequestInfo } from '../session/index.js';
import { SessionStateError } from '../session/index.js';

/** What the application decided about a {@link TransferRequest} so far. */
export type TransferRequestDecision = 'pending' | 'accepted' | 'rejected';

/**
 * A transfer the far end asks for: call {@link TransferRequest.target} in place of the current
 * call. Accepted unless the handler calls {@link TransferRequest.reject}. On accept, sipline
 * answers 202, places the new call (with Replaces for an attended transfer), reports its progress
 * to the far end in NOTIFYs, and ends the original call once the new one is answered; the new call
 * is a normal session reported to the handler (`onCallEstablished`, ...).
 *
 * @example
 * ```ts
 * manager.setCallHandler({
 *   onTransferRequest: (session, request) => {
 *     if (!request.target.endsWith('@pbx.example.com')) request.reject(403);
 *   },
 * });
 * ```
 */
export class TransferRequest {
  readonly #info: TransferRequestInfo;
  #decision: TransferRequestDecision = 'pending';
  #status = 603;
  #reason: string | undefined;

  /**
   * Created by the manager for each incoming REFER.
   * @internal
   */
  constructor(info: TransferRequestInfo) {
    this.#info = info;
  }

  /** Where we are asked to call: the Refer-To URI, e.g. `sip:carol@example.com`. */
  get target(): string {
    return this.#info.target;
  }

  /** Who asked (Referred-By, RFC 3892), when the REFER said. */
  get referredBy(): string | undefined {
    return this.#info.referredBy;
  }

  /** True for an attended transfer: the new call replaces a call of the target (RFC 3891). */
  get attended(): boolean {
    return this.#info.attended;
  }

  /** Every header of the REFER: lower-case names to their values. */
  get headers(): Readonly<Record<string, readonly string[]>> {
    return this.#info.headers;
  }

  /** `pending` until accepted or rejected; a pending request is accepted when the handler returns. */
  get decision(): TransferRequestDecision {
    return this.#decision;
  }

  /** The status the REFER is refused with, after {@link TransferRequest.reject}. @internal */
  get status(): number {
    return this.#status;
  }

  /** The reason phrase of the refusal, if one was given. @internal */
  get reason(): string | undefined {
    return this.#reason;
  }

  /**
   * Accept the transfer (the default).
   * @throws InvalidStateError after {@link TransferRequest.reject}
   */
  accept(): void {
    if (this.#decision === 'rejected') throw new SessionStateError('accept a transfer', 'rejected');
    this.#decision = 'accepted';
  }

  /**
   * Refuse the transfer: the REFER is answered with `status` (default 603 Decline) and the call
   * goes on.
   * @throws InvalidArgumentError for a status outside 300-699
   * @throws InvalidStateError after {@link TransferRequest.accept}
   */
  reject(status = 603, reason?: string): void {
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      throw new InvalidArgumentError('status', 'must be an integer from 300 to 699');
    }
    if (this.#decision === 'accepted') throw new SessionStateError('reject a transfer', 'accepted');
    this.#decision = 'rejected';
    this.#status = status;
    this.#reason = reason;
  }
}

/**
 * Ask the application's `onTransferRequest` about an incoming REFER and turn its answer into the
 * engine's decision: accepted unless rejected; a throwing handler rejects with 500 (and is
 * reported through `report`).
 * @internal
 */
export async function decideTransfer<S>(
  handler: ((session: S, request: TransferRequest) => unknown) | undefined,
  session: S | undefined,
  info: TransferRequestInfo,
  report: (err: unknown, session: S | undefined) => void,
): Promise<TransferDecision> {
  const request = new TransferRequest(info);
  if (handler !== undefined && session !== undefined) {
    try {
      await handler(session, request);
    } catch (err) {
      report(err, session);
      return { accept: false, status: 500 };
    }
  }
  if (request.decision !== 'rejected') return { accept: true };
  const reason = request.reason;
  return reason === undefined ? { accept: false, status: request.status } : { accept: false, status: request.status, reason };
}
