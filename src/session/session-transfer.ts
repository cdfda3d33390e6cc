/**
 * Call transfer of one session (RFC 3515 REFER, RFC 3891 Replaces, RFC 5589 practice):
 * - as transferor, {@link SessionTransfer.start} sends REFER in the call's dialog, follows the
 *   implicit subscription's NOTIFYs (`message/sipfrag`), answers each with 200, reports progress,
 *   and on success ends the call with BYE (reason `transferred`);
 * - as transferee, an incoming REFER goes to the engine's {@link TransferPort} for a decision; on
 *   accept we answer 202, place the new call, report its progress in NOTIFYs (100 Trying, 18x,
 *   then the final status with `Subscription-State: terminated`) and end this call once the new
 *   one is answered.
 *
 * @module
 */
import createDebug from 'debug';
import { readRefer, readReferNotify, referToFor, referToWithReplaces, replacesForPeer, sendRefer, sendReferNotify } from '../dialog/index.js';
import type { Dialog, IncomingRequest, ReferDetails, ReferNotification } from '../dialog/index.js';
import { reasonPhrase } from '../sip/index.js';
import { InvalidStateError } from '../util/index.js';
import { CallFailedError, SessionStateError } from './errors.js';
import type { SessionControl } from './session-control.js';
import { SessionState } from './session-state.js';
import type { Session } from './session.js';
import type {
  TransferDecision, TransferOptions, TransferProgressEvent, TransferRequestInfo, TransferResult,
} from './transfer-types.js';

const debug = createDebug('sipline:session');

/** How long the transferee waits for the transferor's BYE after the final NOTIFY before its own, ms. */
const TRANSFEREE_BYE_GRACE_MS = 500;

/** Default wait for the final NOTIFY after the REFER was accepted, ms. */
const DEFAULT_TRANSFER_TIMEOUT_MS = 120_000;

/** What a session needs from its engine to carry out a transfer it was asked for. @internal */
export interface TransferPort {
  /** Ask the application whether to accept a REFER (default: accept). */
  decide(session: Session, info: TransferRequestInfo): Promise<TransferDecision>;
  /** Place the call the REFER asks for (Replaces and Referred-By copied in). */
  place(original: Session, details: ReferDetails): Promise<Session>;
}

/** The end of the wait for NOTIFYs. */
type FinalNotify = { readonly status: number; readonly reason: string } | 'subscription-ended' | 'timeout' | 'call-ended';

/** A REFER of ours waiting for its NOTIFYs. */
interface ReferRun {
  /** CSeq of the REFER (the `id` of its NOTIFYs). */
  readonly cseq: number;
  onNotify(n: ReferNotification): void;
}

function headersOf(request: IncomingRequest): Readonly<Record<string, readonly string[]>> {
  const out: Record<string, string[]> = {};
  for (const h of request.request.headers) (out[h.name.toLowerCase()] ??= []).push(h.value);
  return Object.freeze(out);
}

/** One session's transfers, both ways. @internal */
export class SessionTransfer {
  readonly #control: SessionControl;
  readonly #session: Session;
  readonly #emit: (event: TransferProgressEvent) => void;
  #run: ReferRun | undefined;
  /** A REFER from the far end is being carried out. */
  #carrying = false;

  constructor(control: SessionControl, session: Session, emit: (event: TransferProgressEvent) => void) {
    this.#control = control;
    this.#session = session;
    this.#emit = emit;
  }

  /** Route the dialog's REFER and NOTIFY requests here (RFC 3515 §2.4.2, §2.4.5). */
  attach(dialog: Dialog): void {
    dialog.setMethodHandler('REFER', (request, d) => this.#onRefer(request, d));
    dialog.setMethodHandler('NOTIFY', (request) => this.#onNotify(request));
  }

  // ------------------------------------------------------------ transferor

  /**
   * Transfer the far end to `target` (blind: a SIP URI) or to the peer of `target` (attended:
   * another session, Refer-To with Replaces). State `transferring` while it runs; back to the
   * previous state when it fails; the call ends with BYE (reason `transferred`) when it succeeds.
   * @throws SessionStateError unless connected or on hold (or when another transfer runs)
   * @throws InvalidArgumentError for a target that is not a SIP URI
   * @throws InvalidStateError when the other session of an attended transfer is not connected
   */
  async start(target: string | Session, options: TransferOptions = {}): Promise<TransferResult> {
    const machine = this.#control.machine;
    machine.assert([SessionState.Connected, SessionState.OnHold], 'transfer');
    const dialog = this.#control.dialog();
    if (dialog === undefined || dialog.state !== 'confirmed') throw new InvalidStateError('transfer: the dialog is not confirmed');
    const attended = typeof target !== 'string';
    const referTo = attended ? this.#attendedReferTo(target) : referToFor(target);
    const before = await this.#control.enqueue(() => {
      const state = machine.state;
      if (state !== SessionState.Connected && state !== SessionState.OnHold) throw new SessionStateError('transfer', state);
      machine.transition(SessionState.Transferring, 'transfer-started');
      return state;
    });
    let result: TransferResult;
    try {
      result = await this.#refer(dialog, referTo, attended, options.timeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS);
    } catch (err) {
      await this.#revert(before);
      throw err;
    }
    if (result.outcome === 'succeeded') {
      // RFC 5589 §6: the transferor ends its call once the transfer succeeded.
      await this.#control.terminate('transferred');
    } else {
      await this.#revert(before);
    }
    return result;
  }

  #attendedReferTo(other: Session): string {
    if (other === this.#session) throw new InvalidStateError('transfer: a session cannot replace itself');
    const od = other.dialog;
    if (od === undefined || od.state !== 'confirmed') throw new InvalidStateError('transfer: the other session is not connected');
    return referToWithReplaces(od.remoteTarget, replacesForPeer(od));
  }

  async #revert(before: SessionState): Promise<void> {
    const machine = this.#control.machine;
    await this.#control.enqueue(() => {
      if (machine.state === SessionState.Transferring) machine.transition(before, 'transfer-failed');
    });
  }

  async #refer(dialog: Dialog, referTo: string, attended: boolean, timeoutMs: number): Promise<TransferResult> {
    const result = (outcome: TransferResult['outcome'], status: number, reason: string): TransferResult =>
      Object.freeze({ outcome, status, reason, attended });
    let settle!: (f: FinalNotify) => void;
    const final = new Promise<FinalNotify>((resolve) => { settle = resolve; });
    const clock = this.#control.ctx.clock;
    const sent = sendRefer(dialog, referTo, `<${this.#session.localIdentity.uri}>`);
    const run: ReferRun = {
      cseq: dialog.localSeq ?? 0,
      onNotify: (n) => {
        const frag = n.fragment;
        if (frag !== undefined && frag.status < 200) this.#emit(Object.freeze({ type: 'progress', status: frag.status, reason: frag.reason }));
        if (frag !== undefined && frag.status >= 200) settle(frag);
        else if (n.terminated) settle('subscription-ended');
      },
    };
    this.#run = run;
    const timer = { handle: undefined as ReturnType<typeof clock.setTimeout> | undefined };
    const ended = (): void => settle('call-ended');
    dialog.once('terminated', ended);
    try {
      const res = await sent;
      debug('%s: REFER answered %d', this.#session.logLabel, res.status);
      if (res.status >= 300) {
        this.#emit(Object.freeze({ type: 'failed', status: res.status, reason: res.reason }));
        return result('failed', res.status, res.reason);
      }
      this.#emit(Object.freeze({ type: 'accepted', status: res.status, reason: res.reason }));
      timer.handle = clock.setTimeout(() => settle('timeout'), timeoutMs);
      const f = await final;
      if (typeof f === 'string') {
        debug('%s: transfer ended without a final NOTIFY (%s)', this.#session.logLabel, f);
        return result('accepted', res.status, res.reason);
      }
      const ok = f.status < 300;
      this.#emit(Object.freeze({ type: ok ? 'succeeded' : 'failed', status: f.status, reason: f.reason }));
      return result(ok ? 'succeeded' : 'failed', f.status, f.reason);
    } finally {
      if (timer.handle !== undefined) clock.clearTimeout(timer.handle);
      dialog.off('terminated', ended);
      if (this.#run === run) this.#run = undefined;
    }
  }

  #onNotify(request: IncomingRequest): void {
    let n: ReferNotification | undefined;
    try {
      n = readReferNotify(request.request);
    } catch (err) {
      request.respond(400, { reason: `Bad Request - ${(err as Error).message}`.slice(0, 120) });
      return;
    }
    if (n === undefined) {
      request.respond(489, { reason: 'Bad Event' });
      return;
    }
    const run = this.#run;
    // A NOTIFY for no transfer of ours (a late one after a timeout, another REFER's) is answered
    // 200 and ignored: RFC 6665 would have 481, but a 481 inside the call's dialog ends the whole
    // call at many peers (RFC 5057 §5.2 is not universal).
    request.respond(200);
    if (run === undefined || (n.id !== undefined && n.id !== String(run.cseq))) {
      debug('%s: NOTIFY for no transfer of ours (id %s): ignored', this.#session.logLabel, n.id ?? '-');
      return;
    }
    run.onNotify(n);
  }

  // ------------------------------------------------------------ transferee

  #onRefer(request: IncomingRequest, dialog: Dialog): void {
    let details: ReferDetails;
    try {
      details = readRefer(request.request);
    } catch (err) {
      request.respond(400, { reason: `Bad Request - ${(err as Error).message}`.slice(0, 120) });
      return;
    }
    const port = this.#control.ctx.transfers;
    if (port === undefined) {
      request.respond(501, { reason: 'Not Implemented - no transfer support' });
      return;
    }
    if (this.#control.machine.isEnding) {
      request.respond(481);
      return;
    }
    if (this.#carrying) {
      request.respond(491, { reason: 'Request Pending - a transfer is in progress' });
      return;
    }
    this.#carrying = true;
    const info: TransferRequestInfo = Object.freeze({
      target: details.target.toString(),
      referredBy: details.referredBy?.toString(),
      attended: details.replaces !== undefined,
      headers: headersOf(request),
    });
    this.#carry(port, request, dialog, details, info).catch((err: unknown) => {
      debug('%s: transfer handling failed: %O', this.#session.logLabel, err);
      this.#control.report(err);
    }).finally(() => { this.#carrying = false; });
  }

  async #carry(port: TransferPort, request: IncomingRequest, dialog: Dialog, details: ReferDetails, info: TransferRequestInfo): Promise<void> {
    let decision: TransferDecision;
    try {
      decision = await port.decide(this.#session, info);
    } catch (err) {
      this.#control.report(err);
      decision = { accept: false, status: 500 };
    }
    if (!decision.accept) {
      request.respond(decision.status, decision.reason === undefined ? {} : { reason: decision.reason });
      return;
    }
    const referCSeq = request.request.cseq.seq;
    request.respond(202);
    const notify = async (status: number, reason: string, final: boolean): Promise<void> => {
      if (dialog.state === 'terminated') return;
      try {
        const res = await sendReferNotify(dialog, { referCSeq, status, reason, final });
        if (res.status >= 300) debug('%s: NOTIFY %d answered %d', this.#session.logLabel, status, res.status);
      } catch (err) {
        debug('%s: NOTIFY %d not sent: %O', this.#session.logLabel, status, err);
      }
    };
    // RFC 3515 §2.4.4: the first NOTIFY follows the 202 at once.
    await notify(100, 'Trying', false);
    let child: Session;
    try {
      child = await port.place(this.#session, details);
    } catch (err) {
      const status = err instanceof CallFailedError && err.status !== undefined ? err.status : 503;
      await notify(status, reasonPhrase(status), true);
      return;
    }
    const onProgress = (status: number, reason: string): void => { void notify(status, reason, false); };
    child.on('progress', onProgress);
    try {
      await child.answered();
    } catch (err) {
      const status = err instanceof CallFailedError && err.status !== undefined ? err.status : 487;
      await notify(status, reasonPhrase(status), true);
      return;
    } finally {
      child.off('progress', onProgress);
    }
    await notify(200, 'OK', true);
    // The new call is up: this one is over. The transferor usually hangs up on the final NOTIFY
    // (RFC 5589 §6); give its BYE a moment so the two BYEs do not cross, then send ours.
    const clock = this.#control.ctx.clock;
    let timer: ReturnType<typeof clock.setTimeout> | undefined;
    await Promise.race([
      this.#session.finished,
      new Promise<void>((resolve) => { timer = clock.setTimeout(resolve, TRANSFEREE_BYE_GRACE_MS); }),
    ]);
    if (timer !== undefined) clock.clearTimeout(timer);
    await this.#control.terminate('transferred');
  }
}
