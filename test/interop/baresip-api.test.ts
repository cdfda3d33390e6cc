/**
 * The public API against baresip 1.0.0 (Debian package `baresip`) as a real softphone: its `ausine`
 * source sends 440 Hz and its `sndfile` filter records both directions; our side plays 880 Hz with a
 * `ToneSource` and records with `session.record(path)`. Each side's recording of what it heard must
 * hold the other side's tone (within 10 Hz). baresip calls our server and our client calls baresip
 * (auto-answer), and in each direction both sides hang up once: baresip through ctrl_tcp `hangup`,
 * we through `session.hangup()`; end reasons are checked on both sides.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, EndReason, Recording } from '../../src/index.js';
import { baresipGate, dominantToneOfWav, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { openHandles, sleep, waitFor } from '../loopback/api-helpers.js';

/** Our RTP ports and baresip's, private to this file. */
const OUR_MEDIA_PORTS = { min: 45000, max: 45999 } as const;
const BARESIP_RTP_PORTS = [46000, 46999] as const;
const OUR_TONE = 880;
const BARESIP_TONE = 440;
/** How long the call carries audio before someone hangs up. */
const TALK_MS = 2000;

let dir: string;
let baseline: Record<string, number>;
const running: BaresipInstance[] = [];

beforeEach(async () => {
  baseline = openHandles();
  dir = await mkdtemp(join(tmpdir(), 'sipline-baresip-api-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 3000).catch(() => undefined);
  expect(openHandles(), 'sockets left open after close()').toEqual(baseline);
  await rm(dir, { recursive: true, force: true });
});

function newManager(): Promise<SessionManager> {
  return SessionManager.new({
    sip: { host: '127.0.0.1', port: 0 },
    media: { portRange: OUR_MEDIA_PORTS },
    close: { timeoutMs: 2000 },
  });
}

async function newBaresip(opts: { autoAnswer: boolean; dial?: string }): Promise<BaresipInstance> {
  const b = await startBaresip({
    ...(await freeBaresipPorts()), toneHz: BARESIP_TONE, durationSec: 20, rtpPorts: BARESIP_RTP_PORTS, ...opts,
  });
  running.push(b);
  return b;
}

function expectTone(path: string, hz: number, label: string): void {
  const tone = dominantToneOfWav(path);
  console.info(`[baresip api] ${label}: ${tone.frequencyHz} Hz, ratio ${tone.ratio.toFixed(3)}, ${tone.seconds.toFixed(2)} s at ${tone.sampleRate} Hz`);
  expect(tone.seconds, `${label}: seconds of audio`).toBeGreaterThan(1);
  expect(Math.abs(tone.frequencyHz - hz), `${label}: dominant frequency ${tone.frequencyHz} Hz`).toBeLessThanOrEqual(10);
  expect(tone.ratio, `${label}: share of power in the tone`).toBeGreaterThan(0.5);
}

/**
 * Let the call carry audio, then hang up from `who`'s side; checks both sides' view of who ended it.
 */
async function talkThenHangUp(who: 'baresip' | 'sipline', b: BaresipInstance, session: CallSession): Promise<void> {
  await sleep(TALK_MS);
  expect(session.state).toBe('connected');
  let reason: EndReason;
  if (who === 'sipline') {
    await session.hangup();
    expect(session.state).toBe('terminated');
    reason = await session.ended();
    expect(reason).toBe('local-hangup');
  } else {
    const r = await b.command('hangup');
    expect(r.ok, r.data).toBe(true);
    reason = await session.ended();
    expect(reason).toBe('remote-hangup');
  }
  expect(session.endReason).toBe(reason);
  const closed = await b.waitForEvent('CALL_CLOSED', 5000);
  expect(closed.param).toMatch(who === 'sipline' ? /by peer/ : /by user/);
}

baresipGate().describe('baresip <-> sipline public API', () => {
  for (const who of ['baresip', 'sipline'] as const) {
    it(`baresip calls our server, each hears the other, ${who} hangs up`, async () => {
      await using manager = await newManager();
      const ourRecording = join(dir, 'heard-by-sipline.wav');
      let session: CallSession | undefined;
      let recording: Recording | undefined;
      const endedInHandler = new Promise<EndReason>((resolve) => {
        manager.setCallHandler({
          async onIncomingCall(call) {
            expect(call.caller.uri).toMatch(/^sip:baresip@127\.0\.0\.1/);
            expect(call.remoteMedia?.address).toBe('127.0.0.1');
            const s = await call.answer({ play: new ToneSource({ frequency: OUR_TONE }) });
            recording = await s.record(ourRecording);
            session = s;
          },
          onCallEnded: (_s, reason) => resolve(reason),
        });
      });
      const b = await newBaresip({ autoAnswer: false, dial: manager.uri('echo') });
      await b.waitForEvent('CALL_ESTABLISHED', 10_000);
      await waitFor(() => session !== undefined, 5000);
      expect(session!.direction).toBe('incoming');
      await talkThenHangUp(who, b, session!);
      expect(await endedInHandler).toBe(who === 'sipline' ? 'local-hangup' : 'remote-hangup');
      await recording!.finished;
      await waitFor(() => manager.sessions().length === 0, 3000);
      expect(manager.counters.ended).toEqual({ [who === 'sipline' ? 'local-hangup' : 'remote-hangup']: 1 });
      await b.quit(); // closes baresip's recordings
      await manager.close();

      expectTone(ourRecording, BARESIP_TONE, 'sipline heard');
      expectTone(b.recordings().heard, OUR_TONE, 'baresip heard');
      expectTone(b.recordings().sent, BARESIP_TONE, 'baresip sent');
    }, 30_000);

    it(`our client calls baresip, each hears the other, ${who} hangs up`, async () => {
      await using manager = await newManager();
      const b = await newBaresip({ autoAnswer: true });
      const ourRecording = join(dir, 'heard-by-sipline.wav');
      const session = await manager.makeCall(b.uri);
      expect(session.direction).toBe('outgoing');
      await session.answered();
      expect(session.state).toBe('connected');
      const recording = await session.record(ourRecording);
      void session.play(new ToneSource({ frequency: OUR_TONE })).catch(() => undefined);
      await b.waitForEvent('CALL_ESTABLISHED', 5000);
      await talkThenHangUp(who, b, session);
      await recording.finished;
      expect(manager.sessions()).toHaveLength(0);
      expect(manager.counters.callsOut).toBe(1);
      expect(manager.counters.answered).toBe(1);
      await b.quit();
      await manager.close();

      expectTone(ourRecording, BARESIP_TONE, 'sipline heard');
      expectTone(b.recordings().heard, OUR_TONE, 'baresip heard');
    }, 30_000);
  }
});
