/**
 * Smoke tests of examples/: each example's main() runs against a local peer
 * (another manager of ours on an ephemeral port) within a bounded time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/media/index.js';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, EndReason } from '../../src/index.js';
import { main as simpleServer } from '../../examples/simple-server.js';
import { main as simpleClient } from '../../examples/simple-client.js';
import { main as selectiveHandler } from '../../examples/selective-handler.js';
import { main as callMonitoring } from '../../examples/call-monitoring.js';
import { main as multiLine } from '../../examples/multi-line.js';
import { main as mediaExample } from '../../examples/media.js';
import { main as ivrExample } from '../../examples/ivr.js';
import { main as callControlExample } from '../../examples/call-control.js';
import { main as bridgeExample } from '../../examples/bridge.js';
import { main as conferenceExample } from '../../examples/conference.js';
import { main as b2buaExample } from '../../examples/b2bua.js';
import { main as observabilityExample } from '../../examples/observability.js';
import { main as registerAndAnswerExample } from '../../examples/register-and-answer.js';
import { main as registrarExample } from '../../examples/registrar.js';
import { createRegistrar } from '../../src/advanced/index.js';
import { localManager, openHandles, recordedFrequency, waitFor } from '../loopback/api-helpers.js';

let dir: string;
let baseline: Record<string, number>;
const opened: SessionManager[] = [];
const lines: string[] = [];
const log = (line: string): void => { lines.push(line); };

async function peer(): Promise<SessionManager> {
  const m = await localManager();
  opened.push(m);
  return m;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sipline-examples-'));
  lines.length = 0;
  baseline = openHandles();
});

afterEach(async () => {
  for (const m of opened.splice(0)) {
    await m.close();
    expect(m.sessions()).toHaveLength(0);
  }
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline)).catch(() => undefined);
  expect(openHandles()).toEqual(baseline);
  await rm(dir, { recursive: true, force: true });
});

describe('examples', () => {
  it('simple-server answers a call', async () => {
    const server = await simpleServer({ port: 0 });
    opened.push(server);
    const caller = await peer();
    const session = await caller.makeCall(server.uri('demo'));
    await session.answered();
    await session.hangup();
    expect(server.counters.answered).toBe(1);
  });

  it('simple-client calls, plays a WAV file and hangs up', async () => {
    const callee = await peer();
    const rec = join(dir, 'heard.wav');
    callee.setCallHandler({ onIncomingCall: async (call) => { await (await call.answer()).record(rec); } });
    const wav = join(dir, 'hello.wav');
    const tone = new ToneSource({ frequency: 700, durationMs: 800 });
    const pcm = new Int16Array(6400);
    for (let i = 0; i < 40; i++) pcm.set(tone.read(160, 8000) ?? new Int16Array(160), i * 160);
    await writeFile(wav, encodeWav(pcm, 8000));
    const result = await simpleClient({ target: callee.uri('bob'), wavPath: wav, log });
    expect(result).toMatchObject({ answered: true, endReason: 'local-hangup' });
    expect(result.stats.packetsSent).toBeGreaterThan(20);
    await new Promise((r) => setTimeout(r, 100));
    const heard = await recordedFrequency(rec);
    expect(Math.abs(heard.frequency - 700)).toBeLessThanOrEqual(10);
  });

  it('simple-client reports a call that is not answered', async () => {
    const callee = await peer();
    callee.setCallHandler({ onIncomingCall: (call) => call.reject(603) });
    const result = await simpleClient({ target: callee.uri('bob'), log });
    expect(result).toMatchObject({ answered: false, endReason: 'declined' });
  });

  it('selective-handler answers allowed callers and declines the others', async () => {
    const server = await selectiveHandler({ port: 0, allow: ['alice'], block: ['spam'], log });
    opened.push(server);
    const caller = await peer();
    const outcome = async (user: string): Promise<EndReason | 'answered'> => {
      const s = await caller.makeCall(server.uri('desk'), { from: `sip:${user}@127.0.0.1` });
      try {
        await s.answered();
      } catch {
        return s.endReason ?? 'error';
      }
      await s.hangup();
      return 'answered';
    };
    expect(await outcome('alice')).toBe('answered');
    expect(await outcome('spam')).toBe('declined');
    expect(await outcome('carol')).toBe('busy');
  });

  it('call-monitoring reports states, DTMF and statistics', async () => {
    const monitor = await callMonitoring({ port: 0, statsIntervalMs: 200, log });
    opened.push(monitor.manager);
    const caller = await peer();
    const s = await caller.makeCall(monitor.manager.uri('monitor'));
    await s.answered();
    await s.sendDtmf('5');
    await new Promise((r) => setTimeout(r, 500));
    await s.hangup();
    const counters = await monitor.close();
    expect(counters.answered).toBe(1);
    const text = lines.join('\n');
    expect(text).toMatch(/ringing -> connected/);
    expect(text).toMatch(/DTMF 5/);
    expect(text).toMatch(/stats: PCMU in=\d+/);
    expect(text).toMatch(/ended: remote-hangup/);
  });

  it('multi-line places concurrent calls', async () => {
    const callee = await peer();
    const result = await multiLine({ target: callee.uri('lines'), calls: 5, holdMs: 300, log });
    expect(result.answered).toBe(5);
    expect(result.counters.callsOut).toBe(5);
    expect(callee.counters.callsIn).toBe(5);
  });

  it('media records, plays and streams PCM', async () => {
    const callee = await peer();
    callee.setCallHandler({ onIncomingCall: (call) => call.answer({ play: new ToneSource({ frequency: 600 }) }) });
    const rec = join(dir, 'media.wav');
    const result = await mediaExample({ target: callee.uri('media'), recordPath: rec, phaseMs: 400, log });
    expect(result.framesReceived).toBeGreaterThan(5);
    expect(result.samplesSent).toBe(3200);
    const heard = await recordedFrequency(rec);
    expect(Math.abs(heard.frequency - 600)).toBeLessThanOrEqual(10);
  });

  it('ivr plays the menu, takes a choice by DTMF and hangs up on #', async () => {
    const ivr = await ivrExample({ port: 0, log });
    const caller = await peer();
    try {
      const s = await caller.makeCall(ivr.manager.uri('ivr'));
      await s.answered();
      const rec = join(dir, 'ivr.wav');
      const recording = await s.record(rec);
      await new Promise((r) => setTimeout(r, 300));
      await s.sendDtmf('2');
      await waitFor(() => lines.some((l) => /chose 2: support/.test(l)));
      await new Promise((r) => setTimeout(r, 450));
      await recording.stop();
      // The support prompt (880 Hz in the generated prompts) follows the choice.
      const heard = await recordedFrequency(rec);
      expect(Math.abs(heard.frequency - 880)).toBeLessThanOrEqual(10);
      await s.sendDtmf('#', { method: 'info' });
      expect(await s.ended()).toBe('remote-hangup');
      expect(lines.join('\n')).toMatch(/chose #: goodbye/);
    } finally {
      await ivr.close();
    }
  });

  for (const mode of ['blind', 'attended'] as const) {
    it(`call-control holds, resumes and transfers a caller (${mode})`, async () => {
      const target = await peer();
      const targetCalls: CallSession[] = [];
      target.setCallHandler({ onCallEstablished: (s) => { targetCalls.push(s); } });
      const desk = await callControlExample({ port: 0, transferTo: target.uri('carol'), mode, holdMs: 300, log });
      try {
        const caller = await peer();
        const callerCalls: CallSession[] = [];
        caller.setCallHandler({ onCallEstablished: (s) => { callerCalls.push(s); } });
        const first = await caller.makeCall(desk.manager.uri('desk'));
        const outcome = await desk.handled;
        expect(outcome.transfer).toMatchObject({ outcome: 'succeeded', status: 200, attended: mode === 'attended' });
        expect(['transferred', 'remote-hangup']).toContain(outcome.endReason);
        await waitFor(() => first.state === 'terminated' && callerCalls.some((c) => c !== first && c.state === 'connected'));
        const text = lines.join('\n');
        expect(text).toMatch(/on hold[\s\S]*resumed[\s\S]*transfer accepted: 202[\s\S]*transfer succeeded \(200 OK\)/);
        await waitFor(() => targetCalls.some((c) => c.state === 'connected' && c.remote.uri === first.local.uri));
        await callerCalls.find((c) => c !== first)!.hangup();
      } finally {
        await desk.close();
      }
    });
  }

  it('bridge calls two parties and joins them', async () => {
    const alice = await peer();
    const bob = await peer();
    let bobSession: CallSession | undefined;
    alice.setCallHandler({ onIncomingCall: (call) => call.answer({ play: new ToneSource({ frequency: 500 }) }) });
    bob.setCallHandler({ onIncomingCall: async (call) => { bobSession = await call.answer(); } });
    const result = bridgeExample({ targets: [alice.uri('alice'), bob.uri('bob')], log });
    await waitFor(() => bobSession !== undefined && lines.some((l) => /are talking/.test(l)));
    await new Promise((r) => setTimeout(r, 400));
    await bobSession!.hangup();
    const { mode, counters } = await result;
    expect(mode).toBe('relay');
    expect(counters.relayedPackets).toBeGreaterThan(10);
    expect(lines.join('\n')).toMatch(/left the bridge \(ended\)/);
  });

  it('conference admits callers with the right PIN and hangs up on the others', async () => {
    const { manager, room } = await conferenceExample({ pin: '4711', port: 0, pinTimeoutMs: 3000, log });
    opened.push(manager);
    const caller = await peer();
    const dialIn = async (pin: string) => {
      const s = await caller.makeCall(manager.uri('conference'));
      await s.answered();
      await s.sendDtmf(`${pin}#`, { durationMs: 60, gapMs: 40 });
      return s;
    };
    const [a, b] = [await dialIn('4711'), await dialIn('4711')];
    await waitFor(() => room.size === 2);
    const wrong = await dialIn('1234');
    expect(await wrong.ended()).toBe('remote-hangup');
    expect(room.size).toBe(2);
    await a.hangup();
    await waitFor(() => room.size === 1);
    await b.hangup();
    expect(lines.join('\n')).toMatch(/wrong PIN/);
  });

  it('b2bua passes a call on to its target and ends both legs together', async () => {
    const desk = await peer();
    let deskEnded: EndReason | undefined;
    desk.setCallHandler({ onIncomingCall: (call) => call.answer(), onCallEnded: (_s, reason) => { deskEnded = reason; } });
    const { manager } = await b2buaExample({ target: desk.uri('desk'), port: 0, log });
    opened.push(manager);
    const caller = await peer();
    const s = await caller.makeCall(manager.uri('desk'));
    await s.answered();
    await waitFor(() => lines.some((l) => /bridged to/.test(l)));
    await s.hangup();
    await waitFor(() => deskEnded !== undefined);
    expect(deskEnded).toBe('remote-hangup');
    await waitFor(() => lines.some((l) => /both legs ended/.test(l)));
  });

  it('observability logs, counts and traces calls and refuses past its capacity', async () => {
    const server = await observabilityExample({ port: 0, metricsPort: 0, maxConcurrent: 1, log });
    try {
      const caller = await peer();
      const first = await caller.makeCall(server.manager.uri('demo'));
      await first.answered();
      const second = await caller.makeCall(server.manager.uri('demo'));
      await expect(second.answered()).rejects.toMatchObject({ reason: 'unavailable', context: { status: 503 } });
      await first.hangup();
      await waitFor(() => server.metrics.snapshot().ended['remote-hangup']?.count === 1);
      await waitFor(() => server.lastTrace().some((l) => / out SIP\/2\.0 200 OK$/.test(l)));
      const text = await (await fetch(server.metricsUrl)).text();
      expect(text).toContain('sipline_calls_ended_total{outcome="remote-hangup"} 1');
      expect(text).toContain('sipline_calls_ended_total{outcome="rejected"} 1');
      expect(server.lastTrace()[0]).toMatch(/ in INVITE sip:demo@127\.0\.0\.1:\d+ SIP\/2\.0$/);
      // Each line starts with the session id and the correlation id of the call.
      expect(lines.some((l) => /^\S+ \[[A-Za-z0-9]{16}\] incoming call .* -> sip:demo@/.test(l))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('register-and-answer registers with digest authentication and answers a call to its AOR', async () => {
    const pbx = await peer();
    createRegistrar(pbx, { domain: 'example.test', authenticate: { lookup: (u) => (u === 'alice' ? 'pw' : undefined) } });
    const phone = await registerAndAnswerExample({
      registrar: `sip:127.0.0.1:${pbx.port}`, aor: 'sip:alice@example.test', username: 'alice', password: 'pw', port: 0, log,
    });
    opened.push(phone.manager);
    await waitFor(() => lines.some((l) => /^registered sip:alice@example\.test for 600 s$/.test(l)));
    const s = await pbx.makeCall('sip:alice@example.test');
    await s.answered();
    await s.hangup();
    await waitFor(() => lines.some((l) => /ended: remote-hangup/.test(l)));
  });

  it('registrar lets a phone register and be called by its address-of-record', async () => {
    const { manager: pbx, registrar } = await registrarExample({ domain: 'example.test', users: { bob: 'bob-pw' }, port: 0, log });
    opened.push(pbx);
    const phone = await peer();
    phone.setCallHandler({ onIncomingCall: (call) => call.answer() });
    const reg = phone.register({ registrar: `sip:127.0.0.1:${pbx.port}`, aor: 'sip:bob@example.test', username: 'bob', password: 'bob-pw' });
    await reg.registered();
    expect((await registrar.lookup('sip:bob@example.test'))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith('sip:bob@example.test is at sip:bob@127.0.0.1:'))).toBe(true);
    const caller = await localManager({ sip: { outboundProxy: `sip:127.0.0.1:${pbx.port}` } });
    opened.push(caller);
    const s = await caller.makeCall('sip:bob@example.test');
    await s.answered();
    await waitFor(() => phone.sessions().length === 1);
    await s.hangup();
  });
});
