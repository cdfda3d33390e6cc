/**
 * Interop with SIPp 3.6 (Debian package sip-tester): SIPp's built-in `uac`
 * scenario against our UAS core, and its built-in `uas` scenario answering
 * our UAC, over UDP and TCP, 100 calls each, zero failed calls.
 */
import { afterEach, expect, it } from 'vitest';
import type { SipResponse } from '../../src/sip/index.js';
import { sippGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { runSipp } from '../helpers/sipp.js';
import { simpleSdp, startUa, type TestUa } from '../helpers/ua.js';

const CALLS = 100;
const uas: TestUa[] = [];
afterEach(async () => {
  await Promise.all(uas.splice(0).map((u) => u.close()));
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const protocol of ['UDP', 'TCP'] as const) {
  const t = protocol === 'UDP' ? 'u1' : 't1';
  sippGate().describe(`SIPp interop over ${protocol}`, () => {
    it(`answers ${CALLS} calls of SIPp's built-in uac scenario with zero failures`, async () => {
      const ua = await startUa('sipline');
      uas.push(ua);
      let answered = 0;
      ua.core.setInviteHandler((inv) => {
        answered++;
        inv.accept({ body: simpleSdp(41000, 'sipline') });
      });
      const sippPort = await freePort();
      const run = runSipp({
        scenario: 'uac', remote: `127.0.0.1:${ua.port}`, localPort: sippPort, transport: t,
        calls: CALLS, rate: 50, timeoutSeconds: 60,
      });
      const result = await run.done;
      console.info(`[sipp uac -> sipline ${protocol}] exit ${result.exitCode}, successful ${result.successfulCalls}, failed ${result.failedCalls}, retransmissions ${result.retransmissions}`);
      expect(result.exitCode, result.log).toBe(0);
      expect(result.failedCalls, result.log).toBe(0);
      expect(result.successfulCalls, result.log).toBe(CALLS);
      expect(answered).toBeGreaterThanOrEqual(CALLS);
      // Every dialog ended with SIPp's BYE.
      await sleep(50);
      expect(ua.core.dialogs).toHaveLength(0);
    }, 90_000);

    it(`places ${CALLS} calls to SIPp's built-in uas scenario with zero failures`, async () => {
      const sippPort = await freePort();
      const run = runSipp({ scenario: 'uas', localPort: sippPort, transport: t, calls: CALLS, timeoutSeconds: 60 });
      await sleep(300); // let SIPp bind
      const ua = await startUa('sipline');
      uas.push(ua);
      const target = `sip:service@127.0.0.1:${sippPort}${protocol === 'TCP' ? ';transport=tcp' : ''}`;
      const failures: string[] = [];
      const call = async (i: number): Promise<void> => {
        await sleep(i * 20); // 50 calls per second
        const out = await ua.core.invite({ target, body: simpleSdp(42000 + 2 * i, 'sipline') });
        const outcome = await out.outcome;
        if (!outcome.accepted) {
          failures.push(`call ${i}: INVITE got ${outcome.response.status}`);
          return;
        }
        await sleep(50);
        const bye: SipResponse = await outcome.dialog.bye();
        if (bye.status !== 200) failures.push(`call ${i}: BYE got ${bye.status}`);
      };
      await Promise.all(Array.from({ length: CALLS }, (_v, i) => call(i)));
      const result = await run.done;
      console.info(`[sipline -> sipp uas ${protocol}] exit ${result.exitCode}, successful ${result.successfulCalls}, failed ${result.failedCalls}, retransmissions ${result.retransmissions}`);
      expect(failures).toEqual([]);
      expect(result.exitCode, result.log).toBe(0);
      expect(result.failedCalls, result.log).toBe(0);
      expect(result.successfulCalls, result.log).toBe(CALLS);
    }, 90_000);
  });
}
