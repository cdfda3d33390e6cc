/**
 * Many concurrent calls from one manager: place `calls` calls at once, let each
 * play a tone for a while, hang them all up and summarise.
 *
 *   npx tsx examples/multi-line.ts sip:ivr@127.0.0.1:5060 20
 */
import { SessionManager, ToneSource } from '../src/index.js';
import type { CallCounters } from '../src/index.js';
import { isEntryPoint, runMain } from './run-main.js';

/** Options of {@link main}. */
export interface MultiLineOptions {
  /** Whom to call. */
  readonly target: string;
  /** How many calls at once. Default 10. */
  readonly calls?: number;
  /** How long each answered call lasts. Default 1000 ms. */
  readonly holdMs?: number;
  /** Where to print. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** The outcome. */
export interface MultiLineResult {
  /** Calls answered. */
  readonly answered: number;
  /** Calls not answered, by reason. */
  readonly failed: Readonly<Record<string, number>>;
  /** The manager's counters at the end. */
  readonly counters: CallCounters;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Place the calls and wait for all of them to end. */
export async function main(options: MultiLineOptions): Promise<MultiLineResult> {
  const log = options.log ?? console.log;
  const count = options.calls ?? 10;
  await using manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 } });

  const outcomes = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const session = await manager.makeCall(options.target, { headers: { 'X-Line': String(i + 1) }, timeoutMs: 10_000 });
      try {
        await session.answered();
      } catch {
        return session.endReason ?? 'error';
      }
      // Each line gets its own tone so the lines are told apart in a recording.
      void session.play(new ToneSource({ frequency: 300 + 20 * i })).catch(() => undefined);
      await delay(options.holdMs ?? 1000);
      if (session.state === 'connected') await session.hangup();
      return 'answered';
    }),
  );

  const failed: Record<string, number> = {};
  for (const o of outcomes) if (o !== 'answered') failed[o] = (failed[o] ?? 0) + 1;
  const answered = outcomes.filter((o) => o === 'answered').length;
  log(`${answered}/${count} answered; failed: ${JSON.stringify(failed)}`);
  return { answered, failed, counters: manager.counters };
}

if (isEntryPoint(import.meta.url)) {
  const [target, calls] = process.argv.slice(2);
  if (target === undefined) {
    console.error('usage: multi-line <sip:target> [calls]');
    process.exitCode = 2;
  } else {
    runMain(() => main({ target, calls: Number(calls ?? 10) }));
  }
}
