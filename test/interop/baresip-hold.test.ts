/**
 * Hold and resume against baresip 1.0.0 (Debian package `baresip`) as a real softphone, from each
 * side and in both call directions: our `hold()` / `resume()` re-INVITEs (baresip answers them),
 * and baresip's own hold / resume (ctrl_tcp commands `hold` / `resume`), which our side must detect
 * (`hold` / `resume` events with `by: 'remote'`, state `on-hold`) and obey (our RTP stops while
 * baresip holds us, and restarts). RTP is checked with our packet counters.
 */
import { afterEach, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import type { CallSession, HoldEvent } from '../../src/index.js';
import { baresipGate, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

const OUR_MEDIA_PORTS = { min: 47000, max: 47499 } as const;
const BARESIP_RTP_PORTS = [47500, 47999] as const;

const running: BaresipInstance[] = [];
const managers: SessionManager[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function newManager(): Promise<SessionManager> {
  const m = await SessionManager.new({ sip: { host: '127.0.0.1', port: 0 }, media: { portRange: OUR_MEDIA_PORTS }, close: { timeoutMs: 2000 } });
  managers.push(m);
  return m;
}

async function newBaresip(opts: { autoAnswer: boolean; dial?: string }): Promise<BaresipInstance> {
  const b = await startBaresip({ ...(await freeBaresipPorts()), toneHz: 440, durationSec: 30, rtpPorts: BARESIP_RTP_PORTS, ...opts });
  running.push(b);
  return b;
}

async function delta(read: () => number, ms: number): Promise<number> {
  const before = read();
  await sleep(ms);
  return read() - before;
}

/** Our hold and resume, then baresip's, on one established call. */
async function holdBothWays(session: CallSession, b: BaresipInstance): Promise<void> {
  const events: HoldEvent[] = [];
  session.on('hold', (e) => events.push(e));
  session.on('resume', (e) => events.push(e));
  await waitFor(() => session.stats().packetsReceived > 10 && session.stats().packetsSent > 10, 5000);

  // sipline holds baresip: baresip answers the sendonly offer recvonly and stops sending.
  await session.hold();
  expect(session.state).toBe('on-hold');
  await sleep(300);
  expect(await delta(() => session.stats().packetsReceived, 500), b.log()).toBe(0);
  await session.resume();
  expect(session.state).toBe('connected');
  await sleep(200);
  expect(await delta(() => session.stats().packetsReceived, 500), b.log()).toBeGreaterThan(10);
  expect(events).toEqual([{ by: 'local' }, { by: 'local' }]);

  // baresip holds us: we must notice and stop sending.
  const held = await b.command('hold');
  expect(held.ok, held.data).toBe(true);
  await waitFor(() => session.state === 'on-hold', 5000);
  await sleep(200);
  expect(await delta(() => session.stats().packetsSent, 500)).toBe(0);
  const resumed = await b.command('resume');
  expect(resumed.ok, resumed.data).toBe(true);
  await waitFor(() => session.state === 'connected', 5000);
  expect(await delta(() => session.stats().packetsSent, 500)).toBeGreaterThan(10);
  expect(events).toEqual([{ by: 'local' }, { by: 'local' }, { by: 'remote' }, { by: 'remote' }]);
}

baresipGate().describe('baresip <-> sipline hold and resume', () => {
  it('our client calls baresip; sipline holds and resumes, then baresip does', async () => {
    const manager = await newManager();
    const b = await newBaresip({ autoAnswer: true });
    const session = await manager.makeCall(b.uri);
    await session.answered();
    await b.waitForEvent('CALL_ESTABLISHED', 5000);
    await holdBothWays(session, b);
    await session.hangup();
    expect(session.endReason).toBe('local-hangup');
  }, 40_000);

  it('baresip calls our server; sipline holds and resumes, then baresip does', async () => {
    const manager = await newManager();
    let session: CallSession | undefined;
    manager.setCallHandler({ async onIncomingCall(call) { session = await call.answer(); } });
    const b = await newBaresip({ autoAnswer: false, dial: manager.uri('hold') });
    await b.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitFor(() => session !== undefined && session.state === 'connected', 5000);
    await holdBothWays(session!, b);
    const r = await b.command('hangup');
    expect(r.ok, r.data).toBe(true);
    expect(await session!.ended()).toBe('remote-hangup');
  }, 40_000);
});
