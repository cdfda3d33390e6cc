/**
 * Runs INSIDE a network namespace whose nftables input hook drops SIPLINE_LOSS_PERCENT of the
 * UDP datagrams to the SIP and RTP ports used here (see ../loss-netns.test.ts), so both
 * directions of signalling and media lose that share. Calls from SIPp's uac and from an engine
 * of ours go to an engine of ours that answers with a tone; at 10% every call must complete
 * through retransmission (answer, audio, hang-up), at 30% each call completes or fails with a
 * timeout, and in both cases nothing hangs and nothing leaks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ToneSource, dominantFrequency } from '../../../src/media/index.js';
import type { Session, SessionEngine } from '../../../src/session/index.js';
import { runSippLoad } from '../../helpers/sipp-load.js';
import { MemorySink, engineClocks, startEngine, until } from '../../unit/session/engine-harness.js';

const inNamespace = process.env.SIPLINE_NETNS_CHILD !== undefined;
const LOSS = Number(process.env.SIPLINE_LOSS_PERCENT ?? 10);
const OWN_CALLS = Number(process.env.SIPLINE_LOSS_CALLS ?? 100);
const SIPP_CALLS = Number(process.env.SIPLINE_LOSS_SIPP_CALLS ?? 100);
/** Ports the nftables rule covers (the parent test writes the same numbers into the rule). */
export const CALLEE_PORT = 5070;
export const CALLER_PORT = 5080;
export const SIPP_PORT = 5090;

const engines: SessionEngine[] = [];
afterAll(async () => { await Promise.all(engines.map((e) => e.close())); });

describe.runIf(inNamespace)(`calls through ${LOSS}% loss each way`, () => {
  it('completes (or times out cleanly), retransmitting, and leaves nothing behind', async () => {
    // T1 as usual on the SIPp leg (SIPp uses 500 ms); shorter between our engines at 30% so
    // Timer B and H (64 x T1) end the hopeless calls within the test's time.
    const timers = LOSS > 20 ? { T1: 150, T2: 1200, T4: 1500 } : {};
    const callee = await startEngine(20000, { sip: { port: CALLEE_PORT }, timers, limits: { maxSessions: 400 } });
    const caller = await startEngine(21000, { sip: { port: CALLER_PORT }, timers, limits: { maxSessions: 400 } });
    engines.push(callee, caller);
    const calleeEnded = new Map<string, unknown>();
    callee.setIncomingSessionHandler(async (s: Session) => {
      s.on('state', (c) => { if (c.to === 'terminating') calleeEnded.set(s.callId, { out: s.stats()?.packetsOut, reason: c.reason }); });
      await s.answer();
      s.play(new ToneSource({ frequency: 440 })).catch(() => undefined);
    });

    const sipp = SIPP_CALLS > 0 ? runSippLoad({
      target: `127.0.0.1:${CALLEE_PORT}`, localPort: SIPP_PORT, calls: SIPP_CALLS, rate: 10, limit: 40,
      timeoutSec: 150, recvTimeoutMs: 40_000, extraArgs: ['-d', '1000'],
    }) : undefined;

    const outcomes = { completed: 0, timedOut: 0, other: [] as string[] };
    const tones: number[] = [];
    const lengths: number[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < OWN_CALLS) {
        next++;
        const s = await caller.call({ target: `sip:loss@127.0.0.1:${CALLEE_PORT}` });
        const sink = new MemorySink();
        try {
          await s.answered();
          // Media starts when the callee sees the ACK, which the loss may delay by a retransmission or two.
          await until(() => (s.stats()?.packetsIn ?? 0) >= 10, 10_000, 'audio to flow');
          s.record(sink);
          await new Promise((r) => setTimeout(r, 1000));
          await s.hangup();
          const end = await s.finished;
          const pcm = sink.samples();
          lengths.push(pcm.length);
          if (pcm.length < 4000) {
            const st = s.stats();
            const peer = callee.sessions().find((x) => x.callId === s.callId) ?? calleeEnded.get(s.callId);
            process.stdout.write(`SHORT ${pcm.length} caller ${JSON.stringify({ in: st?.packetsIn, garbage: st?.garbage, foreign: st?.foreign, unknown: st?.unknownPayloadType, receive: st?.receive })} callee ${JSON.stringify(peer)}\n`);
          }
          // The tone over the last half of what was recorded (at 10% loss, about 3,600 samples).
          if (pcm.length >= 1600) tones.push(dominantFrequency(pcm.subarray(pcm.length >> 1), 8000, undefined, 10));
          if (end.reason === 'local-hangup') outcomes.completed++;
          else outcomes.other.push(`ended ${JSON.stringify(end)}`);
        } catch (err) {
          const end = await s.finished;
          if (end.reason === 'timeout' || end.status === 408) outcomes.timedOut++;
          else outcomes.other.push(`${String(err)} ${JSON.stringify(end)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, () => worker()));
    const result = await sipp;

    // Nothing hangs: every session of both engines ends, every transaction winds down.
    await until(() => engines.every((e) => e.sessions().length === 0), 60_000, 'sessions to end');
    await until(() => engines.every((e) => e.transactions.counters.pendingTransactions + e.transactions.counters.lingeringTransactions === 0), 60_000, 'transactions to end');
    await until(() => engines.every((e) => (engineClocks.get(e)?.live ?? 0) === 0), 10_000, 'timers to end');

    const retrans = engines.map((e) => e.transactions.counters.retransmissionsSent);
    const rtpLoss = tones.length;
    const figures = {
      loss: LOSS, own: { calls: OWN_CALLS, ...outcomes, withTone: tones.filter((f) => Math.abs(f - 440) <= 15).length, recorded: rtpLoss, fewestSamples: Math.min(...lengths) },
      sipp: result === undefined ? undefined : { successful: result.successful, failed: result.failed, retransmissions: result.retransmissions, exit: result.exitCode },
      retransmissionsSent: { callee: retrans[0], caller: retrans[1] },
      calleeCounters: callee.counters,
    };
    process.stdout.write(`LOSS ${JSON.stringify(figures)}\n`);

    expect(outcomes.other, 'calls that neither completed nor timed out').toEqual([]);
    expect(retrans[0]! + retrans[1]!, 'retransmissions sent').toBeGreaterThan(0);
    if (LOSS <= 10) {
      expect(outcomes.completed, JSON.stringify(figures)).toBe(OWN_CALLS);
      // Every completed call carried the tone (the last half second decodes to 440 Hz).
      expect(tones.filter((f) => Math.abs(f - 440) <= 15).length, JSON.stringify(figures)).toBe(OWN_CALLS);
      if (result !== undefined) {
        expect(result.successful, result.log).toBe(SIPP_CALLS);
        expect(result.retransmissions, 'SIPp retransmitted').toBeGreaterThan(0);
      }
    } else {
      expect(outcomes.completed + outcomes.timedOut).toBe(OWN_CALLS);
      expect(outcomes.completed, 'some calls still complete at 30%').toBeGreaterThan(0);
    }
  });
});
