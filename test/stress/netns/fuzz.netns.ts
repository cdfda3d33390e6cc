/**
 * Runs INSIDE a network namespace (see ../fuzz-netns.test.ts): a session engine on
 * 127.0.0.1:5090 (UDP and TCP) takes SIPLINE_FUZZ_COUNT mutated SIP messages (default 100,000;
 * seeded by SIPLINE_FUZZ_SEED), about four in five over UDP and the rest over TCP connections that
 * are reopened whenever the server drops one for bad framing. Then: no exception escaped, every
 * transaction and session wound down, the heap after a full collection is where it was after the
 * warm-up, and a normal call still connects. SIPLINE_FUZZ_REPORT names a JSON file for the figures.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Session, SessionEngine } from '../../../src/session/index.js';
import { startEngine, until } from '../../unit/session/engine-harness.js';
import { SeededRandom, loadCorpus, mutatedMessage } from '../fuzz-corpus.js';

const inNamespace = process.env.SIPLINE_NETNS_CHILD !== undefined;
const COUNT = Number(process.env.SIPLINE_FUZZ_COUNT ?? 100_000);
const SEED = Number(process.env.SIPLINE_FUZZ_SEED ?? 4475);
const PORT = 5090;
const gc = (globalThis as { gc?: () => void }).gc;

const engines: SessionEngine[] = [];
afterAll(async () => { await Promise.all(engines.map((e) => e.close())); });

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Heap after full collections, in bytes. */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}

interface Sent { udp: number; tcp: number; tcpConnections: number }

/** Send `count` messages of the stream, starting at index `from`. */
async function blast(engine: SessionEngine, corpus: readonly Buffer[], r: SeededRandom, from: number, count: number): Promise<Sent> {
  const udp = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(5061, '127.0.0.1', resolve));
  const sent: Sent = { udp: 0, tcp: 0, tcpConnections: 0 };
  let tcp: Socket | undefined;
  const openTcp = async (): Promise<Socket> => {
    const s = connect(PORT, '127.0.0.1');
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    await new Promise<void>((resolve) => { s.once('connect', resolve); s.once('close', () => resolve()); });
    sent.tcpConnections++;
    return s;
  };
  const processed = (): number => engine.transport.counters.messagesIn + engine.transport.counters.parseFailures;
  const base = processed();
  for (let i = from; i < from + count; i++) {
    const msg = mutatedMessage(corpus, r, i);
    if (r.int(5) === 0) {
      if (tcp === undefined || tcp.destroyed || !tcp.writable) tcp = await openTcp();
      if (!tcp.write(msg)) await new Promise<void>((resolve) => { tcp!.once('drain', resolve); tcp!.once('close', () => resolve()); });
      sent.tcp++;
    } else {
      udp.send(msg, PORT, '127.0.0.1');
      sent.udp++;
    }
    // Let the server keep up (it shares this process): every 64 messages, yield until the
    // datagrams sent so far are mostly processed, or 50 ms passed (then the kernel dropped some).
    if ((i & 63) === 63) {
      const deadline = Date.now() + 50;
      while (processed() - base < sent.udp - 64 && Date.now() < deadline) await tick();
      await tick();
    }
  }
  tcp?.destroy();
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  return sent;
}

describe.runIf(inNamespace)('fuzzing a running server with mutated SIP messages', () => {
  it(`survives ${COUNT} mutated messages over UDP and TCP and still takes a normal call`, async () => {
    const escaped: unknown[] = [];
    const onEscape = (err: unknown): void => { escaped.push(err); };
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);

    const target = await startEngine(30_000, {
      sip: { port: PORT },
      timers: { T1: 50, T2: 400, T4: 500 },
      limits: { maxSessions: 50 },
    });
    const caller = await startEngine(32_000);
    engines.push(target, caller);
    const reported: unknown[] = [];
    target.on('error', (err) => reported.push(err));
    let decided = 0;
    target.setIncomingSessionHandler(async (s: Session) => {
      decided++;
      if (s.remoteIdentity.uri.includes('caller')) return s.answer();
      // Answer one fuzzed call in eight so 2xx/ACK, media set-up and Timer H run too.
      return decided % 8 === 0 ? s.answer() : s.reject(486);
    });

    const corpus = loadCorpus(PORT);
    const r = new SeededRandom(SEED);
    const warmup = Math.min(20_000, Math.max(2_000, Math.floor(COUNT / 10)));
    const quiet = async (): Promise<void> => {
      const state = (): string => JSON.stringify({
        sessions: target.sessions().map((s) => `${s.state}/${s.direction}`),
        pending: target.transactions.counters.pendingTransactions,
        lingering: target.transactions.counters.lingeringTransactions,
        tcp: target.transport.counters.tcpConnections,
      });
      try {
        await until(() => target.sessions().length === 0
          && target.transactions.counters.pendingTransactions === 0
          && target.transactions.counters.lingeringTransactions === 0
          && target.transport.counters.tcpConnections === 0, 30_000, 'the target to wind down');
      } catch (err) {
        throw new Error(`${(err as Error).message}: ${state()}`);
      }
    };

    const t0 = Date.now();
    await blast(target, corpus, r, 0, warmup);
    await quiet();
    const heapBefore = await settledHeap();
    const sent = await blast(target, corpus, r, warmup, COUNT);
    const sendMs = Date.now() - t0;
    await quiet();
    const heapAfter = await settledHeap();

    // A normal call still connects and ends cleanly.
    const call = await caller.call({ target: `sip:caller-test@127.0.0.1:${PORT}`, from: 'sip:caller@127.0.0.1' });
    await call.answered();
    await call.hangup();
    await call.finished;

    const tc = target.transport.counters;
    const figures = {
      seed: SEED, messages: COUNT + warmup, udp: sent.udp, tcp: sent.tcp, tcpConnections: sent.tcpConnections,
      parsed: tc.messagesIn, parseFailures: tc.parseFailures, badRequestsAnswered: tc.badRequestsAnswered,
      callsIn: target.counters.callsIn, answered: target.counters.answered, ms: sendMs,
      heapBeforeMiB: +(heapBefore / 2 ** 20).toFixed(2), heapAfterMiB: +(heapAfter / 2 ** 20).toFixed(2),
      reportedErrors: reported.length,
    };
    process.stdout.write(`FUZZ ${JSON.stringify(figures)}\n`);
    if (process.env.SIPLINE_FUZZ_REPORT) writeFileSync(process.env.SIPLINE_FUZZ_REPORT, JSON.stringify(figures, null, 2));

    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
    expect(escaped, 'exceptions escaped the stack').toEqual([]);
    // Errors the engine reported must be ours (typed), never a TypeError or RangeError from a bug.
    for (const err of reported) expect((err as { code?: unknown }).code, String(err)).toMatch(/^ERR_/);
    expect(gc, 'run with --expose-gc').toBeTypeOf('function');
    // The stream really reached the parser: most datagrams were read (the kernel may drop some when the
    // sender, in this same process, outruns the server), many were refused and many parsed.
    expect(tc.messagesIn + tc.parseFailures, 'messages read by the server').toBeGreaterThan(0.5 * (COUNT + warmup));
    expect(tc.parseFailures).toBeGreaterThan(COUNT / 20);
    expect(tc.messagesIn).toBeGreaterThan(COUNT / 10);
    expect(target.counters.callsIn).toBeGreaterThan(0);
    // Flat memory: within 8 MiB of the post-warm-up heap whatever the count.
    expect(heapAfter - heapBefore).toBeLessThan(8 * 2 ** 20);
  });
});
