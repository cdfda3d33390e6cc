/**
 * A transparent back-to-back agent: every call to this server is passed on to one target (a
 * desk phone, a PBX); ringing and the final status (busy, declined, ...) go back to the caller,
 * the answer bridges the two calls, and when either side hangs up, both calls end.
 *
 *   npx tsx examples/b2bua.ts sip:desk@127.0.0.1:5070     # listens on 127.0.0.1:5060
 */
import { SessionManager } from '../src/index.js';
import { createB2bua } from '../src/advanced/index.js';
import type { B2bua } from '../src/advanced/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface B2buaExampleOptions {
  /** Where every call goes. */
  readonly target: string;
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** Where to print. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Start the agent; the caller closes the returned manager. */
export async function main(options: B2buaExampleOptions): Promise<{ manager: SessionManager; b2bua: B2bua }> {
  const log = options.log ?? console.log;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5060 } });
  const b2bua = createB2bua(manager, { target: options.target });
  b2bua.on('call', (call) => log(`call from ${call.aLeg.remote.uri}`));
  b2bua.on('progress', (call, status) => log(`${call.id}: target answered ${status}`));
  b2bua.on('bridged', (call) => log(`${call.id}: bridged to ${call.target ?? '?'} (${call.bridge?.state ?? '?'})`));
  b2bua.on('failed', (call, status) => log(`${call.id}: target failed, caller gets ${status}`));
  b2bua.on('ended', (call) => log(`${call.id}: both legs ended`));
  return { manager, b2bua };
}

if (isEntryPoint(import.meta.url)) {
  const [target] = process.argv.slice(2);
  if (target === undefined) {
    console.error('usage: b2bua <sip:target>');
    process.exitCode = 2;
  } else {
    runMain(async () => {
      const { manager } = await main({ target });
      console.log(`passing calls to ${manager.uri('any')} on to ${target} (Ctrl-C to stop)`);
      await untilSignal();
      await manager.close();
    });
  }
}
