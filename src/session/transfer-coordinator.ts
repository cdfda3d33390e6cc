/**
 * The engine's side of call transfer: the application's decision on incoming REFERs, the new
 * calls they ask for, the RFC 3891 §3 rules for an incoming INVITE with Replaces, and the answer
 * to a REFER outside any dialog.
 *
 * @module
 */
import createDebug from 'debug';
import type { HeaderLine, IncomingInvite, IncomingRequest, ReferDetails, UserAgentCore } from '../dialog/index.js';
import type { ReplacesValue } from '../sip/index.js';
import type { Session } from './session.js';
import type { TransferPort } from './session-transfer.js';
import type { OutboundCallOptions } from './session-types.js';
import type { TransferDecision, TransferRequestInfo } from './transfer-types.js';

const debug = createDebug('sipline:session');

/** Decides about a REFER received on `session` (default: accept). */
export type TransferRequestHandler = (session: Session, info: TransferRequestInfo) => TransferDecision | Promise<TransferDecision>;

/** Told about each call placed because of a REFER, with the session the REFER arrived on. */
export type TransferCallListener = (call: Session, original: Session) => void;

/** What the coordinator needs of its engine. @internal */
export interface TransferEngineView {
  readonly core: UserAgentCore;
  call(options: OutboundCallOptions): Promise<Session>;
  sessions(): Session[];
}

/** A refusal of an INVITE with Replaces (RFC 3891 §3). */
interface ReplacesRefusal {
  readonly status: number;
  readonly reason: string;
}

/** Sessions answered in place of another (RFC 3891): new session -> the one it replaces. */
const replacing = new WeakMap<Session, Session>();

/** The session that `session` replaces (an incoming INVITE with Replaces), if any. */
export function replacedSessionOf(session: Session): Session | undefined {
  return replacing.get(session);
}

/**
 * Transfer services of one session engine. Created by the engine; the application layer sets the
 * request handler and listens to the calls placed for REFERs.
 */
export class TransferCoordinator implements TransferPort {
  readonly #engine: TransferEngineView;
  #handler: TransferRequestHandler | undefined;
  #onCall: TransferCallListener | undefined;

  /** @internal */
  constructor(engine: TransferEngineView) {
    this.#engine = engine;
  }

  /** Set (or clear, to accept every REFER) the handler deciding about incoming REFERs. */
  setRequestHandler(handler: TransferRequestHandler | undefined): this {
    this.#handler = handler;
    return this;
  }

  /** Set (or clear) the listener told about each call placed for a REFER. */
  setCallListener(listener: TransferCallListener | undefined): this {
    this.#onCall = listener;
    return this;
  }

  /** @internal */
  async decide(session: Session, info: TransferRequestInfo): Promise<TransferDecision> {
    const handler = this.#handler;
    if (handler === undefined) return { accept: true };
    const d = await handler(session, info);
    if (d.accept) return d;
    const status = Number.isInteger(d.status) && d.status >= 300 && d.status <= 699 ? d.status : 603;
    return d.reason === undefined ? { accept: false, status } : { accept: false, status, reason: d.reason };
  }

  /**
   * Place the call a REFER asks for (RFC 3515 §2.4.2): INVITE to the Refer-To URI, with the
   * Replaces of the Refer-To URI (RFC 3891 §6.1) and the REFER's Referred-By (RFC 3892 §3), from
   * the identity of the original call.
   * @internal
   */
  async place(original: Session, details: ReferDetails): Promise<Session> {
    const headers: HeaderLine[] = [];
    if (details.replacesHeader !== undefined) headers.push({ name: 'Replaces', value: details.replacesHeader });
    if (details.referredBy !== undefined) headers.push({ name: 'Referred-By', value: details.referredBy.toString() });
    const id = original.localIdentity;
    const from = id.displayName === undefined ? `<${id.uri}>` : `"${id.displayName.replace(/["\\]/g, '\\$&')}" <${id.uri}>`;
    debug('%s: REFER accepted: calling %s', original.logLabel, details.target.toString());
    const call = await this.#engine.call({ target: details.target, from, headers });
    try {
      this.#onCall?.(call, original);
    } catch (err) {
      debug('transfer call listener threw: %O', err);
    }
    return call;
  }

  /**
   * RFC 3891 §3 for a new INVITE: returns undefined when it carries no Replaces, the session to
   * replace when one matches, or the refusal already sent (400 for several Replaces or a bad one,
   * 481 when no dialog matches or the match is an early dialog we did not initiate, 486 for
   * `early-only` on a confirmed dialog, 603 for a call already ending).
   * @internal
   */
  screenInvite(invite: IncomingInvite): Session | ReplacesRefusal | undefined {
    const values = invite.request.getAll('Replaces');
    if (values.length === 0) return undefined;
    const refuse = (status: number, reason: string): ReplacesRefusal => {
      debug('INVITE %s with Replaces refused: %d %s', invite.request.callId, status, reason);
      invite.reject(status, { reason });
      return { status, reason };
    };
    if (values.length > 1) return refuse(400, 'Bad Request - more than one Replaces');
    let r: ReplacesValue | undefined;
    try {
      r = invite.request.replaces;
    } catch {
      r = undefined;
    }
    if (r === undefined) return refuse(400, 'Bad Request - malformed Replaces');
    const dialog = this.#engine.core.findDialog({ callId: r.callId, localTag: r.toTag, remoteTag: r.fromTag });
    const sameCall = this.#engine.sessions().filter((s) => s.callId === r.callId);
    if (dialog === undefined) {
      const ending = sameCall.some((s) => s.state === 'terminating' || s.state === 'terminated');
      return ending ? refuse(603, 'Declined') : refuse(481, 'Call/Transaction Does Not Exist');
    }
    const session = sameCall.find((s) => s.dialog === dialog) ?? sameCall[0];
    if (session === undefined) return refuse(481, 'Call/Transaction Does Not Exist');
    if (session.state === 'terminating' || session.state === 'terminated') return refuse(603, 'Declined');
    if (dialog.state === 'confirmed') {
      if (r.earlyOnly) return refuse(486, 'Busy Here');
      return session;
    }
    // Early: only an early dialog we initiated (our INVITE) may be replaced.
    if (dialog.role !== 'uac') return refuse(481, 'Call/Transaction Does Not Exist');
    return session;
  }

  /**
   * `call` (an incoming INVITE with Replaces) takes the place of `old`: once it is answered, `old`
   * ends (BYE, or CANCEL while early) with reason `replaced` (RFC 3891 §3).
   * @internal
   */
  bindReplacement(call: Session, old: Session): void {
    replacing.set(call, old);
    call.answered().then(() => old.terminate('replaced'), () => undefined).catch((err: unknown) => {
      debug('%s: replaced call not ended: %O', old.logLabel, err);
    });
  }

  /**
   * A request outside any dialog: a REFER gets 405 with an Allow that leaves REFER out (sipline
   * carries out REFER only inside a call, RFC 3515 §2.4.2 lets a UA refuse); anything else 501.
   * @internal
   */
  outOfDialog(request: IncomingRequest): void {
    if (request.method === 'REFER') {
      const allow = this.#engine.core.capabilities.allowed.filter((m) => m !== 'REFER').join(', ');
      request.respond(405, { reason: 'Method Not Allowed - REFER outside a call', headers: { Allow: allow } });
      return;
    }
    request.respond(501, { reason: 'Not Implemented - no handler for this request' });
  }
}
