/**
 * Make a call, play a WAV file to the far end, hang up.
 *
 *   npx tsx examples/simple-client.ts sip:bob@127.0.0.1:5060 greeting.wav
 */
import { CallFailedError, SessionManager, ToneSource } from '../src/index.js';
import type { CallStats, EndReason } from '../src/index.js';
import { isEntryPoint, runMain } from './run-main.js';

/** Options of {@link main}. */
export interface SimpleClientOptions {
  /** Whom to call, e.g. `sip:bob@127.0.0.1:5060`. */
  readonly target: string;
  /** WAV file to play; without one, a one-second 440 Hz tone. */
  readonly wavPath?: string;
  /** Give up when nobody answers within this time. Default 15000 ms. */
  readonly answerTimeoutMs?: number;
  /** Where to print progress. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** What happened to the call. */
export interface SimpleClientResult {
  /** Whether the far end answered. */
  readonly answered: boolean;
  /** Why the call ended. */
  readonly endReason: EndReason;
  /** Statistics at the end of the call. */
  readonly stats: CallStats;
}

/** Call, play, hang up. */
export async function main(options: SimpleClientOptions): Promise<SimpleClientResult> {
  const log = options.log ?? console.log;
  // Port 0: any free port; this side only calls out.
  await using manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 } });
  const session = await manager.makeCall(options.target, { timeoutMs: options.answerTimeoutMs ?? 15_000 });
  log(`calling ${options.target}`);
  try {
    await session.answered();
  } catch (err) {
    if (!(err instanceof CallFailedError)) throw err;
    log(`not answered: ${err.reason}${err.status === undefined ? '' : ` (${err.status})`}`);
    return { answered: false, endReason: err.reason, stats: session.stats() };
  }
  log('answered, playing');
  await session.play(options.wavPath ?? new ToneSource({ frequency: 440, durationMs: 1000 }));
  const stats = session.stats();
  if (session.state === 'connected') await session.hangup();
  const endReason = await session.ended();
  log(`ended: ${endReason}; sent ${stats.packetsSent} RTP packets`);
  return { answered: true, endReason, stats };
}

if (isEntryPoint(import.meta.url)) {
  const [target, wavPath] = process.argv.slice(2);
  if (target === undefined) {
    console.error('usage: simple-client <sip:target> [file.wav]');
    process.exitCode = 2;
  } else {
    runMain(() => main({ target, ...(wavPath === undefined ? {} : { wavPath }) }));
  }
}
