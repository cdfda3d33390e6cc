/**
 * The UAC side of requests inside a dialog (RFC 3261 §12.2.1): building them
 * with the dialog's route set, sending them through a client transaction,
 * and the ACK for 2xx (§13.2.2.4) with its re-sending for retransmitted 2xx.
 */
import type { NameAddr, SipRequest, SipResponse, SipUri } from '../sip/index.js';
import type { ClientTransactionUser } from '../transaction/index.js';
import type { TransportTarget } from '../transport/index.js';
import type { CoreContext } from './core-context.js';
import { buildRequest, buildResponse, extraHeaderLines, type HeaderLine } from './message-builder.js';
import { inDialogRouting, type RouteEntry } from './route-set.js';
import type { MessageContent } from './types.js';

/** Methods whose request carries a Contact (target refresh and dialog-usage requests). @internal */
export const WITH_CONTACT: ReadonlySet<string> = new Set(['INVITE', 'UPDATE', 'REFER', 'NOTIFY', 'SUBSCRIBE']);

/** What a request inside a dialog is addressed with. @internal */
export interface DialogAddressing {
  readonly callId: string;
  /** Local party with tag (From). */
  readonly local: NameAddr;
  /** Remote party with tag (To). */
  readonly remote: NameAddr;
  readonly remoteTarget: SipUri;
  readonly routeSet: readonly RouteEntry[];
  /** Our Contact value. */
  readonly localContact: string;
}

/**
 * A request inside a dialog (§12.2.1.1): Request-URI and Route from the route
 * set (loose or strict routing), From/To with tags, Call-ID, CSeq, Contact for
 * target-refresh and usage methods, the body with its type.
 * @internal
 */
export function buildInDialogRequest(
  ctx: CoreContext, addr: DialogAddressing, method: string, cseq: number, content: MessageContent,
): SipRequest {
  const routing = inDialogRouting(addr.remoteTarget, addr.routeSet);
  const body = content.body;
  const hasBody = body !== undefined && body.length > 0;
  return buildRequest({
    method,
    uri: routing.requestUri,
    from: addr.local.toString(),
    to: addr.remote.toString(),
    callId: addr.callId,
    cseq,
    routes: routing.routes,
    ...(WITH_CONTACT.has(method) ? { contact: addr.localContact } : {}),
    ...(ctx.userAgent !== undefined ? { userAgent: ctx.userAgent } : {}),
    headers: extraHeaderLines(content.headers),
    ...(hasBody ? { body, contentType: content.contentType ?? 'application/sdp' } : {}),
  });
}

/** Callbacks of {@link sendInDialog}. @internal */
export interface InDialogHooks {
  /** First 2xx to an INVITE: refresh the target and send the ACK. */
  onInvite2xx?(response: SipResponse): void;
  /** A retransmission of that 2xx: send the ACK again. */
  onInvite2xxRetransmission?(response: SipResponse): void;
  /** The final response (after the hooks above). */
  onFinal(response: SipResponse): void;
}

/**
 * Send an in-dialog request through a client transaction; resolves with its
 * final response (a synthesised 408/503 on timeout or transport failure, or
 * a local 503 when the transaction layer refuses it).
 * @internal
 */
export function sendInDialog(ctx: CoreContext, request: SipRequest, hooks: InDialogHooks): Promise<SipResponse> {
  const isInvite = request.method === 'INVITE';
  return new Promise<SipResponse>((resolve) => {
    let settled = false;
    const user: ClientTransactionUser = {
      onResponse: (res) => {
        if (res.status < 200) return;
        if (settled) {
          if (isInvite && res.status < 300) hooks.onInvite2xxRetransmission?.(res);
          return;
        }
        settled = true;
        if (isInvite && res.status < 300) hooks.onInvite2xx?.(res);
        hooks.onFinal(res);
        resolve(res);
      },
    };
    try {
      ctx.transactions.sendRequest(request, user);
    } catch (err) {
      ctx.log('sendRequest failed: %O', err);
      settled = true;
      const res = buildResponse(request, 503, { reason: 'Service Unavailable - transaction layer closed' });
      hooks.onFinal(res);
      resolve(res);
    }
  });
}

/**
 * The last ACK a dialog sent for a 2xx, kept to be sent again for each
 * retransmission of that 2xx (§13.2.2.4, RFC 6026 §8.4).
 * @internal
 */
export class AckCache {
  #last: { cseq: number; sent: Promise<{ request: SipRequest; target: TransportTarget } | undefined> } | undefined;

  /**
   * Build and send the ACK of a 2xx to `invite` (the request, or only its CSeq
   * number when it is no longer known) (§13.2.2.4): same CSeq number,
   * method ACK, the dialog's Request-URI and Route, a new branch, the INVITE's
   * credentials, and a body when the 2xx carried an offer.
   */
  send(ctx: CoreContext, addr: DialogAddressing, invite: SipRequest | number, content: MessageContent | undefined): void {
    const cseq = typeof invite === 'number' ? invite : invite.cseq.seq;
    const extra: HeaderLine[] = [];
    for (const name of ['Authorization', 'Proxy-Authorization']) {
      if (typeof invite !== 'number') for (const v of invite.getAll(name)) extra.push({ name, value: v });
    }
    const ack = buildInDialogRequest(ctx, addr, 'ACK', cseq, {
      ...content, headers: [...extra, ...extraHeaderLines(content?.headers)],
    });
    const sent = ctx.sendStateless(ack).catch((err: unknown) => {
      ctx.log('ACK send failed: %O', err);
      return undefined;
    });
    this.#last = { cseq, sent };
  }

  /** Send the ACK for the INVITE with this CSeq again; false when there is none. */
  resend(ctx: CoreContext, cseq: number): boolean {
    const last = this.#last;
    if (last === undefined || last.cseq !== cseq) return false;
    void last.sent.then((s) => {
      if (s === undefined) return;
      ctx.transport.send(s.request, s.target).catch((err: unknown) => ctx.log('ACK re-send failed: %O', err));
    });
    return true;
  }
}
