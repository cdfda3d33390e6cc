import type { SipResponse } from '../sip/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { buildResponse, newTag, type HeaderLine } from './message-builder.js';
import type { UaCapabilities } from './request-checks.js';

/** Options of {@link replyOutsideDialog}. @internal */
export interface ReplyOptions {
  readonly reason?: string;
  readonly headers?: readonly HeaderLine[];
  readonly contact?: string;
  /** To tag; a fresh one by default (§8.2.6.2). */
  readonly toTag?: string;
  readonly body?: Buffer | string;
  readonly contentType?: string;
  /** Server header value. */
  readonly server?: string | undefined;
}

/**
 * Answer a request outside any dialog (rejections of §8.2, 481, OPTIONS,
 * out-of-dialog MESSAGE...): a To tag, the Server header, the body.
 * @internal
 */
export function replyOutsideDialog(tx: ServerTransaction, status: number, o: ReplyOptions): SipResponse {
  const body = o.body;
  const res = buildResponse(tx.request, status, {
    toTag: o.toTag ?? newTag(),
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
    ...(o.contact !== undefined ? { contact: o.contact } : {}),
    ...(o.server !== undefined ? { server: o.server } : {}),
    headers: o.headers ?? [],
    ...(body !== undefined && body.length > 0 ? { body, contentType: o.contentType ?? 'text/plain' } : {}),
  });
  tx.respond(res);
  return res;
}

/** Allow, Accept and Supported of an OPTIONS answer (RFC 3261 §11.2). @internal */
export function capabilityHeaders(caps: UaCapabilities): HeaderLine[] {
  return [
    { name: 'Allow', value: caps.allowed.join(', ') },
    { name: 'Accept', value: caps.accept.join(', ') },
    { name: 'Supported', value: caps.supported.join(', ') },
  ];
}
