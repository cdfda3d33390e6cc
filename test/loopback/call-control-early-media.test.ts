import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { engineOf } from '../../src/api/index.js';
import { goertzelPower, signalPower } from '../../src/media/index.js';
import { parseMessage, SipRequest, SipResponse } from '../../src/sip/index.js';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { AudioSink, CallSession, EarlyMediaEvent, SessionManagerConfig } from '../../src/index.js';
import { localManager, sleep, waitFor } from './api-helpers.js';

let managers: SessionManager[] = [];
let sockets: Socket[] = [];

async function start(config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await localManager(config);
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers) await m.close();
  for (const s of sockets) s.close();
  managers = [];
  sockets = [];
});

/** Every SIP message a manager receives, in order. */
function wire(manager: SessionManager): (SipRequest | SipResponse)[] {
  const seen: (SipRequest | SipResponse)[] = [];
  engineOf(manager)!.transport.on('message', (m) => seen.push(m.message));
  return seen;
}

/** A sink that keeps every received frame with the time it arrived. */
class TimedSink implements AudioSink {
  readonly frames: { at: number; pcm: Int16Array; rate: number }[] = [];
  write(frame: Int16Array, sampleRate: number): void {
    this.frames.push({ at: Date.now(), pcm: frame.slice(), rate: sampleRate });
  }
  async close(): Promise<void> { /* nothing to flush */ }
  /** Samples received before `t`. */
  before(t: number): { samples: Int16Array; rate: number } {
    const picked = this.frames.filter((f) => f.at < t);
    const out = new Int16Array(picked.reduce((n, f) => n + f.pcm.length, 0));
    let o = 0;
    for (const f of picked) { out.set(f.pcm, o); o += f.pcm.length; }
    return { samples: out, rate: picked[0]?.rate ?? 8000 };
  }
}

const responses = (seen: (SipRequest | SipResponse)[], status: number): SipResponse[] =>
  seen.filter((m): m is SipResponse => m instanceof SipResponse && m.status === status && m.cseq.method === 'INVITE');
const requests = (seen: (SipRequest | SipResponse)[], method: string): SipRequest[] =>
  seen.filter((m): m is SipRequest => m instanceof SipRequest && m.method === method);

describe('early media between two managers', () => {
  it('plays the callee early media to the caller before the answer, then the 200 repeats the same SDP', async () => {
    const callee = await start();
    const caller = await start();
    const callerWire = wire(caller);
    let answerAt = 0;
    callee.setCallHandler({
      onIncomingCall: async (call) => {
        await call.ring({ earlyMedia: new ToneSource({ frequency: 1000, durationMs: 5000 }) });
        await sleep(800);
        answerAt = Date.now();
        await call.answer();
      },
    });
    const session = await caller.makeCall(callee.uri('ivr'));
    const sink = new TimedSink();
    await session.record(sink);
    const early: EarlyMediaEvent[] = [];
    session.on('early-media', (e) => early.push(e));
    await session.answered();
    expect(answerAt).toBeGreaterThan(0);
    expect(early).toEqual([{ status: 183, reliable: true }]);
    // Audio heard before the 200 was sent: the 1 kHz tone, not silence.
    const { samples, rate } = sink.before(answerAt);
    expect(samples.length).toBeGreaterThan(rate * 0.3);
    const tail = samples.subarray(Math.floor(samples.length / 3));
    expect(signalPower(tail)).toBeGreaterThan(1e5);
    expect(2 * goertzelPower(tail, rate, 1000) / signalPower(tail)).toBeGreaterThan(0.8);
    // RFC 3264 §5: the 200 repeats the SDP of the 183 exactly.
    const progress = responses(callerWire, 183);
    const ok = responses(callerWire, 200);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(ok[0]!.body.toString()).toBe(progress[0]!.body.toString());
    // Media continues after the answer.
    const afterCount = sink.frames.length;
    await sleep(200);
    expect(sink.frames.length).toBeGreaterThan(afterCount);
    await session.hangup();
  });

  it('sends 183 unreliably to a caller without 100rel, and early media still plays', async () => {
    const callee = await start();
    const caller = await start({ sip: { reliableProvisional: 'off' } });
    const callerWire = wire(caller);
    const calleeWire = wire(callee);
    callee.setCallHandler({
      onIncomingCall: async (call) => {
        await call.ring({ earlyMedia: new ToneSource({ frequency: 1000 }) });
        await sleep(300);
        await call.answer();
      },
    });
    const session = await caller.makeCall(callee.uri('ivr'));
    const early: EarlyMediaEvent[] = [];
    session.on('early-media', (e) => early.push(e));
    await session.answered();
    expect(early).toEqual([{ status: 183, reliable: false }]);
    const p = responses(callerWire, 183)[0]!;
    expect(p.get('RSeq')).toBeUndefined();
    expect(requests(calleeWire, 'INVITE')[0]!.get('Supported') ?? '').not.toMatch(/100rel/);
    expect(requests(calleeWire, 'PRACK')).toHaveLength(0);
    await session.hangup();
  });
});

describe('reliable provisional responses (RFC 3262) between two managers', () => {
  it('sends every 18x reliably to a caller that requires 100rel, and the caller PRACKs each with RAck', async () => {
    const callee = await start();
    const caller = await start({ sip: { reliableProvisional: 'required' } });
    const callerWire = wire(caller);
    const calleeWire = wire(callee);
    let incoming: CallSession | undefined;
    callee.setCallHandler({
      onIncomingCall: async (call) => {
        incoming = call.session;
        await sleep(100); // the manager's 180 goes first, reliably
        await call.ring({ earlyMedia: new ToneSource({ frequency: 500 }) });
        await sleep(200);
        await call.answer();
      },
    });
    const session = await caller.makeCall(callee.uri('ivr'));
    await session.answered();
    const invite = requests(calleeWire, 'INVITE')[0]!;
    expect(invite.get('Require')).toMatch(/100rel/);
    expect(invite.get('Supported')).toMatch(/100rel/);
    const ringing = responses(callerWire, 180)[0]!;
    const progress = responses(callerWire, 183)[0]!;
    for (const r of [ringing, progress]) {
      expect(r.get('Require')).toMatch(/100rel/);
      expect(r.get('RSeq')).toMatch(/^\d+$/);
    }
    const rseq = Number(ringing.get('RSeq'));
    expect(Number(progress.get('RSeq'))).toBe(rseq + 1);
    const pracks = requests(calleeWire, 'PRACK');
    expect(pracks.map((p) => p.get('RAck'))).toEqual([
      `${rseq} ${invite.cseq.seq} INVITE`,
      `${rseq + 1} ${invite.cseq.seq} INVITE`,
    ]);
    // Each PRACK got 200 (RFC 3262 §3), and the 200 of the INVITE came after the offer's PRACK.
    const prackOks = callerWire.filter((m) => m instanceof SipResponse && m.cseq.method === 'PRACK');
    expect(prackOks.map((m) => (m as SipResponse).status)).toEqual([200, 200]);
    expect(callerWire.indexOf(prackOks[1]!)).toBeLessThan(callerWire.indexOf(responses(callerWire, 200)[0]!));
    expect(incoming?.state).toBe('connected');
    await session.hangup();
  });

  it('refuses an INVITE requiring 100rel with 420 when reliableProvisional is off', async () => {
    const callee = await start({ sip: { reliableProvisional: 'off' } });
    const caller = await start({ sip: { reliableProvisional: 'required' } });
    const callerWire = wire(caller);
    const session = await caller.makeCall(callee.uri('ivr'));
    await expect(session.answered()).rejects.toMatchObject({ status: 420 });
    const refusal = callerWire.find((m) => m instanceof SipResponse && m.status === 420) as SipResponse;
    expect(refusal.get('Unsupported')).toBe('100rel');
  });

  it('retransmits a reliable 18x at doubling intervals until its PRACK, and answers 504 when none comes', async () => {
    const T1 = 20;
    const callee = await start({ timers: { T1, T2: 4000, T4: 5000 } });
    let ended: string | undefined;
    callee.setCallHandler({
      onIncomingCall: async (call) => {
        call.session.on('ended', (reason) => { ended = reason; });
        await sleep(50); // the manager's 180 goes first
        await call.ring({ earlyMedia: new ToneSource({ frequency: 700 }) });
      },
    });
    // A raw UDP peer that requires 100rel, PRACKs the 180 only after its third retransmission and
    // never PRACKs the 183.
    const sock = createSocket('udp4');
    sockets.push(sock);
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const port = sock.address().port;
    const got: { at: number; res: SipResponse }[] = [];
    const sendText = (text: string): void => { sock.send(Buffer.from(text), engineOf(callee)!.port, '127.0.0.1'); };
    const sdp = 'v=0\r\no=raw 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 39000 RTP/AVP 0 101\r\n'
      + 'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n';
    const callId = `raw-${Date.now()}@127.0.0.1`;
    const common = `From: <sip:raw@127.0.0.1>;tag=rawtag\r\nCall-ID: ${callId}\r\nMax-Forwards: 70\r\n`;
    const uri = `sip:ivr@127.0.0.1:${engineOf(callee)!.port}`;
    let prackSent = false;
    sock.on('message', (buf) => {
      const res = parseMessage(buf, { datagram: true });
      if (!(res instanceof SipResponse)) return;
      got.push({ at: Date.now(), res });
      if (res.status === 180 && !prackSent && got.filter((g) => g.res.status === 180).length === 4) {
        prackSent = true;
        sendText(`PRACK ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-rawprack;rport\r\n${common}`
          + `To: ${res.get('To')}\r\nCSeq: 2 PRACK\r\nRAck: ${res.get('RSeq')} 1 INVITE\r\nContent-Length: 0\r\n\r\n`);
      }
      if (res.status >= 300) {
        sendText(`ACK ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-rawinvite;rport\r\n${common}`
          + `To: ${res.get('To')}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n`);
      }
    });
    sendText(`INVITE ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-rawinvite;rport\r\n${common}`
      + `To: <${uri}>\r\nCSeq: 1 INVITE\r\nContact: <sip:raw@127.0.0.1:${port}>\r\nRequire: 100rel\r\nSupported: 100rel\r\n`
      + `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`);
    await waitFor(() => got.some((g) => g.res.status === 504), 4000);
    const ringing = got.filter((g) => g.res.status === 180);
    const progress = got.filter((g) => g.res.status === 183);
    // The 180 was sent 4 times (first send + 3 retransmissions) with one RSeq, then stopped by the PRACK.
    expect(ringing).toHaveLength(4);
    expect(new Set(ringing.map((g) => g.res.get('RSeq'))).size).toBe(1);
    const prackOk = got.find((g) => g.res.cseq.method === 'PRACK');
    expect(prackOk?.res.status).toBe(200);
    // The 183 (next RSeq) waited for that PRACK, then was retransmitted at doubling intervals until 64*T1.
    expect(Number(progress[0]!.res.get('RSeq'))).toBe(Number(ringing[0]!.res.get('RSeq')) + 1);
    expect(progress[0]!.at).toBeGreaterThanOrEqual(prackOk!.at);
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeLessThanOrEqual(8);
    const gaps = progress.slice(1).map((g, i) => g.at - progress[i]!.at);
    expect(gaps[gaps.length - 1]!).toBeGreaterThan(4 * gaps[0]!);
    const final = got.find((g) => g.res.status === 504)!;
    expect(final.at - progress[0]!.at).toBeGreaterThanOrEqual(64 * T1 - 5);
    await waitFor(() => ended !== undefined);
    expect(ended).toBe('timeout');
  });
});
