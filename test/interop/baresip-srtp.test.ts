/**
 * SRTP with SDES keys (RFC 3711, RFC 4568) against baresip 1.0.0 and its `srtp` module, signalling
 * over TLS so the keys do not travel in clear. baresip's account line selects the media
 * encryption: `mediaenc=srtp-mand` offers and requires RTP/SAVP, `mediaenc=srtp` is best-effort
 * (RTP/AVP with a=crypto). Audio is checked both ways: baresip records what it heard, we collect
 * what we received.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { dominantFrequency } from '../../src/media/index.js';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, SrtpMode } from '../../src/index.js';
import { baresipGate, dominantToneOfWav, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { makeTestPki, type TestPki } from '../helpers/tls-certs.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

const OUR_MEDIA_PORTS = { min: 57000, max: 57499 } as const;
const BARESIP_RTP_PORTS = [62500, 62999] as const;
const BARESIP_TONE = 440;
const OUR_TONE = 880;

let pki: TestPki;
let dir: string;
const running: BaresipInstance[] = [];

beforeAll(() => { pki = makeTestPki(); });
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'sipline-baresip-srtp-')); });
afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function srtpBaresip(opts: { mediaenc: 'srtp' | 'srtp-mand'; autoAnswer: boolean; dial?: string }): Promise<BaresipInstance> {
  const pem = join(dir, 'baresip.pem');
  const ca = join(dir, 'ca.pem');
  await writeFile(pem, pki.cert + pki.key);
  await writeFile(ca, pki.ca);
  const ports = await freeBaresipPorts();
  const b = await startBaresip({
    ...ports, toneHz: BARESIP_TONE, durationSec: 20, rtpPorts: BARESIP_RTP_PORTS, autoAnswer: opts.autoAnswer,
    ...(opts.dial !== undefined ? { dial: opts.dial } : {}),
    account: `<sip:baresip@127.0.0.1:${ports.port}>;regint=0;answermode=${opts.autoAnswer ? 'auto' : 'manual'};mediaenc=${opts.mediaenc}`,
    extraConfig: ['module srtp.so', `sip_certificate ${pem}`, `sip_cafile ${ca}`],
  });
  running.push(b);
  return b;
}

function manager(srtp: SrtpMode): Promise<SessionManager> {
  return SessionManager.new({
    sip: { host: '127.0.0.1', port: 0, transports: ['UDP', 'TLS'], tls: { cert: pki.cert, key: pki.key, ca: pki.ca } },
    media: { portRange: OUR_MEDIA_PORTS, srtp },
    close: { timeoutMs: 2000 },
  });
}

/** Received PCM of a session (8 kHz). */
function collect(session: CallSession): () => Int16Array {
  const frames: Int16Array[] = [];
  session.receiveAudio({ sampleRate: 8000 }).on('data', (f: Int16Array) => frames.push(f));
  return () => Int16Array.from(frames.flatMap((f) => Array.from(f)));
}

function heardFrequency(pcm: Int16Array): number {
  const n = 8000 * 0.5;
  return pcm.length < n ? 0 : dominantFrequency(pcm.subarray(pcm.length - n), 8000, undefined, 10);
}

/** The SDP body of the first traced message whose start line matches. */
function sdpOf(session: CallSession, direction: 'in' | 'out', firstLine: RegExp): string {
  const raw = session.trace().messages.find((m) => m.direction === direction && firstLine.test(m.firstLine))?.raw() ?? '';
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

baresipGate().describe('baresip <-> sipline with SRTP (SDES) over TLS', () => {
  it('baresip (mediaenc=srtp-mand) calls our TLS listener; RTP/SAVP is agreed and both sides hear each other', async () => {
    await using m = await manager('required');
    let session: CallSession | undefined;
    let received: (() => Int16Array) | undefined;
    m.setCallHandler({
      async onIncomingCall(call) {
        session = await call.answer({ play: new ToneSource({ frequency: OUR_TONE }) });
        received = collect(session);
      },
    });
    const b = await srtpBaresip({ mediaenc: 'srtp-mand', autoAnswer: false, dial: m.uri('echo', 'TLS') });
    await b.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitFor(() => session !== undefined && received !== undefined, 5000);
    await sleep(2000);
    const s = session!;
    const offer = sdpOf(s, 'in', /^INVITE /);
    expect(offer, b.log()).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    expect(offer).toMatch(/^a=crypto:\d+ AES_CM_128_HMAC_SHA1_(80|32) inline:/m);
    expect(sdpOf(s, 'out', /^SIP\/2\.0 200 /)).toMatch(/^a=crypto:\d+ AES_CM_128_HMAC_SHA1_(80|32) inline:/m);
    const stats = s.stats();
    expect(stats.srtp).toMatch(/^AES_CM_128_HMAC_SHA1_(80|32)$/);
    expect(stats.packetsReceived).toBeGreaterThan(50);
    expect(stats.srtpAuthFailures).toBe(0);
    expect(Math.abs(heardFrequency(received!()) - BARESIP_TONE)).toBeLessThanOrEqual(15);
    await s.hangup();
    await b.waitForEvent('CALL_CLOSED', 5000);
    await b.quit();
    const heard = dominantToneOfWav(b.recordings().heard);
    expect(Math.abs(heard.frequencyHz - OUR_TONE), b.log()).toBeLessThanOrEqual(10);
  }, 30_000);

  it('we call baresip (mediaenc=srtp-mand) over TLS with SRTP required; both sides hear each other', async () => {
    await using m = await manager('required');
    const b = await srtpBaresip({ mediaenc: 'srtp-mand', autoAnswer: true });
    const session = await m.makeCall(`sip:baresip@127.0.0.1:${b.port + 1};transport=tls`);
    void session.play(new ToneSource({ frequency: OUR_TONE })).catch(() => undefined);
    const received = collect(session);
    await session.answered();
    await sleep(2500);
    expect(sdpOf(session, 'in', /^SIP\/2\.0 200 /), b.log()).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    expect(session.stats().srtp).toMatch(/^AES_CM_128_HMAC_SHA1_(80|32)$/);
    expect(session.stats().srtpAuthFailures).toBe(0);
    expect(Math.abs(heardFrequency(received()) - BARESIP_TONE)).toBeLessThanOrEqual(15);
    await session.hangup();
    await b.waitForEvent('CALL_CLOSED', 5000);
    await b.quit();
    expect(Math.abs(dominantToneOfWav(b.recordings().heard).frequencyHz - OUR_TONE), b.log()).toBeLessThanOrEqual(10);
  }, 30_000);

  it('keeps SRTP working through re-INVITEs: we hold and resume, then baresip does, and the audio still decrypts', async () => {
    await using m = await manager('required');
    const b = await srtpBaresip({ mediaenc: 'srtp-mand', autoAnswer: true });
    const session = await m.makeCall(`sip:baresip@127.0.0.1:${b.port + 1};transport=tls`);
    void session.play(new ToneSource({ frequency: OUR_TONE })).catch(() => undefined);
    const received = collect(session);
    await session.answered();
    await b.waitForEvent('CALL_ESTABLISHED', 5000);
    await waitFor(() => session.stats().packetsReceived > 10, 5000);
    await session.hold();
    await sleep(200);
    await session.resume();
    const held = await b.command('hold');
    expect(held.ok, held.data).toBe(true);
    await waitFor(() => session.state === 'on-hold', 5000);
    const resumed = await b.command('resume');
    expect(resumed.ok, resumed.data).toBe(true);
    await waitFor(() => session.state === 'connected', 5000);
    const before = session.stats().packetsReceived;
    await sleep(1000);
    const stats = session.stats();
    expect(stats.packetsReceived - before, b.log()).toBeGreaterThan(30);
    expect(stats.srtpAuthFailures, b.log()).toBe(0);
    expect(Math.abs(heardFrequency(received()) - BARESIP_TONE)).toBeLessThanOrEqual(15);
    // Our re-offers repeated the key of the first offer (RFC 4568 §7.1.4).
    const offers = session.trace().messages.filter((x) => x.direction === 'out' && x.firstLine.startsWith('INVITE ')).map((x) => x.raw());
    const keys = new Set(offers.map((o) => /^a=crypto:1 \S+ inline:(\S+)\r$/m.exec(o)?.[1]));
    expect(offers.length).toBeGreaterThanOrEqual(3);
    expect(keys.size).toBe(1);
    await session.hangup();
    await b.waitForEvent('CALL_CLOSED', 5000);
    await b.quit();
    expect(Math.abs(dominantToneOfWav(b.recordings().heard).frequencyHz - OUR_TONE), b.log()).toBeLessThanOrEqual(10);
  }, 30_000);

  it('baresip with best-effort SRTP (mediaenc=srtp) gets SRTP from a manager with srtp optional', async () => {
    await using m = await manager('optional');
    let session: CallSession | undefined;
    let received: (() => Int16Array) | undefined;
    m.setCallHandler({
      async onIncomingCall(call) {
        session = await call.answer({ play: new ToneSource({ frequency: OUR_TONE }) });
        received = collect(session);
      },
    });
    const b = await srtpBaresip({ mediaenc: 'srtp', autoAnswer: false, dial: m.uri('echo', 'TLS') });
    await b.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitFor(() => session !== undefined && received !== undefined, 5000);
    await sleep(2000);
    expect(session!.stats().srtp, b.log()).toMatch(/^AES_CM_128_HMAC_SHA1_(80|32)$/);
    expect(session!.stats().srtpAuthFailures).toBe(0);
    expect(Math.abs(heardFrequency(received!()) - BARESIP_TONE)).toBeLessThanOrEqual(15);
    await session!.hangup();
    await b.waitForEvent('CALL_CLOSED', 5000);
    await b.quit();
    expect(Math.abs(dominantToneOfWav(b.recordings().heard).frequencyHz - OUR_TONE), b.log()).toBeLessThanOrEqual(10);
  }, 30_000);
});
