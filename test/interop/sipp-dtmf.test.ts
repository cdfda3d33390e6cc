/**
 * SIPp 3.6 scenarios of ours (test/interop/scenarios/) for what baresip cannot drive: DTMF by SIP
 * INFO in both directions (including 415 for an unknown body type), and RFC 3262 reliable
 * provisional responses with PRACK with sipline as UAS and as UAC. Every receive in the scenarios
 * is mandatory, so SIPp exits 0 only when the exchange happened as written; the tests also check
 * the exact sequence from SIPp's message trace and what our side reported.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, DtmfEvent, EarlyMediaEvent } from '../../src/index.js';
import { sippGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { runSippScenario, type SippTraceEntry } from '../helpers/sipp-scenario.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

const MEDIA_PORTS = { min: 48000, max: 48499 } as const;
const scenario = (name: string): string => fileURLToPath(new URL(`./scenarios/${name}`, import.meta.url));

const managers: SessionManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function newManager(): Promise<SessionManager> {
  const m = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 }, media: { portRange: MEDIA_PORTS }, close: { timeoutMs: 2000 } });
  managers.push(m);
  return m;
}

/** `> METHOD` for what SIPp sent, `< 183` for what it received (requests by method, responses by status + CSeq method). */
function sequence(trace: readonly SippTraceEntry[]): string[] {
  return trace.map((e) => {
    const arrow = e.direction === 'sent' ? '>' : '<';
    const status = /^SIP\/2\.0 (\d{3})/.exec(e.startLine);
    if (status !== null) {
      const cseq = /^CSeq:\s*\d+\s+(\S+)/im.exec(e.text);
      return `${arrow} ${status[1]} ${cseq?.[1] ?? '?'}`;
    }
    return `${arrow} ${e.startLine.split(' ')[0]}`;
  });
}

function header(e: SippTraceEntry | undefined, name: string): string | undefined {
  return e === undefined ? undefined : new RegExp(`^${name}:\\s*(.*?)\\s*$`, 'im').exec(e.text)?.[1];
}

sippGate().describe('SIPp scenarios: DTMF by INFO and PRACK', () => {
  it('takes DTMF INFO (dtmf-relay and dtmf) from SIPp, answers text/plain INFO 415, and sends INFO back', async () => {
    const manager = await newManager();
    const digits: DtmfEvent[] = [];
    let session: CallSession | undefined;
    manager.setCallHandler({
      async onIncomingCall(call) { session = await call.answer(); },
      onDtmf: (s, e) => {
        digits.push(e);
        // SIPp offered no telephone-event: 'auto' falls back to INFO.
        if (digits.length === 2) void s.sendDtmf('3', { durationMs: 100 }).catch(() => undefined);
      },
    });
    const run = runSippScenario({ scenarioFile: scenario('dtmf-info-uac.xml'), localPort: await freePort(), remote: `127.0.0.1:${manager.port}` });
    const result = await run.done;
    expect(result.exitCode, result.log).toBe(0);
    // The handler answers at once: no 180; SIPp's 100 Trying wait is optional.
    expect(sequence(result.trace).filter((m) => m !== '< 100 INVITE'), result.log).toEqual([
      '> INVITE', '< 200 INVITE', '> ACK',
      '> INFO', '< 415 INFO', '> INFO', '< 200 INFO', '> INFO', '< 200 INFO',
      '< INFO', '> 200 INFO', '> BYE', '< 200 BYE',
    ]);
    expect(digits).toEqual([
      { digit: '5', durationMs: 160, method: 'info' },
      { digit: '#', durationMs: 0, method: 'info' },
    ]);
    const ourInfo = result.trace.find((e) => e.direction === 'received' && e.startLine.startsWith('INFO'));
    expect(header(ourInfo, 'Content-Type')).toBe('application/dtmf-relay');
    expect(ourInfo!.text).toMatch(/Signal=3\r?\nDuration=100/);
    const refusal = result.trace.find((e) => e.startLine.startsWith('SIP/2.0 415'));
    expect(header(refusal, 'Accept')).toContain('application/dtmf-relay');
    await waitFor(() => session?.state === 'terminated', 3000);
    expect(session!.endReason).toBe('remote-hangup');
  }, 40_000);

  it('sends 180 and 183 reliably to SIPp requiring 100rel and holds the 200 until the PRACKs (sipline as UAS)', async () => {
    const manager = await newManager();
    let session: CallSession | undefined;
    manager.setCallHandler({
      async onIncomingCall(call) {
        session = call.session;
        await sleep(100); // the manager's 180 goes first
        await call.ring({ earlyMedia: new ToneSource({ frequency: 600 }) });
        await call.answer();
      },
    });
    const run = runSippScenario({ scenarioFile: scenario('prack-uac.xml'), localPort: await freePort(), remote: `127.0.0.1:${manager.port}` });
    const result = await run.done;
    expect(result.exitCode, result.log).toBe(0);
    const seq = sequence(result.trace).filter((m) => m !== '< 100 INVITE');
    expect(seq, result.log).toEqual([
      '> INVITE', '< 180 INVITE', '> PRACK', '< 200 PRACK', '< 183 INVITE', '> PRACK', '< 200 PRACK',
      '< 200 INVITE', '> ACK', '> BYE', '< 200 BYE',
    ]);
    const ringing = result.trace.find((e) => e.startLine.startsWith('SIP/2.0 180'));
    const progress = result.trace.find((e) => e.startLine.startsWith('SIP/2.0 183'));
    const ok = result.trace.find((e) => /^SIP\/2\.0 200/.test(e.startLine) && /CSeq:\s*1 INVITE/i.test(e.text));
    const rseq = Number(header(ringing, 'RSeq'));
    expect(rseq).toBeGreaterThanOrEqual(1);
    expect(Number(header(progress, 'RSeq'))).toBe(rseq + 1);
    expect(header(progress, 'Require')).toBe('100rel');
    const pracks = result.trace.filter((e) => e.direction === 'sent' && e.startLine.startsWith('PRACK'));
    expect(pracks.map((p) => header(p, 'RAck'))).toEqual([`${rseq} 1 INVITE`, `${rseq + 1} 1 INVITE`]);
    // RFC 3264: the 200 repeats the 183's SDP.
    const body = (e: SippTraceEntry | undefined): string => e?.text.split(/\r?\n\r?\n/).slice(1).join('\n\n').trim() ?? '';
    expect(body(ok)).toBe(body(progress));
    expect(body(ok)).toMatch(/m=audio/);
    await waitFor(() => session?.state === 'terminated', 3000);
  }, 40_000);

  it('PRACKs SIPp reliable 183, plays its early media, and sends DTMF by INFO to a peer without telephone-event (sipline as UAC)', async () => {
    const sippPort = await freePort();
    const run = runSippScenario({ scenarioFile: scenario('prack-uas.xml'), localPort: sippPort });
    await sleep(300); // let SIPp bind
    const manager = await newManager();
    const session = await manager.makeCall(`sip:ivr@127.0.0.1:${sippPort}`);
    const early: EarlyMediaEvent[] = [];
    session.on('early-media', (e) => early.push(e));
    await session.answered();
    expect(early).toEqual([{ status: 183, reliable: true }]);
    // SIPp answered without telephone-event: forcing RFC 4733 is refused, 'auto' uses INFO.
    await expect(session.sendDtmf('8', { method: 'rfc4733' })).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
    await session.sendDtmf('8', { durationMs: 120 });
    await session.hangup();
    const result = await run.done;
    expect(result.exitCode, result.log).toBe(0);
    expect(sequence(result.trace), result.log).toEqual([
      '< INVITE', '> 183 INVITE', '< PRACK', '> 200 PRACK', '> 200 INVITE', '< ACK', '< INFO', '> 200 INFO', '< BYE', '> 200 BYE',
    ]);
    const invite = result.trace[0];
    const prack = result.trace.find((e) => e.startLine.startsWith('PRACK'));
    const inviteCseq = /^CSeq:\s*(\d+)/im.exec(invite!.text)?.[1];
    expect(header(invite, 'Supported')).toMatch(/100rel/);
    expect(header(prack, 'RAck')).toBe(`1 ${inviteCseq} INVITE`);
  }, 40_000);
});
