/**
 * SIPp 3.6 scenarios of ours (test/interop/scenarios/) for call-control cases baresip cannot
 * drive: re-INVITE glare (491 both ways, then the RFC 3261 §14.1 retry) and RFC 4028's 422
 * Session Interval Too Small with sipline as UAS and as UAC. Every receive in the scenarios is
 * mandatory, so SIPp exits 0 only when the exchange happened as written; the tests also check the
 * exact message sequence from SIPp's trace and what our side reported.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import type { CallSession, HoldEvent, SessionManagerConfig } from '../../src/index.js';
import { engineSessionOf } from '../../src/api/index.js';
import { sippGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { runSippScenario, type SippTraceEntry } from '../helpers/sipp-scenario.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

const MEDIA_PORTS = { min: 48500, max: 48999 } as const;
const scenario = (name: string): string => fileURLToPath(new URL(`./scenarios/${name}`, import.meta.url));

const managers: SessionManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function newManager(config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await SessionManager.new({
    ...config, sip: { host: '127.0.0.1', port: 0 }, media: { portRange: MEDIA_PORTS }, close: { timeoutMs: 2000 },
  });
  managers.push(m);
  return m;
}

/** `> METHOD` for what SIPp sent, `< 183 INVITE` for what it received (responses with their CSeq method). */
function sequence(trace: readonly SippTraceEntry[]): string[] {
  return trace.map((e) => {
    const arrow = e.direction === 'sent' ? '>' : '<';
    const status = /^SIP\/2\.0 (\d{3})/.exec(e.startLine);
    if (status !== null) {
      const cseq = /^CSeq:\s*\d+\s+(\S+)/im.exec(e.text);
      return `${arrow} ${status[1]} ${cseq?.[1] ?? '?'}`;
    }
    return `${arrow} ${e.startLine.split(' ')[0]}`;
  }).filter((m) => !/ 100 INVITE$/.test(m));
}

function header(e: SippTraceEntry | undefined, name: string): string | undefined {
  return e === undefined ? undefined : new RegExp(`^${name}:\\s*(.*?)\\s*$`, 'im').exec(e.text)?.[1];
}

sippGate().describe('SIPp scenarios: re-INVITE glare and session timers', () => {
  it('answers 491 to the far end\'s re-INVITE while its hold is pending, then retries its own after 491 (§14.1)', async () => {
    const sippPort = await freePort();
    const run = runSippScenario({ scenarioFile: scenario('reinvite-glare-uas.xml'), localPort: sippPort, timeoutSeconds: 25 });
    await sleep(300); // let SIPp bind
    const manager = await newManager();
    const session: CallSession = await manager.makeCall(`sip:ivr@127.0.0.1:${sippPort}`);
    await session.answered();
    const holds: HoldEvent[] = [];
    session.on('hold', (e) => holds.push(e));
    const started = Date.now();
    await session.hold();
    const took = Date.now() - started;
    expect(session.state).toBe('on-hold');
    expect(holds).toEqual([{ by: 'local' }]);
    expect(took).toBeGreaterThanOrEqual(2000); // the §14.1 wait of the Call-ID owner: 2.1-4 s
    expect(took).toBeLessThan(6000);
    await session.hangup();
    const result = await run.done;
    expect(result.exitCode, result.log).toBe(0);
    expect(sequence(result.trace), result.log).toEqual([
      '< INVITE', '> 200 INVITE', '< ACK',
      '< INVITE', '> INVITE', '< 491 INVITE', '> ACK', '> 491 INVITE', '< ACK',
      '< INVITE', '> 200 INVITE', '< ACK',
      '< BYE', '> 200 BYE',
    ]);
    const reinvites = result.trace.filter((e) => e.direction === 'received' && e.startLine.startsWith('INVITE'));
    const cseqOf = (e: SippTraceEntry | undefined): number => Number(/^CSeq:\s*(\d+)/im.exec(e?.text ?? '')?.[1]);
    expect(cseqOf(reinvites[2])).toBe(cseqOf(reinvites[1]) + 1);
    expect(reinvites[2]!.text).toMatch(/a=sendonly/);
  }, 40_000);

  it('answers an INVITE asking for 30 s with 422 and Min-SE 90, then accepts the retry with Session-Expires 90 (sipline as UAS)', async () => {
    const manager = await newManager();
    let session: CallSession | undefined;
    manager.setCallHandler({ async onIncomingCall(call) { session = await call.answer(); } });
    const run = runSippScenario({ scenarioFile: scenario('session-timer-422-uac.xml'), localPort: await freePort(), remote: `127.0.0.1:${manager.port}` });
    const result = await run.done;
    expect(result.exitCode, result.log).toBe(0);
    expect(sequence(result.trace), result.log).toEqual([
      '> INVITE', '< 422 INVITE', '> ACK', '> INVITE', '< 200 INVITE', '> ACK', '> BYE', '< 200 BYE',
    ]);
    const refusal = result.trace.find((e) => e.startLine.startsWith('SIP/2.0 422'));
    expect(header(refusal, 'Min-SE')).toBe('90');
    const ok = result.trace.find((e) => e.startLine.startsWith('SIP/2.0 200') && /CSeq:\s*2 INVITE/i.test(e.text));
    expect(header(ok, 'Session-Expires')).toBe('90;refresher=uac');
    expect(header(ok, 'Require')).toBe('timer');
    await waitFor(() => session?.state === 'terminated', 3000);
    expect(session!.endReason).toBe('remote-hangup');
  }, 40_000);

  it('retries its INVITE after 422 with the Min-SE SIPp asks for (sipline as UAC)', async () => {
    const sippPort = await freePort();
    const run = runSippScenario({ scenarioFile: scenario('session-timer-422-uas.xml'), localPort: sippPort });
    await sleep(300);
    const manager = await newManager({ sessionTimers: { expires: 60, minSE: 60 } });
    const session = await manager.makeCall(`sip:ivr@127.0.0.1:${sippPort}`);
    await session.answered();
    expect(engineSessionOf(session)!.sessionTimer).toMatchObject({ interval: 120, weRefresh: true });
    await session.hangup();
    const result = await run.done;
    expect(result.exitCode, result.log).toBe(0);
    expect(sequence(result.trace), result.log).toEqual([
      '< INVITE', '> 422 INVITE', '< ACK', '< INVITE', '> 200 INVITE', '< ACK', '< BYE', '> 200 BYE',
    ]);
    const invites = result.trace.filter((e) => e.direction === 'received' && e.startLine.startsWith('INVITE'));
    expect(header(invites[0], 'Session-Expires')).toBe('60');
    expect(header(invites[1], 'Session-Expires')).toBe('120');
    expect(header(invites[1], 'Min-SE')).toBe('120');
    expect(header(invites[1], 'Call-ID')).toBe(header(invites[0], 'Call-ID'));
  }, 40_000);
});
