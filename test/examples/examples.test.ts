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
import type { EndReason } from '../../src/index.js';
import { main as simpleServer } from '../../examples/simple-server.js';
import { main as simpleClient } from '../../examples/simple-client.js';
import { main as selectiveHandler } from '../../examples/selective-handler.js';
import { main as callMonitoring } from '../../examples/call-monitoring.js';
import { main as multiLine } from '../../examples/multi-line.js';
import { main as mediaExample } from '../../examples/media.js';
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
});
