/**
 * Two session engines over real 127.0.0.1 sockets (UDP and TCP): answered calls with audio both
 * ways, checked by the tone frequency each side records, and both hang-up directions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToneSource, toneRatio } from '../../src/media/index.js';
import type { Session, SessionEnd, SessionEngine } from '../../src/session/index.js';
import { MemorySink, closeAndCheck, handleCounts, startEngine, until } from '../unit/session/engine-harness.js';

let engines: SessionEngine[] = [];
let baseline: Record<string, number> = {};

beforeEach(() => {
  baseline = handleCounts();
});

afterEach(async () => {
  const list = engines;
  engines = [];
  await closeAndCheck(list, baseline);
});

async function pair(basePort: number): Promise<{ alice: SessionEngine; bob: SessionEngine }> {
  const alice = await startEngine(basePort);
  const bob = await startEngine(basePort + 1000);
  engines.push(alice, bob);
  return { alice, bob };
}

function nextSession(engine: SessionEngine): Promise<Session> {
  return new Promise((resolve) => engine.once('session', resolve));
}

describe.each([['UDP', 30000], ['TCP', 34000]] as const)('two session engines over loopback %s', (protocol, base) => {
  it('answers a call and carries a distinct tone each way, then the caller hangs up', async () => {
    const { alice, bob } = await pair(base);
    const bobSink = new MemorySink();
    const aliceSink = new MemorySink();
    const bobSession = nextSession(bob);
    bob.setIncomingSessionHandler(async (s) => {
      s.record(bobSink);
      await s.answer();
      void s.play(new ToneSource({ frequency: 1000 }));
    });
    const call = await alice.call({ target: bob.uriFor('bob', protocol) });
    expect(call.direction).toBe('outbound');
    expect(call.state).toBe('dialing');
    call.record(aliceSink);
    void call.play(new ToneSource({ frequency: 440 }));
    const media: string[] = [];
    call.on('media', (m) => media.push(`${m.type}:${m.codec}`));
    await call.answered();
    expect(call.state).toBe('connected');
    const callee = await bobSession;
    expect(callee.direction).toBe('inbound');
    expect(callee.remoteIdentity.uri).toBe(call.localIdentity.uri);
    expect(callee.remoteSdp?.codecs[0]?.name).toBe('PCMU');
    await until(() => aliceSink.frames.length >= 40 && bobSink.frames.length >= 40, 5000, 'audio both ways');
    const calleeEnded = new Promise<SessionEnd>((resolve) => callee.once('ended', resolve));
    expect(call.stats()?.packetsOut).toBeGreaterThan(20);
    expect(call.stats()?.mos).toBeGreaterThan(3.5);
    await call.hangup();
    expect(call.state).toBe('terminated');
    expect(call.endReason).toBe('local-hangup');
    expect((await calleeEnded).reason).toBe('remote-hangup');
    expect(media).toEqual(['started:PCMU', 'stopped:PCMU']);
    expect(bobSink.closed && aliceSink.closed).toBe(true);

    const atBob = bobSink.samples();
    const atAlice = aliceSink.samples();
    expect(toneRatio(atBob, bobSink.sampleRate, 440)).toBeGreaterThan(0.7);
    expect(toneRatio(atBob, bobSink.sampleRate, 1000)).toBeLessThan(0.05);
    expect(toneRatio(atAlice, aliceSink.sampleRate, 1000)).toBeGreaterThan(0.7);
    expect(toneRatio(atAlice, aliceSink.sampleRate, 440)).toBeLessThan(0.05);
    expect(alice.sessions()).toHaveLength(0);
    expect(bob.sessions()).toHaveLength(0);
    expect(alice.counters).toMatchObject({ callsOut: 1, answered: 1, active: 0, ended: { 'local-hangup': 1 } });
    expect(bob.counters).toMatchObject({ callsIn: 1, answered: 1, active: 0, ended: { 'remote-hangup': 1 } });
  });

  it('ends the call on both sides when the callee hangs up', async () => {
    const { alice, bob } = await pair(base + 100);
    const bobSession = nextSession(bob);
    const call = await alice.call({ target: bob.uriFor('bob', protocol) });
    await call.answered();
    const callee = await bobSession;
    await until(() => (callee.stats()?.packetsIn ?? 0) > 5, 3000, 'RTP at the callee');
    const callerEnded = new Promise<SessionEnd>((resolve) => call.once('ended', resolve));
    const states: string[] = [];
    call.on('state', (c) => states.push(`${c.from}>${c.to}:${c.reason}`));
    await callee.hangup();
    expect(callee.endReason).toBe('local-hangup');
    expect(await callerEnded).toEqual({ reason: 'remote-hangup' });
    expect(states).toEqual(['connected>terminating:remote-hangup', 'terminating>terminated:remote-hangup']);
  });

  it('answers an INVITE without SDP with an offer in the 200 and takes the answer from the ACK', async () => {
    const { alice, bob } = await pair(base + 200);
    const callee = nextSession(bob);
    // A bare UA-core INVITE without body, answered by the engine.
    const out = await alice.core.invite({ target: bob.uriFor('bob', protocol), ackBody: (res) => {
      const offer = res.body.toString();
      const port = /m=audio (\d+)/.exec(offer)?.[1];
      return { body: `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${Number(port) + 2} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n` };
    } });
    const outcome = await out.outcome;
    expect(outcome.accepted).toBe(true);
    const s = await callee;
    const started = await new Promise<{ remote: { port: number } }>((resolve) => {
      if (s.mediaInfo !== undefined) resolve(s.mediaInfo);
      else s.once('media', resolve);
    });
    expect(s.state).toBe('connected');
    expect(started.remote.port % 2).toBe(0);
    if (outcome.accepted) await outcome.dialog.bye();
    await s.finished;
    expect(s.endReason).toBe('remote-hangup');
  });

  it('delivers RFC 4733 DTMF digits as dtmf events and survives throwing listeners', async () => {
    const { alice, bob } = await pair(base + 300);
    const errors: unknown[] = [];
    alice.on('error', (e) => errors.push(e));
    const bobSession = nextSession(bob);
    const call = await alice.call({ target: bob.uriFor('bob', protocol) });
    call.on('state', () => { throw new Error('listener bug'); });
    await call.answered();
    expect(call.state).toBe('connected');
    const callee = await bobSession;
    const digits: string[] = [];
    callee.on('dtmf', (d) => { digits.push(d.digit); expect(d.duration).toBeGreaterThan(0); });
    await call.sendDtmf('1#9', { durationMs: 80 });
    await until(() => digits.length === 3, 3000, 'three digits');
    expect(digits.join('')).toBe('1#9');
    await call.hangup();
    expect(call.state).toBe('terminated');
    expect(errors.filter((e) => (e as Error).message === 'listener bug').length).toBeGreaterThanOrEqual(3);
  });
});
