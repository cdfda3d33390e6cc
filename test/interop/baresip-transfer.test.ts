/**
 * baresip 1.0.0 (Debian package `baresip`) as a real phone transfers a call (RFC 3515): our
 * manager calls baresip (auto-answer); baresip's `transfer` command (menu module, through
 * ctrl_tcp) sends REFER to us; our manager accepts it, answers 202, calls the third party
 * (another manager of ours), reports the progress in NOTIFYs (`message/sipfrag` 100 Trying, then
 * 200 OK with the subscription terminated), and the original call ends. baresip's SIP trace (`-s`)
 * shows the REFER, the NOTIFYs it received and its 200 answers; the third party got the call with
 * Referred-By and hears our tone.
 */
import { afterEach, expect, it } from 'vitest';
import { dominantFrequency } from '../../src/media/index.js';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, TransferRequest } from '../../src/index.js';
import { baresipGate, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

const OUR_MEDIA_PORTS = { min: 59000, max: 59499 } as const;
const BARESIP_RTP_PORTS = [59500, 59999] as const;

const running: BaresipInstance[] = [];
const managers: SessionManager[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function newManager(): Promise<SessionManager> {
  const m = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 }, media: { portRange: OUR_MEDIA_PORTS }, close: { timeoutMs: 2000 } });
  managers.push(m);
  return m;
}

/** SIP messages of baresip's `-s` trace (`UDP from -> to` then the message) whose start line matches `start`. */
function traced(log: string, start: RegExp): string[] {
  const out: string[] = [];
  const re = /UDP \S+ -> \S+\r?\n([\s\S]*?)(?=\u001b\[;m|$)/g;
  for (let m = re.exec(log); m !== null; m = re.exec(log)) {
    const text = m[1]!.replace(/\r/g, '');
    if (start.test(text)) out.push(text);
  }
  return out;
}

baresipGate().describe('baresip transfers a call to a third party', () => {
  it('accepts baresip\'s REFER, reports NOTIFY progress and completes the call to the third party', async () => {
    const transferee = await newManager();
    const target = await newManager();
    const requests: TransferRequest[] = [];
    const established: CallSession[] = [];
    transferee.setCallHandler({
      onTransferRequest: (_s, request) => { requests.push(request); },
      onCallEstablished: (s) => { established.push(s); },
    });
    const reached: { referredBy: readonly string[] | undefined; session: CallSession }[] = [];
    target.setCallHandler({
      async onIncomingCall(call) { reached.push({ referredBy: call.headers['referred-by'], session: await call.answer() }); },
    });
    const b = await startBaresip({
      ...(await freeBaresipPorts()), toneHz: 440, durationSec: 20, rtpPorts: BARESIP_RTP_PORTS, autoAnswer: true, sipTrace: true,
    });
    running.push(b);
    const original = await transferee.makeCall(b.uri);
    await original.answered();
    await b.waitForEvent('CALL_ESTABLISHED', 5000);
    await sleep(300);
    const answer = await b.command('transfer', target.uri('carol'));
    expect(answer.ok, `${answer.data}\n${b.log()}`).toBe(true);
    await waitFor(() => reached.length === 1 && original.state === 'terminated', 8000).catch((err: unknown) => {
      throw new Error(`transfer did not complete: ${original.state}, ${reached.length} calls\n${b.log().slice(-6000)}`, { cause: err });
    });
    expect(requests.map((r) => r.target)).toEqual([target.uri('carol')]);
    expect(['transferred', 'remote-hangup']).toContain(original.endReason);
    const toTarget = established.find((s) => s !== original);
    expect(toTarget?.state).toBe('connected');
    expect(reached[0]!.session.state).toBe('connected');
    // baresip 1.0 sends no Referred-By; whatever the REFER had is copied into the new INVITE.
    const referredBy = requests[0]!.referredBy;
    expect(reached[0]!.referredBy).toEqual(referredBy === undefined ? undefined : [referredBy]);
    // The NOTIFY flow as baresip saw it: REFER out, 202 in, NOTIFY 100 (active) and 200 (terminated) in.
    await sleep(300);
    const log = b.log();
    expect(traced(log, /^REFER /).length, log.slice(-4000)).toBeGreaterThanOrEqual(1);
    expect(traced(log, /^SIP\/2\.0 202 /).some((m) => /CSeq:\s*\d+ REFER/i.test(m)), log.slice(-4000)).toBe(true);
    const notifies = traced(log, /^NOTIFY /);
    expect(notifies.map((n) => /SIP\/2\.0 (\d{3})/.exec(n.split(/\n\n/)[1] ?? '')?.[1]), log.slice(-4000)).toEqual(['100', '200']);
    expect(notifies.map((n) => /^Subscription-State:\s*(\w+)/im.exec(n)?.[1])).toEqual(['active', 'terminated']);
    expect(notifies.every((n) => /^Content-Type:\s*message\/sipfrag/im.test(n))).toBe(true);
    expect(traced(log, /^SIP\/2\.0 200 /).filter((m) => /^CSeq:\s*\d+ NOTIFY/im.test(m))).toHaveLength(2);
    // The third party hears us.
    void toTarget!.play(new ToneSource({ frequency: 1000, durationMs: 3000 }));
    const frames: Int16Array[] = [];
    const readable = reached[0]!.session.receiveAudio({ sampleRate: 8000 });
    readable.on('data', (f: Int16Array) => frames.push(f));
    await sleep(700);
    readable.destroy();
    const all = Int16Array.from(frames.flatMap((f) => Array.from(f)));
    expect(Math.abs(dominantFrequency(all.subarray(all.length >> 2), 8000, undefined, 10) - 1000)).toBeLessThan(40);
    await toTarget!.hangup();
  });
});
