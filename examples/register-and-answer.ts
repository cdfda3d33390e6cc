/**
 * A softphone that registers to a PBX or SIP provider and answers every call with a tone:
 * digest authentication, refresh before expiry and re-registration after failures are done by
 * `manager.register()`.
 *
 *   npx tsx examples/register-and-answer.ts sip:pbx.example.com sip:alice@example.com alice s3cret
 */
import { SessionManager, ToneSource } from '../src/index.js';
import type { Registration } from '../src/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface RegisterAndAnswerOptions {
  /** Registrar URI (`sip:pbx.example.com`, `sip:127.0.0.1:5060`). */
  readonly registrar: string;
  /** Our address-of-record (`sip:alice@example.com`). */
  readonly aor: string;
  /** Digest user name and password. */
  readonly username: string;
  readonly password: string;
  /** Seconds to ask for (default 600). */
  readonly expires?: number;
  /** SIP port, 0 for any (default 5070). */
  readonly port?: number;
  /** Where to print. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Start the phone; the caller closes the returned manager (which also unregisters). */
export async function main(options: RegisterAndAnswerOptions): Promise<{ manager: SessionManager; registration: Registration }> {
  const log = options.log ?? console.log;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5070 } });
  manager.setCallHandler({
    async onIncomingCall(call) {
      log(`call from ${call.caller.uri} to ${call.callee.uri}`);
      const session = await call.answer();
      void session.play(new ToneSource({ frequency: 440, durationMs: 3000 })).catch(() => undefined);
    },
    onCallEnded(session, reason) {
      log(`call ${session.id} ended: ${reason}`);
    },
  });
  const registration = manager.register({
    registrar: options.registrar,
    aor: options.aor,
    username: options.username,
    password: options.password,
    expires: options.expires ?? 600,
  });
  registration.on('registered', ({ expires }) => log(`registered ${registration.aor} for ${expires} s`));
  registration.on('failed', ({ status, reason, retryInMs }) => log(`registration failed: ${status} ${reason}, retry in ${retryInMs ?? '?'} ms`));
  registration.on('unregistered', ({ status }) => log(`unregistered (${status})`));
  return { manager, registration };
}

if (isEntryPoint(import.meta.url)) {
  const [registrar, aor, username, password] = process.argv.slice(2);
  if (registrar === undefined || aor === undefined || username === undefined || password === undefined) {
    console.error('usage: register-and-answer <sip:registrar> <sip:aor> <username> <password>');
    process.exitCode = 2;
  } else {
    runMain(async () => {
      const { manager } = await main({ registrar, aor, username, password });
      await untilSignal();
      await manager.close();
    });
  }
}
