/**
 * SIPp 3.6 drives a transfer of ours (RFC 3515): it calls sipline, sends REFER in the dialog and
 * expects 202, then NOTIFYs with `message/sipfrag` progress (100 Trying with an active
 * subscription, then 200 OK with it terminated) and finally the BYE that ends the transferred
 * call. Every receive in the scenario is mandatory and checked with regular expressions, so SIPp
 * exits 0 only when the exchange happened as written; the test also checks the exact sequence
 * from SIPp's message trace and that the third party (another manager of ours) got the call.
 * A second scenario has SIPp as the transferee: it answers our REFER 202 and sends the NOTIFYs, and
 * our `transfer()` must resolve `succeeded` and end the call with BYE.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import type { CallSession, TransferRequest } from '../../src/index.js';
import { sippGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { runSippScenario, type SippTraceEntry } from '../helpers/sipp-scenario.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

const MEDIA_PORTS = { min: 60000, max: 60499 } as const;
const scenario = (name: string): string => fileURLToPath(new URL(`./scenarios/${name}`, import.meta.url));

const managers: SessionManager[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function newManager(): Promise<SessionManager> {
  const m = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 }, media: { portRange: MEDIA_PORTS }, close: { timeoutMs: 2000 } });
  managers.push(m);
  return m;
}

/** A copy of a scenario with its placeholders replaced. */
function instantiate(name: string, values: Readonly<Record<string, string>>): string {
  let xml = readFileSync(scenario(name), 'latin1');
  for (const [k, v] of Object.entries(values)) xml = xml.split(k).join(v);
  const dir = mkdtempSync(join(tmpdir(), 'sipline-refer-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, xml, 'latin1');
  return file;
}

/** `> METHOD` for what SIPp sent, `< 202 REFER` for what it received. */
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

sippGate().describe('SIPp scenario: REFER with NOTIFY sipfrag progress', () => {
  it('answers a REFER from SIPp with 202, NOTIFYs 100 then 200, calls the target and ends the call', async () => {
    const transferee = await newManager();
    const target = await newManager();
    const requests: TransferRequest[] = [];
    let original: CallSession | undefined;
    transferee.setCallHandler({
      async onIncomingCall(call) { original = await call.answer(); },
      onTransferRequest: (_s, request) => { requests.push(request); },
    });
    const reached: { referredBy: string[] | undefined; session: CallSession }[] = [];
    target.setCallHandler({
      async onIncomingCall(call) { reached.push({ referredBy: call.headers['referred-by'] as string[] | undefined, session: await call.answer() }); },
    });
    const localPort = await freePort();
    const file = instantiate('refer-notify-uac.xml', { REFER_TARGET: target.uri('carol') });
    const result = await runSippScenario({ scenarioFile: file, localPort, remote: `127.0.0.1:${transferee.port}` }).done;
    expect(result.exitCode, result.log).toBe(0);
    expect(sequence(result.trace).filter((m) => m !== '< 100 INVITE' && m !== '< 180 INVITE'), result.log).toEqual([
      '> INVITE', '< 200 INVITE', '> ACK',
      '> REFER', '< 202 REFER',
      '< NOTIFY', '> 200 NOTIFY',
      '< NOTIFY', '> 200 NOTIFY',
      '< BYE', '> 200 BYE',
    ]);
    const notifies = result.trace.filter((e) => e.direction === 'received' && e.startLine.startsWith('NOTIFY'));
    expect(notifies.map((n) => /^Subscription-State:\s*(.*)$/im.exec(n.text)?.[1]?.trim())).toEqual([
      'active;expires=60', 'terminated;reason=noresource',
    ]);
    expect(requests.map((r) => [r.target, r.referredBy, r.attended])).toEqual([
      [target.uri('carol'), `<sip:sipp@127.0.0.1:${localPort}>`, false],
    ]);
    expect(reached).toHaveLength(1);
    expect(reached[0]!.referredBy).toEqual([`<sip:sipp@127.0.0.1:${localPort}>`]);
    await waitFor(() => original?.state === 'terminated', 3000);
    expect(original!.endReason).toBe('transferred');
    expect(reached[0]!.session.state).toBe('connected');
    await reached[0]!.session.hangup();
  });

  it('transfers a call to SIPp with REFER, follows its NOTIFYs and ends the call with BYE', async () => {
    const transferor = await newManager();
    const localPort = await freePort();
    const run = runSippScenario({ scenarioFile: scenario('refer-notify-uas.xml'), localPort });
    await sleep(300);
    const session = await transferor.makeCall(`sip:sipp@127.0.0.1:${localPort}`, { from: 'sip:desk@127.0.0.1', timeoutMs: 5000 });
    await session.answered();
    const events: string[] = [];
    session.on('transfer', (e) => events.push(`${e.type} ${e.status}`));
    const states: string[] = [];
    session.on('state', (ch) => states.push(`${ch.to}:${ch.reason}`));
    const transfer = await session.transfer('sip:carol@example.invalid', { timeoutMs: 5000 });
    if (transfer.outcome !== 'succeeded') {
      run.kill();
      expect.fail(`transfer ${transfer.outcome} ${transfer.status}\n${(await run.done).log}`);
    }
    expect(transfer).toEqual({ outcome: 'succeeded', status: 200, reason: 'OK', attended: false });
    expect(events).toEqual(['accepted 202', 'progress 100', 'succeeded 200']);
    expect(states).toEqual(['transferring:transfer-started', 'terminating:transferred', 'terminated:transferred']);
    const result = await run.done;
    expect(result.exitCode, result.log).toBe(0);
    expect(sequence(result.trace).filter((m) => m !== '> 100 INVITE'), result.log).toEqual([
      '< INVITE', '> 200 INVITE', '< ACK',
      '< REFER', '> 202 REFER',
      '> NOTIFY', '< 200 NOTIFY',
      '> NOTIFY', '< 200 NOTIFY',
      '< BYE', '> 200 BYE',
    ]);
  });
});
