/**
 * SIP response (RFC 3261 §7.2): `SIP-Version SP Status-Code SP Reason-Phrase`.
 */
import type { RawHeader } from './errors.js';
import { SipMessage } from './message.js';
import type { SipRequest } from './request.js';

/** An immutable SIP response. */
export class SipResponse extends SipMessage {
  /** Status code, 100-699. */
  readonly status: number;
  /** Reason phrase exactly as received (may be empty or contain any UTF-8). */
  readonly reason: string;

  /**
   * @param status - status code 100-699
   * @param reason - reason phrase
   * @param headers - header lines in order
   * @param body - body
   * @param keys - precomputed lookup keys (internal)
   */
  constructor(
    status: number,
    reason: string,
    headers: readonly RawHeader[],
    body: Buffer = Buffer.alloc(0),
    keys?: readonly string[],
  ) {
    super(headers, body, keys);
    this.status = status;
    this.reason = reason;
  }

  /** @inheritDoc */
  startLine(): string {
    return `SIP/2.0 ${this.status} ${this.reason}`;
  }

  /** @inheritDoc */
  protected rebuild(headers: readonly RawHeader[], body: Buffer): this {
    return new SipResponse(this.status, this.reason, headers, body) as this;
  }

  /** @inheritDoc */
  isRequest(): this is SipRequest {
    return false;
  }

  /** @inheritDoc */
  isResponse(): this is SipResponse {
    return true;
  }

  /** True for 1xx. */
  get isProvisional(): boolean {
    return this.status < 200;
  }

  /** True for 2xx. */
  get isSuccess(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** True for 200-699. */
  get isFinal(): boolean {
    return this.status >= 200;
  }
}
