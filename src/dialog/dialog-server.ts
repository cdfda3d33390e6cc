/**
 * UAS processing of a request inside a dialog (RFC 3261 §12.2.2, §14.2,
 * §15.1.2): BYE, re-INVITE with 491 / 500 + Retry-After, target refresh,
 * and the application's handler for everything else.
 */
import type { Debugger } from 'debug';
import type { SipRequest, SipResponse } from '../sip/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { CoreContext } from './core-context.js';
import type { Dialog } from './dialog.js';
import { WITH_CONTACT } from './in-dialog-client.js';
import { IncomingRequest } from './incoming-request.js';
import { buildResponse, extraHeaderLines } from './message-builder.js';
import { overlapRetryAfterSeconds } from './timing.js';
import type { ResponseOptions } from './types.js';

/**
 * The application's handler for requests inside a dialog. It must answer
 * through `request.respond(...)`, now or later; throwing before answering
 * sends 500.
 */
export type DialogRequestHandler = (request: IncomingRequest, dialog: Dialog) => void;

/** What {@link handleInDialogRequest} needs of the dialog's private state. @internal */
export interface InDialogContext {
  readonly request: SipRequest;
  readonly tx: ServerTransaction;
  readonly handler: DialogRequestHandler | undefined;
  /** Our INVITE on this dialog awaits its final response. */
  readonly outgoingInvite: boolean;
  /** CSeq of the peer's INVITE still awaiting our final response. */
  readonly incomingInvite: number | undefined;
  readonly log: Debugger;
  setIncomingInvite(cseq: number | undefined): void;
  refreshTarget(msg: SipRequest): void;
}

/**
 * Dispatch a request that matched `dialog` (its CSeq already checked):
 * - BYE: 200, dialog terminated (`bye-received`); a pending INVITE gets 487 from its owner;
 * - INVITE while our INVITE is pending: 491 (§14.2 glare);
 * - INVITE while the peer's previous INVITE is unanswered: 500 with Retry-After 0-10 s (§14.2);
 * - INVITE / UPDATE answered 2xx: remote target refreshed from the request's Contact
 *   (§12.2.2, as clarified by RFC 6141 §3.4: only a successful refresh counts);
 * - anything else: the handler (OPTIONS without a handler: 200; other methods: 501).
 * @internal
 */
export function handleInDialogRequest(dialog: Dialog, c: InDialogContext): void {
  const { request, tx } = c;
  const method = request.method;
  if (method === 'BYE') {
    dialog.respond(tx, 200);
    dialog.terminate('bye-received');
    return;
  }
  if (method === 'INVITE') {
    if (c.outgoingInvite) {
      c.log('re-INVITE glare on %s: 491', dialog.id.callId);
      dialog.respond(tx, 491);
      return;
    }
    if (c.incomingInvite !== undefined || dialog.pendingAnswer !== undefined) {
      const retryAfter = overlapRetryAfterSeconds();
      dialog.respond(tx, 500, {
        reason: 'Server Internal Error - Another INVITE Pending',
        headers: { 'Retry-After': String(retryAfter) },
      });
      return;
    }
    c.setIncomingInvite(request.cseq.seq);
  }
  const incoming = new IncomingRequest(request, tx, (status, options) => {
    if (status >= 200) {
      if (method === 'INVITE') c.setIncomingInvite(undefined);
      if ((method === 'INVITE' || method === 'UPDATE') && status < 300) c.refreshTarget(request);
    }
    return dialog.respond(tx, status, options);
  });
  const handler = c.handler;
  if (handler === undefined) {
    incoming.respond(method === 'OPTIONS' ? 200 : 501);
    return;
  }
  try {
    handler(incoming, dialog);
  } catch (err) {
    c.log('dialog request handler threw: %O', err);
    if (!incoming.responded) incoming.respond(500);
  }
}

/**
 * A response of the UAS inside a dialog (or creating it): our To tag, the
 * Record-Route values copied for a dialog-creating request (§12.1.1), Contact
 * on 1xx/2xx of target-refresh and usage methods, Allow/Supported on 2xx to
 * INVITE and OPTIONS (plus Accept for OPTIONS), Server, the body.
 * @internal
 */
export function buildDialogResponse(
  ctx: CoreContext, req: SipRequest, status: number, options: ResponseOptions, localTag: string, localContact: string,
): SipResponse {
  const extra = extraHeaderLines(options.headers);
  const caps = ctx.capabilities;
  if ((req.method === 'INVITE' || req.method === 'OPTIONS') && status >= 200 && status < 300) {
    extra.push({ name: 'Allow', value: caps.allowed.join(', ') });
    if (caps.supported.length > 0) extra.push({ name: 'Supported', value: caps.supported.join(', ') });
    if (req.method === 'OPTIONS') extra.push({ name: 'Accept', value: caps.accept.join(', ') });
  }
  const withContact = WITH_CONTACT.has(req.method) && status > 100 && status < 300;
  const body = options.body;
  const creating = !/;\s*tag=/i.test(req.get('To') ?? '');
  return buildResponse(req, status, {
    toTag: localTag,
    ...(creating && status > 100 && status < 300 ? { recordRoute: req.getAll('Record-Route') } : {}),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
    ...(withContact ? { contact: localContact } : {}),
    ...(ctx.userAgent !== undefined ? { server: ctx.userAgent } : {}),
    headers: extra,
    ...(body !== undefined && body.length > 0 ? { body, contentType: options.contentType ?? 'application/sdp' } : {}),
  });
}
