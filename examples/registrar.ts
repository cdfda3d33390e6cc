/**
 * A tiny PBX: phones register (with digest authentication) to `sip:<user>@<domain>` and call
 * each other by address-of-record. Calls to this server are passed on to the registered
 * contact of the user called (a back-to-back agent over the registrar's location service).
 *
 *   npx tsx examples/registrar.ts pbx.example       # listens on 127.0.0.1:5060
 *   # phone account: <sip:alice@pbx.example>;auth_pass=alice-pw;outbound="sip:127.0.0.1:5060"
 */
import { SessionManager } from '../src/index.js';
import { createB2bua, createRegistrar } from '../src/advanced/index.js';
import type { Registrar } from '../src/advanced/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface RegistrarExampleOptions {
  /** The domain of the addresses phones register (`pbx.example`). */
  readonly domain: string;
  /** Users and their passwords. */
  readonly users: Readonly<Record<string, string>>;
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** Where to print. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Start the PBX; the caller closes the returned manager. */
export async function main(options: RegistrarExampleOptions): Promise<{ manager: SessionManager; registrar: Registrar }> {
  const log = options.log ?? console.log;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5060 } });
  const registrar = createRegistrar(manager, {
    domain: options.domain,
    // Unknown users get exactly the answer a wrong password gets; failures are rate limited per source.
    authenticate: { lookup: (user) => options.users[user] },
  });
  registrar.on('registered', (b) => log(`${b.aor} is at ${b.contact}`));
  registrar.on('unregistered', (aor, contact) => log(`${aor} left ${contact}`));
  // A call to sip:bob@<domain> goes to where bob registered (the registrar resolves makeCall targets).
  createB2bua(manager, { target: (call) => call.callee.uri });
  return { manager, registrar };
}

if (isEntryPoint(import.meta.url)) {
  const [domain] = process.argv.slice(2);
  if (domain === undefined) {
    console.error('usage: registrar <domain>   (users alice/alice-pw and bob/bob-pw)');
    process.exitCode = 2;
  } else {
    runMain(async () => {
      const { manager } = await main({ domain, users: { alice: 'alice-pw', bob: 'bob-pw' } });
      console.log(`registrar for ${domain} on ${manager.uri('any')} (Ctrl-C to stop)`);
      await untilSignal();
      await manager.close();
    });
  }
}
