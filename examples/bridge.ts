/**
 * Two calls joined: call two parties and bridge them so that they talk to each other. Both on
 * the same codec: RTP is relayed without decoding; different codecs: transcoded.
 *
 *   npx tsx examples/bridge.ts sip:alice@127.0.0.1:5070 sip:bob@127.0.0.1:5080
 */
import { SessionManager } from '../src/index.js';
import { createBridge } from '../src/advanced/index.js';
import type { BridgeCounters, BridgeState } from '../src/advanced/index.js';
import { isEntryPoint, runMain } from './run-main.js';

/** Options of {@link main}. */
export interface BridgeExampleOptions {
  /** The two parties to join. */
  readonly targets: readonly [string, string];
  /** How long they talk before we hang up; default: until one of them hangs up. */
  readonly talkMs?: number;
  /** Where to print. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** What happened. */
export interface BridgeExampleResult {
  /** What the bridge did while both were in it (`relay` or `transcode`). */
  readonly mode: BridgeState;
  /** Packets relayed and transcoded, DTMF digits forwarded. */
  readonly counters: BridgeCounters;
}

/** Call both targets, bridge them, and end both calls when one ends (or after `talkMs`). */
export async function main(options: BridgeExampleOptions): Promise<BridgeExampleResult> {
  const log = options.log ?? console.log;
  await using manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 } });
  const bridge = createBridge(manager, { destroyWhenEmpty: true });
  let mode: BridgeState = 'idle';
  bridge.on('state', (state) => {
    log(`bridge: ${state}`);
    if (state === 'relay' || state === 'transcode') mode = state;
  });
  bridge.on('session-removed', (session, reason) => log(`${session.remote.uri} left the bridge (${reason})`));

  // Place both calls at once; each joins the bridge right away and is heard once answered.
  const [a, b] = await Promise.all(options.targets.map((t) => manager.makeCall(t, { timeoutMs: 30_000 })));
  bridge.add(a!);
  bridge.add(b!);
  await Promise.all([a!.answered(), b!.answered()]);
  log(`${a!.remote.uri} and ${b!.remote.uri} are talking`);

  // When one of them hangs up (or after talkMs), hang up the other one.
  const timer = options.talkMs === undefined ? undefined : new Promise<void>((r) => setTimeout(r, options.talkMs));
  await Promise.race([a!.ended(), b!.ended(), ...(timer === undefined ? [] : [timer])]);
  const counters = bridge.counters;
  for (const s of [a!, b!]) if (s.state !== 'terminated' && s.state !== 'terminating') await s.hangup();
  log(`relayed ${counters.relayedPackets} packets, transcoded ${counters.transcodedPackets}`);
  return { mode, counters };
}

if (isEntryPoint(import.meta.url)) {
  const [first, second] = process.argv.slice(2);
  if (first === undefined || second === undefined) {
    console.error('usage: bridge <sip:first> <sip:second>');
    process.exitCode = 2;
  } else {
    runMain(() => main({ targets: [first, second] }));
  }
}
