/**
 * A soak run (issue 9, "long runs"): two session engines on 127.0.0.1 place and answer calls
 * continuously, each call carrying a tone both ways for a moment, in phases. After each phase the
 * traffic drains and the retransmission timers run out, and then the heap (after full
 * collections), RSS, open sockets, armed timers, live transactions and sessions are measured in
 * the same quiet state, so phase after phase they must stay flat. Used by test/stress/soak.test.ts
 * (about 60 s) and by `npm run bench soak` (30 minutes).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ToneSource } from '../../src/media/index.js';
import type { Session, SessionEngine } from '../../src/session/index.js';
import { engineClocks, startEngine, until } from '../unit/session/engine-harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What is measured at the end of each phase, in the quiet state. */
export interface SoakSample {
  /** Seconds since the start of the run. */
  readonly at: number;
  /** Calls completed so far (answered, with audio, hung up). */
  readonly calls: number;
  /** Calls that failed so far. */
  readonly failures: number;
  /** Why the first few failed. */
  readonly failureReasons: readonly string[];
  readonly heapBytes: number;
  readonly rssBytes: number;
  /** UDP and TCP handles of the process. */
  readonly sockets: number;
  /** Timers the engines' clocks have armed. */
  readonly timers: number;
  /** Pending and lingering transactions of both engines. */
  readonly transactions: number;
  readonly sessions: number;
}

/** Options of {@link soak}. */
export interface SoakOptions {
  /** Calls up at once. */
  readonly concurrency: number;
  /** How long each call lasts once answered, ms. */
  readonly callMs: number;
  /** Length of each phase of traffic, ms. */
  readonly phaseMs: number;
  /** Number of phases; the first is the warm-up. */
  readonly phases: number;
  /** RTP port base (two ranges of 1000 from here). */
  readonly portBase: number;
  /** Told of each sample. */
  readonly onSample?: (s: SoakSample) => void;
}

function sockets(): number {
  return process.getActiveResourcesInfo().filter((k) => k === 'UDPWRAP' || k.startsWith('TCP')).length;
}

async function heap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 30));
  }
  return process.memoryUsage().heapUsed;
}

/** Run the soak; resolves with one sample per phase. */
export async function soak(o: SoakOptions): Promise<SoakSample[]> {
  const timers = { T1: 100, T2: 800, T4: 1000 };
  const callee = await startEngine(o.portBase, { timers, limits: { maxSessions: o.concurrency * 4 } });
  const caller = await startEngine(o.portBase + 1000, { timers, limits: { maxSessions: o.concurrency * 4 } });
  const engines: SessionEngine[] = [callee, caller];
  callee.setIncomingSessionHandler(async (s: Session) => {
    await s.answer();
    s.play(new ToneSource({ frequency: 440 })).catch(() => undefined);
  });
  const started = Date.now();
  let calls = 0;
  let failures = 0;
  const failureReasons: string[] = [];
  const samples: SoakSample[] = [];
  const oneCall = async (): Promise<void> => {
    const s = await caller.call({ target: callee.uriFor('soak') });
    try {
      await s.answered();
      s.play(new ToneSource({ frequency: 880 })).catch(() => undefined);
      await new Promise((r) => setTimeout(r, o.callMs));
      // On a busy machine the first packet may lag the answer: allow it two more seconds.
      await until(() => (s.stats()?.packetsIn ?? 0) > 0, 2000, 'audio on the call').catch(() => { throw new Error('no audio arrived'); });
      await s.hangup();
      calls++;
    } catch (err) {
      failures++;
      if (failureReasons.length < 5) failureReasons.push(`${String(err)} (state ${s.state}, end ${JSON.stringify(s.end)})`);
      await s.hangup().catch(() => undefined);
    }
    await s.finished;
  };
  try {
    for (let phase = 0; phase < o.phases; phase++) {
      const end = Date.now() + o.phaseMs;
      await Promise.all(Array.from({ length: o.concurrency }, async () => {
        while (Date.now() < end) await oneCall();
      }));
      // Quiet: every session gone, every transaction past Timer J/K, every engine timer done.
      await until(() => engines.every((e) => e.sessions().length === 0
        && e.transactions.counters.pendingTransactions + e.transactions.counters.lingeringTransactions === 0
        && (engineClocks.get(e)?.live ?? 0) === 0), 30_000, 'the engines to go quiet');
      const sample: SoakSample = {
        at: (Date.now() - started) / 1000, calls, failures, failureReasons: [...failureReasons],
        heapBytes: await heap(), rssBytes: process.memoryUsage().rss, sockets: sockets(),
        timers: engines.reduce((n, e) => n + (engineClocks.get(e)?.live ?? 0), 0),
        transactions: engines.reduce((n, e) => n + e.transactions.counters.pendingTransactions + e.transactions.counters.lingeringTransactions, 0),
        sessions: engines.reduce((n, e) => n + e.sessions().length, 0),
      };
      samples.push(sample);
      o.onSample?.(sample);
    }
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
  return samples;
}

/** Least-squares slope of `ys` over `xs` (units of y per unit of x). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
