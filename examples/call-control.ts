/**
 * A reception desk: it answers the first call, puts the caller on hold with music, takes them off
 * hold, then hands them on to `transferTo`:
 * - `blind` (default): `session.transfer(uri)`, a REFER (RFC 3515); the caller's phone calls the
 *   target itself, and the desk's call ends when that call is answered;
 * - `attended`: the desk calls the target first (a consultation call, the caller on hold), then
 *   `session.transfer(consultation)`, a REFER with Replaces (RFC 3891): the caller's new call
 *   replaces the consultation call, and both of the desk's calls end.
 * Progress arrives as `transfer` events and the result as the promise's value. The desk also
 * shows the other side: `onTransferRequest` sees transfers asked of it (accepted here).
 *
 *   npx tsx examples/call-control.ts sip:carol@127.0.0.1:5080 [blind|attended]
 */
import { SessionManager, ToneSource } from '../src/index.js';
import type { CallSession, EndReason, TransferResult } from '../src/index.js';
import { isEntryPoint, runMain } from './run-main.js';

/** Options of {@link main}. */
export interface CallControlOptions {
  /** Where callers are transferred, e.g. `sip:carol@127.0.0.1:5080`. */
  readonly transferTo: string;
  /** `blind` (REFER) or `attended` (consultation call, then REFER with Replaces). Default `blind`. */
  readonly mode?: 'blind' | 'attended';
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** How long the caller stays on hold, ms. Default 1000. */
  readonly holdMs?: number;
  /** Where to print progress. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** What happened to the first caller. */
export interface CallControlOutcome {
  /** The transfer's typed result. */
  readonly transfer: TransferResult;
  /** How the desk's call with the caller ended (`transferred` on success), or `undefined` if it goes on. */
  readonly endReason: EndReason | undefined;
}

/** The running desk. */
export interface CallControlDesk {
  readonly manager: SessionManager;
  /** Resolves once the first caller was handled. */
  readonly handled: Promise<CallControlOutcome>;
  /** Hang up what is left and close the manager. */
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Hold, resume, then transfer one caller. */
async function handleCaller(manager: SessionManager, caller: CallSession, o: CallControlOptions): Promise<CallControlOutcome> {
  const log = o.log ?? console.log;
  caller.on('transfer', (e) => log(`transfer ${e.type}: ${e.status} ${e.reason}`));
  await caller.hold();
  log(`${caller.remote.uri} on hold`);
  // Music on hold: we still send (a=sendonly), the caller only listens.
  void caller.play(new ToneSource({ frequency: 500, durationMs: o.holdMs ?? 1000 })).catch(() => undefined);
  await sleep(o.holdMs ?? 1000);
  await caller.resume();
  log(`${caller.remote.uri} resumed`);
  let transfer: TransferResult;
  if (o.mode === 'attended') {
    await caller.hold();
    const consultation = await manager.makeCall(o.transferTo);
    await consultation.answered();
    log(`consulting ${o.transferTo}`);
    await consultation.play(new ToneSource({ frequency: 700, durationMs: 300 }));
    transfer = await caller.transfer(consultation);
    if (transfer.outcome !== 'succeeded' && consultation.state === 'connected') await consultation.hangup();
  } else {
    transfer = await caller.transfer(o.transferTo);
  }
  log(`transfer ${transfer.outcome} (${transfer.status} ${transfer.reason})`);
  return { transfer, endReason: caller.state === 'terminated' ? caller.endReason : undefined };
}

/** Start the desk; the first incoming call is held, resumed and transferred. */
export async function main(options: CallControlOptions): Promise<CallControlDesk> {
  const log = options.log ?? console.log;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5060 } });
  let first = true;
  let settle!: (outcome: Promise<CallControlOutcome>) => void;
  const handled = new Promise<CallControlOutcome>((resolve) => { settle = resolve; });
  manager.setCallHandler({
    onIncomingCall: (call) => call.answer(),
    onCallEstablished: (session) => {
      if (!first || session.direction !== 'incoming') return;
      first = false;
      // Not awaited: the handler returns at once, so this call's other events are not held up.
      settle(handleCaller(manager, session, options));
    },
    onTransferRequest: (session, request) => {
      log(`${session.remote.uri} asks us to call ${request.target}${request.attended ? ' (attended)' : ''}: accepted`);
    },
  });
  log(`desk listening on ${manager.uri('desk')}`);
  return {
    manager,
    handled,
    close: () => manager.close(),
  };
}

if (isEntryPoint(import.meta.url)) {
  const [transferTo, mode] = process.argv.slice(2);
  if (transferTo === undefined || (mode !== undefined && mode !== 'blind' && mode !== 'attended')) {
    console.error('usage: call-control <sip:transfer-target> [blind|attended]');
    process.exitCode = 2;
  } else {
    runMain(async () => {
      const desk = await main({ transferTo, ...(mode === undefined ? {} : { mode }) });
      const outcome = await desk.handled;
      console.log(`first caller: ${outcome.transfer.outcome}`);
      await desk.close();
    });
  }
}
