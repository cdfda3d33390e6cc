/**
 * SIP over TLS against baresip 1.0.0 (Debian package `baresip`): baresip calls our TLS listener
 * (`;transport=tls`), verifying nothing but presenting the throwaway certificate; we call baresip's
 * TLS listener (port + 1) with verification on, trusting the test CA. baresip must hear our tone
 * (SRTP is not involved: signalling over TLS, audio over plain RTP).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession } from '../../src/index.js';
import { baresipGate, dominantToneOfWav, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { makeTestPki, type TestPki } from '../helpers/tls-certs.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

const OUR_MEDIA_PORTS = { min: 56500, max: 56999 } as const;
const BARESIP_RTP_PORTS = [62000, 62499] as const;

let pki: TestPki;
let dir: string;
const running: BaresipInstance[] = [];

beforeAll(() => { pki = makeTestPki(); });
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'sipline-baresip-tls-')); });
afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function tlsBaresip(opts: { autoAnswer: boolean; dial?: string }): Promise<BaresipInstance> {
  const pem = join(dir, 'baresip.pem');
  const ca = join(dir, 'ca.pem');
  await writeFile(pem, pki.cert + pki.key);
  await writeFile(ca, pki.ca);
  const b = await startBaresip({
    ...(await freeBaresipPorts()), toneHz: 440, durationSec: 20, rtpPorts: BARESIP_RTP_PORTS, ...opts,
    extraConfig: [`sip_certificate ${pem}`, `sip_cafile ${ca}`],
  });
  running.push(b);
  return b;
}

function manager(): Promise<SessionManager> {
  return SessionManager.new({
    sip: { host: '127.0.0.1', port: 0, transports: ['UDP', 'TLS'], tls: { cert: pki.cert, key: pki.key, ca: pki.ca } },
    media: { portRange: OUR_MEDIA_PORTS },
    close: { timeoutMs: 2000 },
  });
}

baresipGate().describe('baresip <-> sipline over TLS', () => {
  it('baresip calls our TLS listener, hears our tone, and we hang up', async () => {
    await using m = await manager();
    let session: CallSession | undefined;
    m.setCallHandler({
      async onIncomingCall(call) {
        session = await call.answer({ play: new ToneSource({ frequency: 880 }) });
      },
    });
    const b = await tlsBaresip({ autoAnswer: false, dial: m.uri('echo', 'TLS') });
    await b.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitFor(() => session !== undefined, 5000);
    await sleep(1500);
    expect(session!.state).toBe('connected');
    await session!.hangup();
    expect(await session!.ended()).toBe('local-hangup');
    await b.waitForEvent('CALL_CLOSED', 5000);
    await b.quit();
    const heard = dominantToneOfWav(b.recordings().heard);
    expect(Math.abs(heard.frequencyHz - 880)).toBeLessThanOrEqual(10);
  }, 30_000);

  it('we call baresip over TLS with certificate verification on; baresip hangs up', async () => {
    await using m = await manager();
    const b = await tlsBaresip({ autoAnswer: true });
    const tlsUri = `sip:baresip@127.0.0.1:${b.port + 1};transport=tls`;
    const session = await m.makeCall(tlsUri);
    await session.answered();
    await sleep(1500);
    const r = await b.command('hangup');
    expect(r.ok, r.data).toBe(true);
    expect(await session.ended()).toBe('remote-hangup');
  }, 30_000);
});
