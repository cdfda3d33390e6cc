/**
 * Call transfer among three managers of ours on 127.0.0.1: blind transfer with NOTIFY progress
 * (RFC 3515), a failed transfer, attended transfer with Replaces (RFC 3891), and an INVITE whose
 * Replaces matches nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dominantFrequency } from '../../src/media/index.js';
import { ToneSource } from '../../src/index.js';
import type { CallSession, SessionManager, TransferProgressEvent } from '../../src/index.js';
import { engineOf } from '../../src/api/index.js';
import { localManager, sleep, waitFor } from './api-helpers.js';

let managers: SessionManager[] = [];

async function start(): Promise<SessionManager> {
  const m = await localManager();
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers) await m.close();
  managers = [];
});

/** The dominant frequency of what `session` hears over `ms`. */
async function heard(session: CallSession, ms = 700): Promise<number> {
  const frames: Int16Array[] = [];
  const readable = session.receiveAudio({ sampleRate: 8000 });
  readable.on('data', (f: Int16Array) => frames.push(f));
  await sleep(ms);
  readable.destroy();
  const n = frames.reduce((a, f) => a + f.length, 0);
  const all = new Int16Array(n);
  let o = 0;
  for (const f of frames) { all.set(f, o); o += f.length; }
  return n === 0 ? 0 : dominantFrequency(all.subarray(Math.floor(n / 4)), 8000, undefined, 10);
}

/** Managers A, B, C; A has called B and B answered. */
async function threeParties(): Promise<{
  a: SessionManager; b: SessionManager; c: SessionManager; aToB: CallSession; bFromA: CallSession; cCalls: CallSession[];
}> {
  const [a, b, c] = [await start(), await start(), await start()];
  let bFromA: CallSession | undefined;
  b.setCallHandler({ onIncomingCall: async (call) => { bFromA = await call.answer(); } });
  const cCalls: CallSession[] = [];
  c.setCallHandler({ onCallEstablished: (s) => { cCalls.push(s); } });
  const aToB = await a.makeCall(b.uri('bob'));
  await aToB.answered();
  await waitFor(() => bFromA?.state === 'connected');
  return { a, b, c, aToB, bFromA: bFromA!, cCalls };
}

describe('blind transfer (RFC 3515)', () => {
  it('moves the far end to a third party, reports NOTIFY progress and ends the transferor call', async () => {
    const { a, c, aToB, bFromA, cCalls } = await threeParties();
    const aEstablished: CallSession[] = [];
    const requests: string[] = [];
    a.setCallHandler({
      onTransferRequest: (_s, request) => { requests.push(request.target); },
      onCallEstablished: (s) => { if (s !== aToB) aEstablished.push(s); },
    });
    const events: TransferProgressEvent[] = [];
    const states: string[] = [];
    bFromA.on('transfer', (e) => events.push(e));
    bFromA.on('state', (ch) => states.push(ch.to));
    const result = await bFromA.transfer(c.uri('carol'));
    expect(result).toEqual({ outcome: 'succeeded', status: 200, reason: 'OK', attended: false });
    expect(events.map((e) => `${e.type} ${e.status}`)).toEqual(['accepted 202', 'progress 100', 'succeeded 200']);
    expect(states[0]).toBe('transferring');
    expect(bFromA.state).toBe('terminated');
    expect(['transferred', 'remote-hangup']).toContain(bFromA.endReason);
    expect(requests).toEqual([c.uri('carol')]);
    await waitFor(() => aToB.state === 'terminated' && cCalls.length === 1 && aEstablished.length === 1).catch((e: unknown) => { throw new Error(`${aToB.state} ${cCalls.length} ${aEstablished.length}`, { cause: e }); });
    const aToC = aEstablished[0]!;
    expect(aToC.direction).toBe('outgoing');
    expect(aToC.state).toBe('connected');
    expect(cCalls[0]!.remote.uri).toBe(aToB.local.uri);
    void aToC.play(new ToneSource({ frequency: 1000, durationMs: 3000 }));
    void cCalls[0]!.play(new ToneSource({ frequency: 600, durationMs: 3000 }));
    const [atC, atA] = await Promise.all([heard(cCalls[0]!), heard(aToC)]);
    expect(Math.abs(atC - 1000)).toBeLessThan(40);
    expect(Math.abs(atA - 600)).toBeLessThan(40);
    await aToC.hangup();
  });

  it('reports a failed transfer with the status of the new call and keeps the call up', async () => {
    const { c, aToB, bFromA } = await threeParties();
    c.setCallHandler({ onIncomingCall: (call) => call.reject(486) });
    const states: string[] = [];
    bFromA.on('state', (ch) => states.push(`${ch.to}:${ch.reason}`));
    const result = await bFromA.transfer(c.uri('carol'));
    expect(result.outcome).toBe('failed');
    expect(result.status).toBe(486);
    expect(states).toEqual(['transferring:transfer-started', 'connected:transfer-failed']);
    await sleep(200);
    expect(bFromA.state).toBe('connected');
    expect(aToB.state).toBe('connected');
    await aToB.hangup();
  });

  it('goes back on hold when a transfer started on hold fails', async () => {
    const { c, aToB, bFromA } = await threeParties();
    c.setCallHandler({ onIncomingCall: (call) => call.reject(603) });
    await bFromA.hold();
    expect(bFromA.state).toBe('on-hold');
    const result = await bFromA.transfer(c.uri('carol'));
    expect(result).toMatchObject({ outcome: 'failed', status: 603 });
    expect(bFromA.state).toBe('on-hold');
    await expect(bFromA.transfer('not a uri')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await aToB.hangup();
  });

  it('reports a REFER the far end refuses as failed with its status', async () => {
    const { a, aToB, bFromA } = await threeParties();
    a.setCallHandler({ onTransferRequest: (_s, request) => request.reject(403) });
    const result = await bFromA.transfer('sip:nobody@127.0.0.1:9');
    expect(result).toMatchObject({ outcome: 'failed', status: 403 });
    expect(bFromA.state).toBe('connected');
    expect(aToB.state).toBe('connected');
    await aToB.hangup();
  });
});

describe('attended transfer (RFC 3891 Replaces)', () => {
  it('connects the two far ends and ends both calls of the transferor', async () => {
    const [a, b, c] = [await start(), await start(), await start()];
    const bCalls: CallSession[] = [];
    b.setCallHandler({ onCallEstablished: (s) => { bCalls.push(s); } });
    const cEstablished: CallSession[] = [];
    c.setCallHandler({ onCallEstablished: (s) => { cEstablished.push(s); } });
    const aEstablished: CallSession[] = [];
    a.setCallHandler({ onCallEstablished: (s) => { aEstablished.push(s); } });
    const aToB = await a.makeCall(b.uri('bob'));
    await aToB.answered();
    const bToC = await b.makeCall(c.uri('carol'));
    await bToC.answered();
    await waitFor(() => bCalls.length === 2 && cEstablished.length === 1);
    const bFromA = bCalls.find((s) => s.direction === 'incoming')!;
    const cFromB = cEstablished[0]!;
    const result = await bFromA.transfer(bToC);
    expect(result).toEqual({ outcome: 'succeeded', status: 200, reason: 'OK', attended: true });
    await waitFor(() => bFromA.state === 'terminated' && bToC.state === 'terminated' && cFromB.state === 'terminated');
    expect(bToC.endReason).toBe('remote-hangup');
    expect(cFromB.endReason).toBe('replaced');
    await waitFor(() => aEstablished.length === 2 && cEstablished.length === 2 && aToB.state === 'terminated');
    const aToC = aEstablished[1]!;
    const cFromA = cEstablished[1]!;
    expect(aToC.state).toBe('connected');
    expect(cFromA.state).toBe('connected');
    expect(b.sessions()).toHaveLength(0);
    void aToC.play(new ToneSource({ frequency: 1000, durationMs: 3000 }));
    expect(Math.abs((await heard(cFromA)) - 1000)).toBeLessThan(40);
    await cFromA.hangup();
  });
});

describe('INVITE with Replaces', () => {
  it('is refused with 481 when it matches no call', async () => {
    const [a, c] = [await start(), await start()];
    const engine = engineOf(a)!;
    const invite = await engine.core.invite({
      target: c.uri('carol'),
      headers: { Replaces: 'no-such-call@127.0.0.1;to-tag=abc;from-tag=def' },
      body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n',
    });
    const outcome = await invite.outcome;
    expect(outcome.response.status).toBe(481);
    expect(c.sessions()).toHaveLength(0);
  });

  it('is refused with 486 when early-only names a confirmed call', async () => {
    const { a, b, aToB } = await threeParties();
    const engine = engineOf(a)!;
    const d = engine.sessions()[0]!.dialog!;
    const invite = await engine.core.invite({
      target: b.uri('bob'),
      headers: { Replaces: `${d.id.callId};to-tag=${d.id.remoteTag};from-tag=${d.id.localTag};early-only` },
      body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\n',
    });
    expect((await invite.outcome).response.status).toBe(486);
    expect(aToB.state).toBe('connected');
    await aToB.hangup();
  });

  it('replaces a ringing outgoing call of ours (cancelled) but not a ringing incoming one (481)', async () => {
    const [a, b, c] = [await start(), await start(), await start()];
    c.setCallHandler({ onIncomingCall: () => undefined }); // C keeps ringing
    const bToC = await b.makeCall(c.uri('carol'));
    await waitFor(() => bToC.state === 'ringing');
    const sdpBody = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40006 RTP/AVP 0\r\n';
    const core = engineOf(a)!.core;
    // C is the UAS of that early dialog: it did not initiate it (RFC 3891 §3).
    const cEarly = engineOf(c)!.core.dialogs.find((d) => d.state === 'early')!;
    const refused = await core.invite({
      target: c.uri('carol'),
      headers: { Replaces: `${cEarly.id.callId};to-tag=${cEarly.id.localTag};from-tag=${cEarly.id.remoteTag}` },
      body: sdpBody,
    });
    expect((await refused.outcome).response.status).toBe(481);
    // B initiated it: the new INVITE takes its place and B's ringing call is cancelled.
    const bEarly = engineOf(b)!.core.dialogs.find((d) => d.state === 'early' && d.role === 'uac')!;
    const replacing = await core.invite({
      target: b.uri('bob'),
      headers: { Replaces: `${bEarly.id.callId};to-tag=${bEarly.id.localTag};from-tag=${bEarly.id.remoteTag}` },
      body: sdpBody,
    });
    const outcome = await replacing.outcome;
    expect(outcome.response.status).toBe(200);
    await waitFor(() => bToC.state === 'terminated');
    expect(bToC.endReason).toBe('replaced');
    if (outcome.accepted) await outcome.dialog.bye();
  });

  it('is answered 400 when it carries two Replaces headers', async () => {
    const [a, c] = [await start(), await start()];
    const invite = await engineOf(a)!.core.invite({
      target: c.uri('carol'),
      headers: [{ name: 'Replaces', value: 'x@h;to-tag=1;from-tag=2' }, { name: 'Replaces', value: 'y@h;to-tag=1;from-tag=2' }],
      body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40004 RTP/AVP 0\r\n',
    });
    expect((await invite.outcome).response.status).toBe(400);
  });
});

describe('REFER and NOTIFY outside a transfer', () => {
  it('answers a REFER outside any dialog with 405 and an Allow without REFER', async () => {
    const [a, c] = [await start(), await start()];
    const res = await engineOf(a)!.core.request('REFER', { target: c.uri('carol'), headers: { 'Refer-To': '<sip:x@127.0.0.1>' } });
    expect(res.status).toBe(405);
    expect(res.get('Allow')).toMatch(/INVITE/);
    expect(res.get('Allow')).not.toMatch(/REFER/);
  });

  it('answers NOTIFYs of another package 489, broken ones 400, and ignores refer NOTIFYs with no transfer running', async () => {
    const { a, aToB, bFromA } = await threeParties();
    const dialog = engineOf(a)!.sessions()[0]!.dialog!;
    const other = await dialog.request('NOTIFY', { headers: { Event: 'presence', 'Subscription-State': 'active' } });
    expect(other.status).toBe(489);
    const stray = await dialog.request('NOTIFY', {
      headers: { Event: 'refer;id=1', 'Subscription-State': 'terminated' }, body: 'SIP/2.0 200 OK\r\n', contentType: 'message/sipfrag',
    });
    expect(stray.status).toBe(200);
    expect(bFromA.state).toBe('connected');
    const broken = await dialog.request('NOTIFY', {
      headers: { Event: 'refer', 'Subscription-State': 'active' }, body: 'hello\r\n', contentType: 'message/sipfrag',
    });
    expect(broken.status).toBe(400);
    expect(aToB.state).toBe('connected');
    await aToB.hangup();
  });

  it('answers a REFER without Refer-To with 400 and keeps the call', async () => {
    const { a, aToB, bFromA } = await threeParties();
    const dialog = engineOf(a)!.sessions()[0]!.dialog!;
    const res = await dialog.request('REFER', {});
    expect(res.status).toBe(400);
    expect(bFromA.state).toBe('connected');
    await aToB.hangup();
  });
});
