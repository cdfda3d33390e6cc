/**
 * SIP request (RFC 3261 §7.1): `Method SP Request-URI SP SIP-Version`.
 */
import type { RawHeader } from './errors.js';
import { SipMessage } from './message.js';
import type { SipResponse } from './response.js';
import type { SipUri } from './uri.js';

/** An immutable SIP request. */
export class SipRequest extends SipMessage {
  /** Method, case-sensitive (`INVITE`, `ACK`, or any token). */
  readonly method: string;
  /** Request-URI. */
  readonly uri: SipUri;
  /** The Request-URI exactly as received (or as serialized when built). */
  readonly uriText: string;

  /**
   * @param method - request method
   * @param uri - Request-URI
   * @param headers - header lines in order
   * @param body - body
   * @param keys - precomputed lookup keys (internal)
   * @param uriText - Request-URI text as received (internal)
   */
  constructor(
    method: string,
    uri: SipUri,
    headers: readonly RawHeader[],
    body: Buffer = Buffer.alloc(0),
    keys?: readonly string[],
    uriText?: string,
  ) {
    super(headers, body, keys);
    this.method = method;
    this.uri = uri;
    this.uriText = uriText ?? uri.toString();
  }

  /** @inheritDoc */
  startLine(): string {
    return `${this.method} ${this.uriText} SIP/2.0`;
  }

  /** @inheritDoc */
  protected rebuild(headers: readonly RawHeader[], body: Buffer): this {
    return new SipRequest(this.method, this.uri, headers, body, undefined, this.uriText) as this;
  }

  /** @inheritDoc */
  isRequest(): this is SipRequest {
    return true;
  }

  /** @inheritDoc */
  isResponse(): this is SipResponse {
    return false;
  }

  /** A copy with another Request-URI. */
  withUri(uri: SipUri): SipRequest {
    return new SipRequest(this.method, uri, this.headers, this.body);
  }
}
