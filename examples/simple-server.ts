/**
 * The three-line auto-answer server: every call is answered (with silence) and
 * cleaned up when the caller hangs up.
 *
 *   npx tsx examples/simple-server.ts            # 127.0.0.1:5060
 */
import { SessionManager } from '../src/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface SimpleServerOptions {
  /** Address to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
}

/** Start the server; the caller closes the returned manager. */
export async function main(options: SimpleServerOptions = {}): Promise<SessionManager> {
  // The three lines:
  const manager = await SessionManager.new({ sip: { host: options.host ?? '127.0.0.1', port: options.port ?? 5060 } });
  manager.setCallHandler({ onIncomingCall: (call) => call.answer() });
  return manager;
}

if (isEntryPoint(import.meta.url)) {
  runMain(async () => {
    const manager = await main();
    console.log(`answering calls at ${manager.uri()} (Ctrl-C to stop)`);
    await untilSignal();
    await manager.close();
  });
}
