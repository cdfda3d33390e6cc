import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dominantFrequency } from '../../src/media/index.js';
import { ConfigError, SessionManager, SiplineError, ToneSource } from '../../src/index.js';
import type { CallSession, DtmfEvent } from '../../src/index.js';
import { localManager, openHandles, sleep, waitFor } from './api-helpers.js';

let managers: SessionManager[] = [];
let baseline: Record<string, number>;

async function start(config: Parameters<typeof localManager>[0] = {}): Promise<SessionManager> {
  const m = await localManager(config);
  managers.push(m);
  return m;
}

beforeEach(() => {
  baseline = openHandles();
});

afterEach(async () => {
  for (const m of managers) await m.close();
  for (const m of managers) expect(m.sessions()).toHaveLength(0);
  managers = [];
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 3000).catch(() => undefined);
  expect(openHandles()).toEqual(baseline);
});

async function connectedPair(): Promise<{ caller: CallSession; callee: CallSession; callerManager: SessionManager; calleeManager: SessionManager; dtmf: DtmfEvent[] }> {
  const calleeManager = await start();
  const callerManager = await start();
  const dtmf: DtmfEvent[] = [];
  let callee: CallSession | undefined;
  calleeManager.setCallHandler({
    onIncomingCall: async (call) => { callee = await call.answer(); },
    onDtmf: (_s, event) => { dtmf.push(event); },
  });
  const caller = await callerManager.makeCall(calleeManager.uri('bob'));
  await caller.answered();
  await waitFor(() => callee !== undefined && callee.state === 'connected');
  return { caller, callee: callee!, callerManager, calleeManager, dtmf };
}

describe('media through the public API', () => {
  it('delivers DTMF sent with sendDtmf to the far end handler and session events', async () => {
    const { caller, callee, dtmf } = await connectedPair();
    const events: string[] = [];
    callee.on('dtmf', (e) => events.push(e.digit));
    await caller.sendDtmf('1*9#');
    await waitFor(() => dtmf.length === 4);
    expect(dtmf.map((d) => d.digit)).toEqual(['1', '*', '9', '#']);
    expect(events).toEqual(['1', '*', '9', '#']);
    expect(dtmf[0]!.durationMs).toBeGreaterThanOrEqual(80);
    await caller.hangup();
  });

  it('streams application PCM out of one side and into the other', async () => {
    const { caller, callee } = await connectedPair();
    const frames: Int16Array[] = [];
    const readable = callee.receiveAudio({ sampleRate: 8000 });
    readable.on('data', (f: Int16Array) => frames.push(f));
    const out = caller.sendAudio({ sampleRate: 8000 });
    const tone = new ToneSource({ frequency: 850 });
    for (let i = 0; i < 40; i++) out.push(tone.read(160, 8000)!);
    out.end();
    await sleep(1100);
    await caller.hangup();
    await waitFor(() => readable.readableEnded || readable.destroyed || callee.state === 'terminated');
    const pcm = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) { pcm.set(f, at); at += f.length; }
    expect(pcm.length).toBeGreaterThan(4000);
    // Find the loud part (the tone) and check its frequency.
    const onset = pcm.findIndex((v) => Math.abs(v) > 2000);
    expect(onset).toBeGreaterThanOrEqual(0);
    const window = pcm.subarray(onset + 400, onset + 2800);
    expect(window.length).toBe(2400);
    expect(Math.abs(dominantFrequency(window, 8000, undefined, 10) - 850)).toBeLessThanOrEqual(10);
  });

  it('starts a source given before the answer once media starts', async () => {
    const calleeManager = await start();
    const callerManager = await start();
    const frames: Int16Array[] = [];
    calleeManager.setCallHandler({
      onIncomingCall: async (call) => {
        await sleep(100);
        const s = await call.answer();
        s.receiveAudio().on('data', (f: Int16Array) => frames.push(f));
      },
    });
    const caller = await callerManager.makeCall(calleeManager.uri('bob'));
    expect(caller.state).not.toBe('connected');
    void caller.play(new ToneSource({ frequency: 1200 })).catch(() => undefined);
    await caller.answered();
    await sleep(600);
    await caller.hangup();
    const pcm = Int16Array.from(frames.flatMap((f) => Array.from(f)));
    expect(pcm.length).toBeGreaterThan(2400);
    const window = pcm.subarray(pcm.length - 2400);
    expect(Math.abs(dominantFrequency(window, 8000, undefined, 10) - 1200)).toBeLessThanOrEqual(10);
  });

  it('reports statistics that grow while the call runs', async () => {
    const { caller } = await connectedPair();
    void caller.play(new ToneSource({ frequency: 300 })).catch(() => undefined);
    await sleep(300);
    const first = caller.stats();
    await sleep(400);
    const second = caller.stats();
    expect(second.packetsSent).toBeGreaterThan(first.packetsSent);
    expect(second.packetsReceived).toBeGreaterThan(first.packetsReceived);
    expect(second.mos).toBeGreaterThan(4);
    expect(second.durationMs).toBeGreaterThan(first.durationMs);
    await caller.hangup();
  });
});

describe('manager life cycle', () => {
  it('closes at the end of an await using block and releases its sockets', async () => {
    const before = openHandles();
    {
      await using manager = await localManager();
      expect(manager.port).toBeGreaterThan(0);
      expect(JSON.stringify(openHandles())).not.toBe(JSON.stringify(before));
    }
    await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(before));
  });

  it('throws ConfigError naming the option before binding anything', async () => {
    const before = openHandles();
    const err = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 }, media: { portRange: { min: 30000, max: 20000 } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).option).toMatch(/^media\.portRange/);
    expect(openHandles()).toEqual(before);
  });

  it('fails with a typed transport error when the port is taken', async () => {
    const first = await start();
    const err = await SessionManager.new({ sip: { host: '127.0.0.1', port: first.port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SiplineError);
    expect((err as SiplineError).code).toMatch(/^ERR_TRANSPORT/);
  });
});
