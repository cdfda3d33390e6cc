/**
 * Accept or reject calls by caller: callers on the allow list are answered with a
 * tone, known nuisance callers get 603 Decline, everyone else 486 Busy Here.
 *
 *   npx tsx examples/selective-handler.ts
 */
import { SessionManager, ToneSource } from '../src/index.js';
import type { IncomingCall } from '../src/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface SelectiveHandlerOptions {
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** Caller user parts to answer. Default `['alice']`. */
  readonly allow?: readonly string[];
  /** Caller user parts to decline. Default `['spam']`. */
  readonly block?: readonly string[];
  /** Where to print decisions. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** The user part of a SIP URI (`alice` of `sip:alice@example.com`). */
function userOf(uri: string): string {
  return /^sips?:([^@;]+)@/i.exec(uri)?.[1] ?? '';
}

/** Start the server; the caller closes the returned manager. */
export async function main(options: SelectiveHandlerOptions = {}): Promise<SessionManager> {
  const allow = new Set(options.allow ?? ['alice']);
  const block = new Set(options.block ?? ['spam']);
  const log = options.log ?? console.log;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5060 } });
  return manager.setCallHandler({
    async onIncomingCall(call: IncomingCall) {
      const user = userOf(call.caller.uri);
      if (block.has(user)) {
        log(`declining ${call.caller.uri}`);
        return call.reject(603);
      }
      if (!allow.has(user)) {
        log(`busy for ${call.caller.uri}`);
        return call.reject(486);
      }
      log(`answering ${call.caller.displayName ?? call.caller.uri}`);
      return call.answer({ play: new ToneSource({ frequency: 440 }) });
    },
    onCallEnded: (session, reason) => log(`${session.remote.uri}: ${reason}`),
  });
}

if (isEntryPoint(import.meta.url)) {
  runMain(async () => {
    const manager = await main();
    console.log(`screening calls at ${manager.uri()} (Ctrl-C to stop)`);
    await untilSignal();
    await manager.close();
  });
}
