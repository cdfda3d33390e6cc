import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallFailedError, SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, EndReason, IncomingCall } from '../../src/index.js';
import { localManager, openHandles, recordedFrequency, sleep, waitFor } from './api-helpers.js';

let dir: string;
let managers: SessionManager[] = [];
let baseline: Record<string, number>;

async function start(config: Parameters<typeof localManager>[0] = {}): Promise<SessionManager> {
  const m = await localManager(config);
  managers.push(m);
  return m;
}

beforeEach(async () => {
  baseline = openHandles();
  dir = await mkdtemp(join(tmpdir(), 'sipline-api-loop-'));
});

afterEach(async () => {
  for (const m of managers) await m.close();
  for (const m of managers) expect(m.sessions()).toHaveLength(0);
  managers = [];
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 3000).catch(() => undefined);
  expect(openHandles()).toEqual(baseline);
  await rm(dir, { recursive: true, force: true });
});

describe.each(['UDP', 'TCP'] as const)('manager to manager over %s', (transport) => {
  it('answers and carries audio both ways, then the caller hangs up', async () => {
    const callee = await start();
    const caller = await start();
    const calleeRec = join(dir, 'callee.wav');
    const callerRec = join(dir, 'caller.wav');
    const calleeEnded = new Promise<EndReason>((resolve) => {
      callee.setCallHandler({
        async onIncomingCall(call) {
          const session = await call.answer({ play: new ToneSource({ frequency: 440 }) });
          await session.record(calleeRec);
        },
        onCallEnded: (_s, reason) => resolve(reason),
      });
    });
    const session = await caller.makeCall(callee.uri('bob', transport));
    expect(session.direction).toBe('outgoing');
    await session.answered();
    expect(session.state).toBe('connected');
    const recording = await session.record(callerRec);
    void session.play(new ToneSource({ frequency: 1000 })).catch(() => undefined);
    await sleep(1200);
    const stats = session.stats();
    expect(stats.packetsReceived).toBeGreaterThan(20);
    expect(stats.packetsSent).toBeGreaterThan(20);
    expect(stats.codec).toBe('PCMU');
    await session.hangup();
    await recording.finished;
    expect(session.endReason).toBe('local-hangup');
    expect(await calleeEnded).toBe('remote-hangup');
    await waitFor(() => callee.sessions().length === 0);
    const heardByCaller = await recordedFrequency(callerRec);
    expect(heardByCaller.samples).toBeGreaterThan(4000);
    expect(Math.abs(heardByCaller.frequency - 440)).toBeLessThanOrEqual(10);
    const heardByCallee = await recordedFrequency(calleeRec);
    expect(heardByCallee.samples).toBeGreaterThan(2000);
    expect(Math.abs(heardByCallee.frequency - 1000)).toBeLessThanOrEqual(10);
  });

  it('ends the call on both sides when the callee hangs up', async () => {
    const callee = await start();
    const caller = await start();
    let calleeSession: CallSession | undefined;
    callee.setCallHandler({ onIncomingCall: async (call) => { calleeSession = await call.answer(); } });
    const session = await caller.makeCall(callee.uri('bob', transport));
    await session.answered();
    await waitFor(() => calleeSession !== undefined);
    await calleeSession!.hangup();
    expect(calleeSession!.endReason).toBe('local-hangup');
    expect(await session.ended()).toBe('remote-hangup');
  });

  it('keeps the caller ringing while the handler defers, then connects when it answers', async () => {
    const callee = await start();
    const caller = await start();
    let pending: IncomingCall | undefined;
    callee.setCallHandler({ onIncomingCall: (call) => { pending = call; } });
    const session = await caller.makeCall(callee.uri('bob', transport), {
      from: { uri: 'sip:alice@127.0.0.1', displayName: 'Alice Example' },
      headers: { 'X-Account': '42' },
    });
    const states: string[] = [];
    session.on('state', (c) => states.push(c.to));
    await waitFor(() => session.state === 'ringing');
    await sleep(200);
    expect(session.state).toBe('ringing');
    expect(pending?.decision).toBe('pending');
    expect(pending?.caller).toEqual({ uri: 'sip:alice@127.0.0.1', displayName: 'Alice Example' });
    expect(pending?.callee.uri).toBe(callee.uri('bob', transport).replace(';transport=tcp', ''));
    expect(pending?.callId).toBe(session.callId);
    expect(pending?.header('x-account')).toBe('42');
    expect(pending?.header('User-Agent')).toMatch(/^sipline/);
    expect(pending?.headers['call-id']).toEqual([session.callId]);
    expect(pending?.remoteMedia?.address).toBe('127.0.0.1');
    expect(pending?.remoteMedia?.codecs).toContain('PCMU');
    await pending!.answer();
    await session.answered();
    expect(states).toEqual(['ringing', 'connected']);
    await session.hangup();
  });

  it('ends a ringing call as cancelled on the callee when the caller hangs up first', async () => {
    const callee = await start();
    const caller = await start();
    const ended = new Promise<EndReason>((resolve) => {
      callee.setCallHandler({ onIncomingCall: () => undefined, onCallEnded: (_s, r) => resolve(r) });
    });
    const session = await caller.makeCall(callee.uri('bob', transport));
    const failure = session.answered().catch((e: unknown) => e);
    await waitFor(() => session.state === 'ringing');
    await session.hangup();
    expect(await ended).toBe('cancelled');
    const err = await failure;
    expect(err).toBeInstanceOf(CallFailedError);
    expect(session.state).toBe('terminated');
  });
});

describe('rejections and failures', () => {
  it.each([
    [486, 'busy'],
    [603, 'declined'],
    [404, 'not-found'],
    [480, 'no-answer'],
    [403, 'rejected'],
    [503, 'unavailable'],
  ] as const)('reports a %i rejection to the caller as %s', async (status, reason) => {
    const callee = await start();
    const caller = await start();
    callee.setCallHandler({ onIncomingCall: (call) => call.reject(status) });
    const session = await caller.makeCall(callee.uri('bob'));
    const err = await session.answered().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallFailedError);
    expect(err).toMatchObject({ code: 'ERR_CALL_FAILED', status, reason });
    expect(await session.ended()).toBe(reason);
    expect(caller.counters.failed[reason]).toBe(1);
  });

  it('refuses an offer with no codec in common with 488 before the handler sees it', async () => {
    const callee = await start({ media: { codecs: ['PCMA'] } });
    const caller = await start();
    let asked = 0;
    callee.setCallHandler({ onIncomingCall: (call) => { asked++; return call.answer(); } });
    const session = await caller.makeCall(callee.uri('bob'), { codecs: ['PCMU'] });
    const err = await session.answered().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 488, reason: 'codec-mismatch' });
    expect(asked).toBe(0);
  });

  it('negotiates the codec the caller prefers among the callee\'s', async () => {
    const callee = await start({ media: { codecs: ['PCMA', 'PCMU'] } });
    const caller = await start();
    const session = await caller.makeCall(callee.uri('bob'), { codecs: ['PCMA'] });
    await session.answered();
    await waitFor(() => session.stats().codec !== undefined);
    expect(session.stats().codec).toBe('PCMA');
    await session.hangup();
  });

  it('rejects with 500 when the handler throws, and reports the error', async () => {
    const callee = await start();
    const caller = await start();
    const errors: unknown[] = [];
    callee.setCallHandler({ onIncomingCall: () => { throw new Error('handler bug'); }, onError: (e) => { errors.push(e); } });
    const session = await caller.makeCall(callee.uri('bob'));
    const err = await session.answered().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, reason: 'server-error' });
    expect((errors[0] as Error).message).toBe('handler bug');
  });

  it('gives up with no-answer when the ring timeout runs out', async () => {
    const callee = await start();
    const caller = await start();
    const ended = new Promise<EndReason>((resolve) => {
      callee.setCallHandler({ onIncomingCall: () => undefined, onCallEnded: (_s, r) => resolve(r) });
    });
    const session = await caller.makeCall(callee.uri('bob'), { timeoutMs: 300 });
    const err = await session.answered().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_CALL_FAILED', reason: 'no-answer' });
    expect(await ended).toBe('cancelled');
  });

  it('fails with timeout when nothing answers the INVITE (Timer B)', async () => {
    const sink = createSocket('udp4');
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    try {
      const caller = await start({ timers: { T1: 25, T2: 400, T4: 500 } });
      const session = await caller.makeCall(`sip:nobody@127.0.0.1:${sink.address().port}`);
      const err = await session.answered().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallFailedError);
      expect(err).toMatchObject({ reason: 'timeout' });
      expect(caller.counters.failed.timeout).toBe(1);
    } finally {
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    }
  });

  it('hangs up when the abort signal fires while ringing', async () => {
    const callee = await start();
    const caller = await start();
    callee.setCallHandler({ onIncomingCall: () => undefined });
    const ac = new AbortController();
    const session = await caller.makeCall(callee.uri('bob'), { signal: ac.signal });
    await waitFor(() => session.state === 'ringing');
    ac.abort();
    await session.ended();
    await waitFor(() => callee.sessions().length === 0);
  });

  it('refuses calls past maxSessions with 486 and counts them as overloaded', async () => {
    const callee = await start({ limits: { maxSessions: 1 } });
    const caller = await start();
    const first = await caller.makeCall(callee.uri('bob'));
    await first.answered();
    const second = await caller.makeCall(callee.uri('bob'));
    const err = await second.answered().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 486, reason: 'busy' });
    expect(callee.counters.failed.overloaded).toBe(1);
    expect(callee.sessions()).toHaveLength(1);
    await first.hangup();
  });

  it('ends every call with manager-closed when the manager closes', async () => {
    const callee = await start();
    const caller = await start();
    const session = await caller.makeCall(callee.uri('bob'));
    await session.answered();
    await callee.close();
    expect(await session.ended()).toBe('remote-hangup');
    expect(callee.sessions()).toHaveLength(0);
    expect(callee.counters.ended['manager-closed']).toBe(1);
  });
});
