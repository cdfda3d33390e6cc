/**
 * DTMF between baresip 1.0.0 (a real softphone) and our manager. baresip's ctrl_tcp command
 * `sndcode` presses keys in a live call; it sends them as RFC 4733 telephone-events (it offers
 * telephone-event/8000). They must arrive on our side as `dtmf` events (digit, duration, method
 * `rfc4733`) and through the handler's `onDtmf`. The other way, digits we send by RFC 4733 and by
 * SIP INFO (`application/dtmf-relay`) must reach baresip (its CALL_DTMF_START events).
 */
import { afterEach, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import type { CallSession, DtmfEvent } from '../../src/index.js';
import { baresipGate, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';
import { sleep, waitFor } from '../loopback/api-helpers.js';

/** Our RTP ports and baresip's, private to this file. */
const OUR_MEDIA_PORTS = { min: 47000, max: 47499 } as const;
const BARESIP_RTP_PORTS = [47500, 47999] as const;

const running: BaresipInstance[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
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
    ...(await freeBaresipPorts()), toneHz: 440, durationSec: 25, rtpPorts: BARESIP_RTP_PORTS, ...opts,
  });
  running.push(b);
  return b;
}

/** The digits baresip reported receiving (CALL_DTMF_START events carry the digit in `param`). */
function baresipDigits(b: BaresipInstance): string {
  return b.events.filter((e) => e.type === 'CALL_DTMF_START').map((e) => e.param ?? '?').join('');
}

baresipGate().describe('DTMF between baresip and sipline', () => {
  it('receives digits baresip sends with sndcode as rfc4733 dtmf events and onDtmf calls', async () => {
    await using manager = await newManager();
    const handlerDigits: DtmfEvent[] = [];
    let session: CallSession | undefined;
    manager.setCallHandler({
      async onIncomingCall(call) { session = await call.answer(); },
      onDtmf: (_s, e) => { handlerDigits.push(e); },
    });
    const b = await newBaresip({ autoAnswer: false, dial: manager.uri('ivr') });
    await b.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitFor(() => session !== undefined, 5000);
    const sessionDigits: DtmfEvent[] = [];
    session!.on('dtmf', (e) => sessionDigits.push(e));
    await sleep(300);
    for (const key of ['1', '5', '#']) {
      const r = await b.command('sndcode', key);
      expect(r.ok, r.data).toBe(true);
      await sleep(400);
    }
    await waitFor(() => handlerDigits.length >= 3, 5000).catch(() => undefined);
    expect(handlerDigits.map((d) => d.digit).join(''), b.log()).toBe('15#');
    expect(handlerDigits.every((d) => d.method === 'rfc4733')).toBe(true);
    expect(handlerDigits.every((d) => d.durationMs >= 40 && d.durationMs <= 2000)).toBe(true);
    expect(sessionDigits.map((d) => d.digit).join('')).toBe('15#');
    await session!.hangup();
  }, 30_000);

  it('sends digits to baresip by RFC 4733 and by SIP INFO, and baresip reports both', async () => {
    await using manager = await newManager();
    const b = await newBaresip({ autoAnswer: true });
    const session = await manager.makeCall(b.uri);
    await session.answered();
    await b.waitForEvent('CALL_ESTABLISHED', 5000);
    await sleep(300);
    await session.sendDtmf('24', { method: 'rfc4733', durationMs: 120 });
    await waitFor(() => baresipDigits(b).length >= 2, 5000).catch(() => undefined);
    expect(baresipDigits(b), b.log()).toBe('24');
    await session.sendDtmf('7', { method: 'info', durationMs: 160 });
    await waitFor(() => baresipDigits(b).length >= 3, 5000).catch(() => undefined);
    expect(baresipDigits(b), b.log()).toBe('247');
    await session.hangup();
  }, 30_000);
});
