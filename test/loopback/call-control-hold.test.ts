/**
 * Hold, resume, remote re-offers, mute and RFC 4028 session timers between two managers of ours
 * (and a bare user agent of ours where the far end must misbehave) on 127.0.0.1.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ReinviteFailedError, SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, HoldEvent, SessionManagerConfig } from '../../src/index.js';
import { engineSessionOf } from '../../src/api/index.js';
import { sendUpdate } from '../../src/dialog/index.js';
import type { Dialog, DialogRequestHandler, IncomingInvite } from '../../src/dialog/index.js';
import { systemClock } from '../../src/util/index.js';
import { createAnswer, DEFAULT_CODECS } from '../../src/sdp/index.js';
import { startUa } from '../helpers/ua.js';
import type { TestUa } from '../helpers/ua.js';
import { localManager, sleep, waitFor } from './api-helpers.js';

let managers: SessionManager[] = [];
let uas: TestUa[] = [];
let sockets: Socket[] = [];

async function start(config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await localManager(config);
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers) await m.close();
  for (const u of uas) await u.close();
  for (const s of sockets) s.close();
  managers = [];
  uas = [];
  sockets = [];
});

interface Pair {
  caller: CallSession;
  callee: CallSession;
  events: { caller: string[]; callee: string[] };
  /** What the callee's CallHandler.onHold / onResume saw. */
  hooks: string[];
}

function track(session: CallSession, into: string[]): void {
  session.on('hold', (e: HoldEvent) => into.push(`hold:${e.by}`));
  session.on('resume', (e: HoldEvent) => into.push(`resume:${e.by}`));
}

async function connectedPair(callerConfig: SessionManagerConfig = {}, calleeConfig: SessionManagerConfig = {}): Promise<Pair> {
  const calleeManager = await start(calleeConfig);
  const callerManager = await start(callerConfig);
  let callee: CallSession | undefined;
  const hooks: string[] = [];
  calleeManager.setCallHandler({
    onIncomingCall: async (call) => { callee = await call.answer(); },
    onHold: (s, e) => { hooks.push(`onHold:${e.by}:${s.state}`); },
    onResume: (s, e) => { hooks.push(`onResume:${e.by}`); },
  });
  const caller = await callerManager.makeCall(calleeManager.uri('bob'));
  await caller.answered();
  await waitFor(() => callee !== undefined && callee.state === 'connected' && callee.stats().packetsSent > 0 && caller.stats().packetsReceived > 0);
  const events = { caller: [] as string[], callee: [] as string[] };
  track(caller, events.caller);
  track(callee!, events.callee);
  return { caller, callee: callee!, events, hooks };
}

/** Packets sent by `session` over `ms`. */
async function sentDuring(session: CallSession, ms: number): Promise<number> {
  const before = session.stats().packetsSent;
  await sleep(ms);
  return session.stats().packetsSent - before;
}

async function receivedDuring(session: CallSession, ms: number): Promise<number> {
  const before = session.stats().packetsReceived;
  await sleep(ms);
  return session.stats().packetsReceived - before;
}

describe('hold and resume between two managers', () => {
  it('holds from the caller: the callee stops sending RTP, and resume restarts it', async () => {
    const { caller, callee, events, hooks } = await connectedPair();
    await caller.hold();
    expect(caller.state).toBe('on-hold');
    await waitFor(() => callee.state === 'on-hold');
    await sleep(100); // packets already in flight
    expect(await sentDuring(callee, 300)).toBe(0);
    expect(await receivedDuring(caller, 300)).toBe(0);
    expect(events.caller).toEqual(['hold:local']);
    expect(events.callee).toEqual(['hold:remote']);

    await caller.resume();
    expect(caller.state).toBe('connected');
    await waitFor(() => callee.state === 'connected');
    expect(await sentDuring(callee, 300)).toBeGreaterThan(5);
    expect(await receivedDuring(caller, 300)).toBeGreaterThan(5);
    expect(events.caller).toEqual(['hold:local', 'resume:local']);
    expect(events.callee).toEqual(['hold:remote', 'resume:remote']);
    await waitFor(() => hooks.length === 2);
    expect(hooks).toEqual(['onHold:remote:on-hold', 'onResume:remote']);
    await caller.hangup();
  }, 15000);

  it('holds from the callee, with the state reasons of both sides', async () => {
    const { caller, callee, events } = await connectedPair();
    const reasons: string[] = [];
    caller.on('state', (c) => reasons.push(`${c.to}:${c.reason}`));
    await callee.hold();
    await waitFor(() => caller.state === 'on-hold');
    await sleep(100);
    expect(await sentDuring(caller, 300)).toBe(0);
    await callee.resume();
    await waitFor(() => caller.state === 'connected');
    expect(await sentDuring(caller, 300)).toBeGreaterThan(5);
    expect(reasons).toEqual(['on-hold:remote-hold', 'connected:remote-resume']);
    expect(events.callee).toEqual(['hold:local', 'resume:local']);
    await callee.hangup();
  }, 15000);

  it('answers a hold on a call the far end already holds with inactive, and both sides stay consistent', async () => {
    const { caller, callee, events } = await connectedPair();
    await caller.hold();
    await waitFor(() => callee.state === 'on-hold');
    await callee.hold();
    const calleeSession = engineSessionOf(callee)!;
    const callerSession = engineSessionOf(caller)!;
    expect(calleeSession.holdState).toEqual({ local: true, remote: true });
    await waitFor(() => callerSession.holdState.remote);
    await sleep(100);
    expect(await sentDuring(caller, 300)).toBe(0);
    expect(await sentDuring(callee, 300)).toBe(0);
    await caller.resume();
    expect(caller.state).toBe('on-hold'); // the callee still holds
    await callee.resume();
    await waitFor(() => caller.state === 'connected' && callee.state === 'connected');
    expect(await sentDuring(caller, 300)).toBeGreaterThan(5);
    expect(events.caller).toEqual(['hold:local', 'hold:remote', 'resume:local', 'resume:remote']);
    await caller.hangup();
  }, 15000);

  it('retries a simultaneous hold from both sides after 491 and ends with both holding', async () => {
    const { caller, callee, events } = await connectedPair();
    await Promise.all([caller.hold(), callee.hold()]);
    await waitFor(() => events.caller.includes('hold:remote') && events.callee.includes('hold:remote'), 10000);
    expect(caller.state).toBe('on-hold');
    expect(callee.state).toBe('on-hold');
    expect(engineSessionOf(caller)!.holdState).toEqual({ local: true, remote: true });
    expect(engineSessionOf(callee)!.holdState).toEqual({ local: true, remote: true });
    await sleep(100);
    expect(await sentDuring(caller, 300)).toBe(0);
    expect(await sentDuring(callee, 300)).toBe(0);
    await caller.hangup();
  }, 20000);

  it('rejects hold() before the call is connected without sending anything', async () => {
    const calleeManager = await start();
    const callerManager = await start();
    calleeManager.setCallHandler({ onIncomingCall: () => undefined }); // keeps ringing
    const caller = await callerManager.makeCall(calleeManager.uri('bob'));
    await waitFor(() => caller.state === 'ringing');
    await expect(caller.hold()).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
    await expect(caller.resume()).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
    await caller.hangup();
  });
});

/** A far end built on the bare UA core: answers the INVITE with `answerSdp`, then `onReinvite` decides. */
async function bareCallee(onRequest: DialogRequestHandler, port = 0): Promise<{ ua: TestUa; dialogs: Dialog[]; rtp: Socket; rtpPort: number }> {
  const ua = await startUa('far', port === 0 ? {} : { port });
  uas.push(ua);
  const rtp = createSocket('udp4');
  sockets.push(rtp);
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
  const rtpPort = rtp.address().port;
  const dialogs: Dialog[] = [];
  ua.core.setInviteHandler((invite: IncomingInvite) => {
    const answer = createAnswer(invite.request.body.toString('utf8'), DEFAULT_CODECS, { address: '127.0.0.1', port: rtpPort });
    const dialog = invite.accept({ body: answer.sdp });
    dialog.setRequestHandler(onRequest);
    dialogs.push(dialog);
  });
  return { ua, dialogs, rtp, rtpPort };
}

describe('renegotiation with a far end that misbehaves or changes things', () => {
  it('leaves the call exactly as it was when the far end rejects the hold re-INVITE with 488', async () => {
    const far = await bareCallee((req) => { req.respond(req.method === 'INVITE' ? 488 : 200); });
    const manager = await start();
    const caller = await manager.makeCall(far.ua.uri('far', 'UDP'));
    await caller.answered();
    await waitFor(() => caller.stats().packetsSent > 0);
    const states: string[] = [];
    caller.on('state', (c) => states.push(c.to));
    const err = await caller.hold().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ReinviteFailedError);
    expect(err).toMatchObject({ code: 'ERR_REINVITE_FAILED', status: 488, operation: 'hold' });
    // The error names the call it concerns (issue 10): session, state, Call-ID, tags, status, hint.
    const ctx = (err as ReinviteFailedError).context;
    expect(ctx).toMatchObject({ sessionId: caller.id, sessionState: 'connected', callId: caller.callId, status: 488 });
    expect(ctx.localTag).toMatch(/\S/);
    expect(ctx.remoteTag).toMatch(/\S/);
    expect((err as ReinviteFailedError).hint).toMatch(/\S/);
    expect(caller.state).toBe('connected');
    expect(states).toEqual([]);
    expect(engineSessionOf(caller)!.holdState).toEqual({ local: false, remote: false });
    expect(await sentDuring(caller, 200)).toBeGreaterThan(3);
    // Still usable: a later hangup works normally.
    await caller.hangup();
    expect(caller.endReason).toBe('local-hangup');
  }, 15000);

  it('applies a re-INVITE that moves the far end to another port and codec without dropping the call', async () => {
    const far = await bareCallee((req) => { req.respond(200); });
    const manager = await start();
    const caller = await manager.makeCall(far.ua.uri('far', 'UDP'));
    await caller.answered();
    await waitFor(() => caller.stats().codec === 'PCMU');
    // A new RTP port on the far side, and PCMA instead of PCMU.
    const moved = createSocket('udp4');
    sockets.push(moved);
    await new Promise<void>((resolve) => moved.bind(0, '127.0.0.1', resolve));
    const payloadTypes: number[] = [];
    moved.on('message', (msg) => payloadTypes.push(msg[1]! & 0x7f));
    const offer = [
      'v=0', 'o=far 1 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      `m=audio ${moved.address().port} RTP/AVP 8`, 'a=rtpmap:8 PCMA/8000', 'a=sendrecv', '',
    ].join('\r\n');
    await waitFor(() => far.dialogs[0]?.pendingAnswer === undefined); // our ACK arrived
    const res = await far.dialogs[0]!.reinvite({ body: offer });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toMatch(/m=audio \d+ RTP\/AVP 8/);
    await waitFor(() => payloadTypes.length > 5);
    expect(new Set(payloadTypes)).toEqual(new Set([8]));
    expect(caller.stats().codec).toBe('PCMA');
    expect(caller.state).toBe('connected');
    await caller.hangup();
  }, 15000);

  it('follows a hold and a resume sent as UPDATE offers (RFC 3311) by the far end', async () => {
    const far = await bareCallee((req) => { req.respond(200); });
    const manager = await start();
    const caller = await manager.makeCall(far.ua.uri('far', 'UDP'));
    await caller.answered();
    const events: string[] = [];
    track(caller, events);
    await waitFor(() => far.dialogs[0]?.pendingAnswer === undefined);
    const sdp = (direction: string, version: number): string => [
      'v=0', `o=far 1 ${version} IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      `m=audio ${far.rtpPort} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', `a=${direction}`, '',
    ].join('\r\n');
    const held = await sendUpdate(far.dialogs[0]!, { clock: systemClock, body: sdp('sendonly', 2) });
    expect(held.status).toBe(200);
    expect(held.body.toString()).toMatch(/a=recvonly/);
    await waitFor(() => caller.state === 'on-hold');
    await sleep(100);
    expect(await sentDuring(caller, 300)).toBe(0);
    const resumed = await sendUpdate(far.dialogs[0]!, { clock: systemClock, body: sdp('sendrecv', 3) });
    expect(resumed.status).toBe(200);
    await waitFor(() => caller.state === 'connected');
    expect(await sentDuring(caller, 300)).toBeGreaterThan(5);
    expect(events).toEqual(['hold:remote', 'resume:remote']);
    await caller.hangup();
  }, 15000);

  it('answers 488 to a re-offer with no codec it can use and keeps the call', async () => {
    const far = await bareCallee((req) => { req.respond(200); });
    const manager = await start();
    const caller = await manager.makeCall(far.ua.uri('far', 'UDP'));
    await caller.answered();
    const offer = [
      'v=0', 'o=far 1 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      'm=audio 40000 RTP/AVP 18', 'a=rtpmap:18 G729/8000', '',
    ].join('\r\n');
    await waitFor(() => far.dialogs[0]?.pendingAnswer === undefined); // our ACK arrived
    const res = await far.dialogs[0]!.reinvite({ body: offer });
    expect(res.status).toBe(488);
    expect(caller.state).toBe('connected');
    expect(caller.stats().codec).toBe('PCMU');
    await caller.hangup();
  }, 15000);
});

describe('mute', () => {
  it('keeps RTP flowing with silence while muted, without renegotiation or state change', async () => {
    const { caller, callee } = await connectedPair();
    void caller.play(new ToneSource({ frequency: 1000, durationMs: 10_000 }));
    const frames: Int16Array[] = [];
    callee.receiveAudio({ sampleRate: 8000 }).on('data', (f: Int16Array) => frames.push(f));
    await sleep(300);
    const loud = frames.splice(0).slice(2).reduce((m, f) => Math.max(m, ...Array.from(f, Math.abs)), 0);
    expect(loud).toBeGreaterThan(5000);
    const states: string[] = [];
    caller.on('state', (c) => states.push(c.to));
    await caller.mute();
    expect(caller.muted).toBe(true);
    await sleep(100);
    frames.length = 0;
    expect(await sentDuring(caller, 300)).toBeGreaterThan(5);
    const quiet = frames.reduce((m, f) => Math.max(m, ...Array.from(f, Math.abs)), 0);
    expect(frames.length).toBeGreaterThan(5);
    expect(quiet).toBeLessThan(50);
    await caller.unmute();
    expect(caller.muted).toBe(false);
    await sleep(150);
    frames.length = 0;
    await sleep(200);
    expect(frames.reduce((m, f) => Math.max(m, ...Array.from(f, Math.abs)), 0)).toBeGreaterThan(5000);
    expect(states).toEqual([]);
    expect(caller.state).toBe('connected');
    await caller.hangup();
  }, 15000);
});

describe('session timers (RFC 4028)', () => {
  const short = { sessionTimers: { expires: 2, minSE: 1 } } as const;

  it('negotiates the interval and refreshes at half of it, keeping the call up', async () => {
    const { caller, callee } = await connectedPair(short, short);
    const a = engineSessionOf(caller)!;
    const b = engineSessionOf(callee)!;
    expect(a.sessionTimer).toMatchObject({ interval: 2, weRefresh: true });
    expect(b.sessionTimer).toMatchObject({ interval: 2, weRefresh: false });
    const started = Date.now();
    await waitFor(() => (a.sessionTimer?.refreshes ?? 0) >= 2 && (b.sessionTimer?.refreshes ?? 0) >= 2, 4000);
    // Two refreshes at half the 2 s interval: about 2 s, never much sooner.
    expect(Date.now() - started).toBeGreaterThan(1500);
    expect(caller.state).toBe('connected');
    expect(callee.state).toBe('connected');
    await caller.hangup();
  }, 15000);

  it('retries the INVITE after 422 with the larger Min-SE', async () => {
    const { caller, callee } = await connectedPair(short, { sessionTimers: { expires: 4, minSE: 4 } });
    expect(engineSessionOf(caller)!.sessionTimer).toMatchObject({ interval: 4, weRefresh: true });
    expect(engineSessionOf(callee)!.sessionTimer).toMatchObject({ interval: 4 });
    expect(engineSessionOf(caller)!.request?.get('Session-Expires')).toBe('4');
    await caller.hangup();
  }, 15000);

  it('refreshes by re-INVITE repeating the same SDP version when the far end does not allow UPDATE', async () => {
    const ua = await startUa('far', { core: { allowedMethods: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'] } });
    uas.push(ua);
    const refreshes: { se: string | undefined; sdp: string }[] = [];
    ua.core.setInviteHandler((invite: IncomingInvite) => {
      const answer = createAnswer(invite.request.body.toString('utf8'), DEFAULT_CODECS, { address: '127.0.0.1', port: 40010 });
      const dialog = invite.accept({ body: answer.sdp, headers: { 'Session-Expires': '2;refresher=uac', Require: 'timer' } });
      dialog.setRequestHandler((req) => {
        refreshes.push({ se: req.request.get('Session-Expires'), sdp: req.request.body.toString('utf8') });
        const again = createAnswer(req.request.body.toString('utf8'), DEFAULT_CODECS, { address: '127.0.0.1', port: 40010 });
        req.respond(200, { body: again.sdp, headers: { 'Session-Expires': '2;refresher=uac' } });
      });
    });
    const manager = await start(short);
    const caller = await manager.makeCall(ua.uri('far', 'UDP'));
    await caller.answered();
    const first = engineSessionOf(caller)!.request!.body.toString('utf8');
    await waitFor(() => refreshes.length >= 2, 4000);
    expect(refreshes[0]!.se).toBe('2;refresher=uac');
    const origin = (sdp: string): string | undefined => /^o=.*$/m.exec(sdp)?.[0];
    expect(origin(refreshes[0]!.sdp)).toBe(origin(first));
    expect(origin(refreshes[1]!.sdp)).toBe(origin(first));
    expect(caller.state).toBe('connected');
    await caller.hangup();
  }, 15000);

  it('sends BYE with a Reason when the far end, as refresher, never refreshes', async () => {
    const ua = await startUa('uac');
    uas.push(ua);
    const manager = await start(short);
    let callee: CallSession | undefined;
    manager.setCallHandler({ onIncomingCall: async (call) => { callee = await call.answer(); } });
    const byes: string[] = [];
    const sdp = [
      'v=0', 'o=uac 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      'm=audio 40002 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', '',
    ].join('\r\n');
    const invite = await ua.core.invite({
      target: manager.uri('bob', 'UDP'), body: sdp,
      headers: { Supported: 'timer', 'Session-Expires': '2;refresher=uac', 'Min-SE': '1' },
    });
    const dialog = await new Promise<Dialog>((resolve) => invite.on('accepted', (d) => resolve(d)));
    dialog.setRequestHandler((req) => { req.respond(200); });
    ua.core.setRequestHandler((req) => { req.respond(200); });
    dialog.on('terminated', (why) => byes.push(why));
    const reasons: (string | undefined)[] = [];
    ua.transport.on('message', (m) => {
      if ('method' in m.message && m.message.method === 'BYE') reasons.push(m.message.get('Reason'));
    });
    const started = Date.now();
    await waitFor(() => callee !== undefined && callee.state === 'terminated', 5000);
    const elapsed = Date.now() - started;
    expect(callee!.endReason).toBe('timeout');
    expect(elapsed).toBeGreaterThan(900);
    expect(elapsed).toBeLessThan(3000);
    await waitFor(() => byes.length > 0);
    expect(byes).toEqual(['bye-received']);
    expect(reasons[0]).toMatch(/^SIP ;cause=408/);
  }, 15000);
});
