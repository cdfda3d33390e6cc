/**
 * The B2BUA helper in front of baresip 1.0.0 as a real phone: our caller (a SessionManager) calls
 * the agent (another SessionManager running `createB2bua`), which calls baresip (auto-answer).
 * baresip's `ausine` sends 440 Hz and its `sndfile` filter records what it hears; our caller sends
 * 880 Hz and records. Each side must hear the other's tone (dominant within 10 Hz, at least half
 * the power), and a hang-up on either side (our caller, or baresip through ctrl_tcp) must end both
 * legs of the agent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createB2bua } from '../../src/advanced/index.js';
import type { B2buaCall } from '../../src/advanced/index.js';
import { SessionManager, ToneSource } from '../../src/index.js';
import { baresipGate, dominantToneOfWav, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { openHandles, sleep, waitFor } from '../loopback/api-helpers.js';

/** RTP ports of our two managers and of baresip, private to this file. */
const OUR_MEDIA_PORTS = { min: 51000, max: 51999 } as const;
const BARESIP_RTP_PORTS = [52000, 52999] as const;
const OUR_TONE = 880;
const BARESIP_TONE = 440;
const TALK_MS = 2000;

let dir: string;
let baseline: Record<string, number>;
const running: BaresipInstance[] = [];

beforeEach(async () => {
  baseline = openHandles();
  dir = await mkdtemp(join(tmpdir(), 'sipline-baresip-b2bua-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 3000).catch(() => undefined);
  expect(openHandles(), 'sockets left open').toEqual(baseline);
  await rm(dir, { recursive: true, force: true });
});

function newManager(): Promise<SessionManager> {
  return SessionManager.new({ sip: { host: '127.0.0.1', port: 0 }, media: { portRange: OUR_MEDIA_PORTS }, close: { timeoutMs: 2000 } });
}

function expectTone(path: string, hz: number, label: string): void {
  const tone = dominantToneOfWav(path);
  console.info(`[baresip b2bua] ${label}: ${tone.frequencyHz} Hz, ratio ${tone.ratio.toFixed(3)}, ${tone.seconds.toFixed(2)} s at ${tone.sampleRate} Hz`);
  expect(tone.seconds, `${label}: seconds of audio`).toBeGreaterThan(1);
  expect(Math.abs(tone.frequencyHz - hz), `${label}: dominant frequency ${tone.frequencyHz} Hz`).toBeLessThanOrEqual(10);
  expect(tone.ratio, `${label}: share of power in the tone`).toBeGreaterThan(0.5);
}

baresipGate().describe('a B2BUA of ours in front of baresip', () => {
  for (const who of ['caller', 'baresip'] as const) {
    it(`bridges our caller to baresip with audio both ways, and a hang-up by ${who === 'caller' ? 'our caller' : 'baresip'} ends both legs`, async () => {
      await using agent = await newManager();
      await using caller = await newManager();
      const b = await startBaresip({
        ...(await freeBaresipPorts()), toneHz: BARESIP_TONE, autoAnswer: true, durationSec: 20, rtpPorts: BARESIP_RTP_PORTS,
      });
      running.push(b);
      const b2bua = createB2bua(agent, { target: b.uri });
      const bridged = new Promise<B2buaCall>((resolve) => b2bua.once('bridged', resolve));
      const ourRecording = join(dir, 'heard-by-caller.wav');
      const session = await caller.makeCall(agent.uri('desk'), { codecs: ['PCMU'] });
      await session.answered();
      const recording = await session.record(ourRecording);
      void session.play(new ToneSource({ frequency: OUR_TONE })).catch(() => undefined);
      const pair = await bridged;
      await b.waitForEvent('CALL_ESTABLISHED', 5000);
      expect(pair.bLeg?.state).toBe('connected');
      // baresip sees the caller's identity: the agent is transparent.
      const incoming = b.events.find((e) => e.type === 'CALL_INCOMING' || e.type === 'CALL_ESTABLISHED');
      expect(incoming?.peeruri ?? '').toContain(session.local.uri.replace(/^sip:/, ''));
      await sleep(TALK_MS);
      // The caller offered PCMU only, the agent offered it first: same codec, relayed without decoding.
      expect(pair.bridge?.state).toBe('relay');
      expect(pair.bridge?.counters.relayedPackets).toBeGreaterThan(100);
      if (who === 'caller') {
        await session.hangup();
      } else {
        const r = await b.command('hangup');
        expect(r.ok, r.data).toBe(true);
        expect(await session.ended()).toBe('remote-hangup');
      }
      await pair.done;
      expect(pair.aLeg.state).toBe('terminated');
      expect(pair.bLeg?.state).toBe('terminated');
      await b.waitForEvent('CALL_CLOSED', 5000);
      await recording.finished;
      await waitFor(() => agent.sessions().length === 0 && caller.sessions().length === 0, 3000);
      expect(agent.counters.active).toBe(0);
      await b.quit();
      expectTone(ourRecording, BARESIP_TONE, 'caller heard');
      expectTone(b.recordings().heard, OUR_TONE, 'baresip heard');
    }, 30_000);
  }
});
