/**
 * The public API against SIPp 3.6 (Debian package sip-tester), over UDP and TCP:
 * - SIPp's built-in `uac` scenario calls the three-line auto-answer server
 *   (`SessionManager.new` + `setCallHandler({ onIncomingCall: (call) => call.answer() })`):
 *   1,000 calls at 100 calls/s, zero failed;
 * - SIPp's built-in `uas` scenario answers 100 calls placed with `manager.makeCall`, zero failed.
 * After each test the manager has no live session, closes, and leaves no socket open.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import type { CallSession, EndReason, SessionManagerConfig } from '../../src/index.js';
import { sippGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { runSipp } from '../helpers/sipp.js';
import { runSippLoad } from '../helpers/sipp-load.js';
import { openHandles, sleep, waitFor } from '../loopback/api-helpers.js';

/** RTP ports private to this file, so it can run next to other suites. */
const MEDIA_PORTS = { min: 40000, max: 44999 } as const;
const UAC_CALLS = 1000;
const UAC_RATE = 100;
const UAS_CALLS = 100;
/** Calls placed at once towards SIPp's uas. */
const UAS_CONCURRENCY = 10;

let managers: SessionManager[] = [];
let baseline: Record<string, number>;

async function start(transport: 'UDP' | 'TCP', config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await SessionManager.new({
    ...config,
    sip: { host: '127.0.0.1', port: 0, transports: [transport] },
    media: { portRange: MEDIA_PORTS },
    close: { timeoutMs: 2000 },
  });
  managers.push(m);
  return m;
}

beforeEach(() => {
  baseline = openHandles();
});

afterEach(async () => {
  const open = managers.splice(0);
  for (const m of open) {
    await waitFor(() => m.sessions().length === 0, 5000).catch(() => undefined);
    expect(m.sessions().map((s) => `${s.direction} ${s.state}`), 'live sessions after the test').toEqual([]);
  }
  await Promise.all(open.map((m) => m.close()));
  for (const m of open) expect(m.closed).toBe(true);
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 3000).catch(() => undefined);
  expect(openHandles(), 'sockets left open after close()').toEqual(baseline);
});

for (const transport of ['UDP', 'TCP'] as const) {
  const t = transport === 'UDP' ? 'u1' : 't1';

  sippGate().describe(`SIPp built-in scenarios against the public API over ${transport}`, () => {
    it(`answers ${UAC_CALLS} calls of SIPp's uac at ${UAC_RATE} calls/s with the three-line server, zero failed`, async () => {
      const manager = await start(transport);
      manager.setCallHandler({ onIncomingCall: (call) => call.answer() });
      const result = await runSippLoad({
        target: `127.0.0.1:${manager.port}`, transport: t, calls: UAC_CALLS, rate: UAC_RATE,
        timeoutSec: UAC_CALLS / UAC_RATE + 15,
      });
      console.info(`[sipp uac -> SessionManager ${transport}] exit ${result.exitCode}, successful ${result.successful}, failed ${result.failed}, retransmissions ${result.retransmissions}, ${result.callRate} calls/s, ${result.durationMs} ms`);
      expect(result.exitCode, result.log).toBe(0);
      expect(result.failed, result.log).toBe(0);
      expect(result.successful, result.log).toBe(UAC_CALLS);
      const counters = manager.counters;
      expect(counters.callsIn, JSON.stringify(counters)).toBe(UAC_CALLS);
      expect(counters.answered, JSON.stringify(counters)).toBe(UAC_CALLS);
      await waitFor(() => manager.sessions().length === 0, 5000);
      expect(manager.counters.active).toBe(0);
      expect(manager.counters.ended).toEqual({ 'remote-hangup': UAC_CALLS });
      expect(manager.counters.failed).toEqual({});
    }, 40_000);

    it(`places ${UAS_CALLS} calls with makeCall that SIPp's uas answers, zero failed`, async () => {
      const sippPort = await freePort();
      const run = runSipp({ scenario: 'uas', localPort: sippPort, transport: t, calls: UAS_CALLS, timeoutSeconds: 30 });
      await sleep(300); // let SIPp bind
      const manager = await start(transport);
      const target = `sip:service@127.0.0.1:${sippPort}${transport === 'TCP' ? ';transport=tcp' : ''}`;
      const failures: string[] = [];
      const reasons = new Map<EndReason, number>();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < UAS_CALLS) {
          const i = next++;
          let session: CallSession | undefined;
          try {
            session = await manager.makeCall(target);
            await session.answered();
            expect(session.state).toBe('connected');
            await session.hangup();
          } catch (err) {
            failures.push(`call ${i}: ${String(err)}`);
          }
          if (session) {
            const reason = await session.ended();
            reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          }
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: UAS_CONCURRENCY }, () => worker()));
      const callsMs = performance.now() - started;
      const result = await run.done;
      console.info(`[makeCall -> sipp uas ${transport}] exit ${result.exitCode}, successful ${result.successfulCalls}, failed ${result.failedCalls}, retransmissions ${result.retransmissions}, calls placed and ended in ${callsMs.toFixed(0)} ms`);
      expect(failures).toEqual([]);
      expect(Object.fromEntries(reasons)).toEqual({ 'local-hangup': UAS_CALLS });
      expect(result.exitCode, result.log).toBe(0);
      expect(result.failedCalls, result.log).toBe(0);
      expect(result.successfulCalls, result.log).toBe(UAS_CALLS);
      expect(manager.counters.callsOut).toBe(UAS_CALLS);
      expect(manager.counters.answered).toBe(UAS_CALLS);
      expect(manager.counters.ended).toEqual({ 'local-hangup': UAS_CALLS });
    }, 40_000);
  });
}
