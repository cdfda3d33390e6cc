/**
 * A dial-in conference room with a PIN: callers hear a short prompt tone, key the PIN followed by
 * `#` (RFC 4733 DTMF), and join the room; a wrong PIN gets a low tone and a hang-up. Everyone in
 * the room hears everyone else.
 *
 *   npx tsx examples/conference.ts 4711           # listens on 127.0.0.1:5060, PIN 4711
 */
import { SessionManager, ToneSource } from '../src/index.js';
import type { CallSession, DtmfEvent } from '../src/index.js';
import { createConference } from '../src/advanced/index.js';
import type { Conference } from '../src/advanced/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface ConferenceExampleOptions {
  /** The PIN callers must key (digits), then `#`. */
  readonly pin: string;
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** Most participants. Default 10. */
  readonly capacity?: number;
  /** How long a caller may take to key the PIN, ms. Default 15000. */
  readonly pinTimeoutMs?: number;
  /** Where to print. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Collect digits until `#` (or the timeout); resolves with the digits before `#`. */
function readPin(session: CallSession, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let digits = '';
    const done = (value: string | undefined): void => {
      clearTimeout(timer);
      session.off('dtmf', onDigit);
      resolve(value);
    };
    const onDigit = (e: DtmfEvent): void => {
      if (e.digit === '#') done(digits);
      else digits += e.digit;
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    session.on('dtmf', onDigit);
    void session.ended().then(() => done(undefined));
  });
}

/** Start the room; the caller closes the returned manager (and with it the room). */
export async function main(options: ConferenceExampleOptions): Promise<{ manager: SessionManager; room: Conference }> {
  const log = options.log ?? console.log;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5060 } });
  const room = createConference(manager, { id: 'dial-in', capacity: options.capacity ?? 10 });
  room.on('participant-joined', (p) => log(`${p.session.remote.uri} joined (${room.size} in the room)`));
  room.on('participant-left', (s, reason) => log(`${s.remote.uri} left: ${reason}`));
  room.on('talking', (s, talking) => { if (talking) log(`${s.remote.uri} is talking`); });

  manager.setCallHandler({
    async onIncomingCall(call) {
      const session = await call.answer({ play: new ToneSource({ frequency: 660, durationMs: 300 }) });
      const pin = await readPin(session, options.pinTimeoutMs ?? 15_000);
      if (session.state !== 'connected') return;
      if (pin !== options.pin) {
        log(`${session.remote.uri} keyed a wrong PIN`);
        await session.play(new ToneSource({ frequency: 300, durationMs: 500 })).catch(() => undefined);
        if (session.state === 'connected') await session.hangup();
        return;
      }
      try {
        room.join(session);
      } catch (err) {
        log(`${session.remote.uri} cannot join: ${(err as Error).message}`);
        await session.hangup();
      }
    },
  });
  return { manager, room };
}

if (isEntryPoint(import.meta.url)) {
  const [pin] = process.argv.slice(2);
  if (pin === undefined || !/^\d+$/.test(pin)) {
    console.error('usage: conference <pin digits>');
    process.exitCode = 2;
  } else {
    runMain(async () => {
      const { manager } = await main({ pin });
      console.log(`conference at ${manager.uri('conference')}, PIN ${pin} then # (Ctrl-C to stop)`);
      await untilSignal();
      await manager.close();
    });
  }
}
