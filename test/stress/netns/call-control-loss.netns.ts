/**
 * Runs INSIDE a network namespace whose nftables input hook drops SIPLINE_LOSS_PERCENT (10) of
 * the UDP datagrams to the SIP and RTP ports used here (see ../loss-netns.test.ts): call control
 * through loss, on three managers of ours, A (5070), B (5080) and C (5090).
 * - 10 calls A -> B each go on hold and back: B's audio stops reaching A while on hold (a=sendonly
 *   / recvonly, RFC 3264 §8.4) and starts again after the resume;
 * - 5 blind transfers (RFC 3515): A calls B, B transfers A to C, C answers, A and C hear each
 *   other, B's call ends.
 * Every re-INVITE, REFER and NOTIFY that the loss eats is retransmitted: the counters must move.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { dominantFrequency } from '../../../src/media/index.js';
import { ToneSource } from '../../../src/index.js';
import type { CallSession, SessionManager } from '../../../src/index.js';
import { engineOf } from '../../../src/api/index.js';
import { localManager } from '../../loopback/api-helpers.js';
import { until } from '../../unit/session/engine-harness.js';

const inNamespace = process.env.SIPLINE_NETNS_CHILD !== undefined;
const LOSS = Number(process.env.SIPLINE_LOSS_PERCENT ?? 10);
const HOLD_CALLS = 10;
const TRANSFERS = 5;

const managers: SessionManager[] = [];
afterAll(async () => { await Promise.all(managers.map((m) => m.close())); });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A manager on `port` of 127.0.0.1 with the RTP ports `[rtp, rtp + 599]` (all inside the loss rule). */
async function start(port: number, rtp: number): Promise<SessionManager> {
  const m = await localManager({ sip: { port, transports: ['UDP'] }, media: { portRange: { min: rtp, max: rtp + 599 } } });
  managers.push(m);
  return m;
}

/** The dominant frequency of what `session` hears over `ms` (its last three quarters). */
async function heard(session: CallSession, ms = 1000): Promise<number> {
  const frames: Int16Array[] = [];
  const readable = session.receiveAudio({ sampleRate: 8000 });
  readable.on('data', (f: Int16Array) => frames.push(f));
  await sleep(ms);
  readable.destroy();
  const n = frames.reduce((a, f) => a + f.length, 0);
  const all = new Int16Array(n);
  let o = 0;
  for (const f of frames) { all.set(f, o); o += f.length; }
  return n < 800 ? 0 : dominantFrequency(all.subarray(Math.floor(n / 4)), 8000, undefined, 10);
}

const received = (s: CallSession): number => s.stats().packetsReceived;

describe.runIf(inNamespace)(`call control through ${LOSS}% loss each way`, () => {
  it('holds and resumes 10 calls and completes 5 blind transfers, retransmitting', async () => {
    const [a, b, c] = [await start(5070, 20000), await start(5080, 20600), await start(5090, 21200)];
    const placed = new Set<CallSession>();
    const bCalls = new Map<string, CallSession>();
    const aTransferred = new Map<string, CallSession>();
    const cCalls = new Map<string, CallSession>();
    // B plays 440 Hz on every call, C 600 Hz; A plays 1000 Hz on the calls a transfer made.
    b.setCallHandler({ onCallEstablished: (s) => { bCalls.set(s.callId, s); void s.play(new ToneSource({ frequency: 440 })).catch(() => undefined); } });
    c.setCallHandler({ onCallEstablished: (s) => { cCalls.set(s.callId, s); void s.play(new ToneSource({ frequency: 600 })).catch(() => undefined); } });
    a.setCallHandler({
      onCallEstablished: (s) => {
        if (placed.has(s)) return;
        aTransferred.set(s.callId, s);
        void s.play(new ToneSource({ frequency: 1000 })).catch(() => undefined);
      },
    });

    const holds: { before: number; during: number; after: number; holdMs: number; resumeMs: number }[] = [];
    const holdOne = async (i: number): Promise<void> => {
      await sleep(i * 150);
      const call = await a.makeCall(b.uri(`hold${i}`));
      placed.add(call);
      await call.answered();
      await until(() => received(call) >= 20, 15_000, 'audio from B before hold');
      let t = performance.now();
      await call.hold();
      const holdMs = performance.now() - t;
      expect(call.state).toBe('on-hold');
      // Packets already on the way arrive within a few ms; after that B sends nothing.
      await sleep(300);
      const before = received(call);
      await sleep(1500);
      const during = received(call) - before;
      t = performance.now();
      await call.resume();
      const resumeMs = performance.now() - t;
      expect(call.state).toBe('connected');
      const resumedAt = received(call);
      await until(() => received(call) >= resumedAt + 20, 15_000, 'audio from B after resume');
      holds.push({ before, during, after: received(call) - resumedAt, holdMs: Math.round(holdMs), resumeMs: Math.round(resumeMs) });
      await call.hangup();
    };

    const transfers: { outcome: string; status: number; atA: number; atC: number; bEnded: string | undefined }[] = [];
    const claimed = new Set<string>();
    const transferOne = async (i: number): Promise<void> => {
      await sleep(200 + i * 400);
      const aToB = await a.makeCall(b.uri(`xfer${i}`));
      placed.add(aToB);
      await aToB.answered();
      await until(() => bCalls.get(aToB.callId)?.state === 'connected', 15_000, 'B connected');
      const bFromA = bCalls.get(aToB.callId)!;
      const result = await bFromA.transfer(c.uri('carol'), { timeoutMs: 40_000 });
      expect(result, JSON.stringify(result)).toMatchObject({ outcome: 'succeeded', status: 200 });
      // The call A placed for the REFER carries a new Call-ID, the same at A and at C.
      const unclaimed = (): string | undefined => [...aTransferred.keys()].find((k) => cCalls.has(k) && !claimed.has(k));
      await until(() => unclaimed() !== undefined, 15_000, 'the A -> C call');
      const id = unclaimed()!;
      claimed.add(id);
      const aToC = aTransferred.get(id)!;
      const cFromA = cCalls.get(id)!;
      await until(() => received(aToC) >= 20 && received(cFromA) >= 20, 15_000, 'audio A <-> C');
      const [atA, atC] = await Promise.all([heard(aToC), heard(cFromA)]);
      await until(() => aToB.state === 'terminated' && bFromA.state === 'terminated', 40_000, 'the A -> B call to end');
      transfers.push({ outcome: result.outcome, status: result.status, atA: Math.round(atA), atC: Math.round(atC), bEnded: bFromA.endReason });
      await aToC.hangup();
    };

    const t0 = performance.now();
    await Promise.all([
      ...Array.from({ length: HOLD_CALLS }, (_, i) => holdOne(i)),
      ...Array.from({ length: TRANSFERS }, (_, i) => transferOne(i)),
    ]);
    const seconds = Math.round((performance.now() - t0) / 100) / 10;

    // Nothing hangs: every call of every manager ends.
    await until(() => managers.every((m) => m.sessions().length === 0), 60_000, 'sessions to end');
    const retrans = managers.map((m) => engineOf(m)!.transactions.counters.retransmissionsSent);
    const figures = { loss: LOSS, seconds, holds, transfers, retransmissionsSent: { a: retrans[0], b: retrans[1], c: retrans[2] } };
    process.stdout.write(`LOSS ${JSON.stringify(figures)}\n`);

    expect(holds).toHaveLength(HOLD_CALLS);
    for (const h of holds) {
      expect(h.during, JSON.stringify(h)).toBeLessThanOrEqual(2);
      expect(h.after, JSON.stringify(h)).toBeGreaterThanOrEqual(20);
    }
    expect(transfers).toHaveLength(TRANSFERS);
    for (const t of transfers) {
      expect(Math.abs(t.atA - 600), JSON.stringify(t)).toBeLessThan(40);
      expect(Math.abs(t.atC - 1000), JSON.stringify(t)).toBeLessThan(40);
      expect(['transferred', 'remote-hangup'], JSON.stringify(t)).toContain(t.bEnded);
    }
    expect(retrans.reduce((x, y) => x + y, 0), 'retransmissions sent').toBeGreaterThan(0);
  });
});
