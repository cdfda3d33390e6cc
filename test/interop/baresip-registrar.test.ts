/**
 * baresip 1.0.0 registers (digest authentication, outbound proxy) to a sipline registrar
 * (`createRegistrar` on a manager), and the manager then calls it by its address-of-record
 * through the location service. Audio both ways is checked: baresip sends 440 Hz, we send
 * 880 Hz, each side's recording must hold the other's tone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SessionManager, ToneSource } from '../../src/index.js';
import { createRegistrar } from '../../src/advanced/index.js';
import type { Binding } from '../../src/advanced/index.js';
import { baresipGate, dominantToneOfWav, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { freePort } from '../helpers/ports.js';
import { sleep } from '../loopback/api-helpers.js';

const OUR_MEDIA_PORTS = { min: 47000, max: 47499 } as const;
const BARESIP_RTP_PORTS = [47500, 47999] as const;
const OUR_TONE = 880;
const BARESIP_TONE = 440;
const PASSWORD = 'rabbit-hole';

let dir: string;
const running: BaresipInstance[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sipline-baresip-registrar-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
  await rm(dir, { recursive: true, force: true });
});

function expectTone(path: string, hz: number, label: string): void {
  const tone = dominantToneOfWav(path);
  console.info(`[baresip registrar] ${label}: ${tone.frequencyHz} Hz, ratio ${tone.ratio.toFixed(3)}, ${tone.seconds.toFixed(2)} s`);
  expect(tone.seconds, `${label}: seconds of audio`).toBeGreaterThan(1);
  expect(Math.abs(tone.frequencyHz - hz), `${label}: dominant frequency ${tone.frequencyHz} Hz`).toBeLessThanOrEqual(10);
  expect(tone.ratio, `${label}: share of power in the tone`).toBeGreaterThan(0.5);
}

baresipGate().describe('baresip registering to a sipline registrar', () => {
  it('registers with digest authentication and is reached when called by its AOR', async () => {
    const port = await freePort();
    await using pbx = await SessionManager.new({
      sip: { host: '127.0.0.1', port, transports: ['UDP'] },
      media: { portRange: OUR_MEDIA_PORTS },
      close: { timeoutMs: 2000 },
    });
    const lookups: string[] = [];
    const registrar = createRegistrar(pbx, {
      domain: '127.0.0.1',
      // baresip 1.0.0 (libre) gives up on a challenge list that starts with SHA-256 (ENOSYS): offer MD5 only.
      authenticate: { algorithms: ['MD5'], lookup: (user) => { lookups.push(user); return user === 'alice' ? PASSWORD : undefined; } },
    });
    const bound = new Promise<Binding>((resolve) => registrar.once('registered', resolve));
    const ports = await freeBaresipPorts();
    const b = await startBaresip({
      ...ports, toneHz: BARESIP_TONE, durationSec: 25, rtpPorts: BARESIP_RTP_PORTS, autoAnswer: true,
      account: `<sip:alice@127.0.0.1:${port}>;auth_pass=${PASSWORD};outbound="sip:127.0.0.1:${port}";regint=60;answermode=auto`,
    });
    running.push(b);
    const binding = await Promise.race([bound, sleep(8000).then(() => { throw new Error(`baresip did not register:\n${b.log()}`); })]);
    expect(binding.aor).toBe('sip:alice@127.0.0.1');
    expect(binding.contact).toContain(`:${ports.port}`);
    expect(lookups).toContain('alice');

    const ourRecording = join(dir, 'heard-by-sipline.wav');
    const session = await pbx.makeCall('sip:alice@127.0.0.1');
    await session.answered();
    const recording = await session.record(ourRecording);
    void session.play(new ToneSource({ frequency: OUR_TONE })).catch(() => undefined);
    await b.waitForEvent('CALL_ESTABLISHED', 5000);
    await sleep(2000);
    expect(session.state).toBe('connected');
    await session.hangup();
    await recording.finished;
    await b.waitForEvent('CALL_CLOSED', 5000);
    await b.quit();

    expectTone(ourRecording, BARESIP_TONE, 'sipline heard');
    expectTone(b.recordings().heard, OUR_TONE, 'baresip heard');
  }, 40_000);
});
