/**
 * Conferences over real sockets: a hub manager calls three endpoints (each its own SessionManager
 * on 127.0.0.1, sending its own tone: 440, 880, 1320 Hz, and recording what it hears) and puts
 * the three calls in one room. Every participant must hear the other two tones and not its own
 * (mix-minus). Thresholds (Goertzel, `toneRatio` per 100 ms block, averaged over the last 800 ms):
 * each of the two other tones carries at least 15% of the received power (ideally 50% each), the
 * own tone under 2%.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConferenceFullError, ConferenceLockedError, createConference } from '../../src/advanced/index.js';
import type { CodecNameInput, SessionManager } from '../../src/index.js';
import { localManager } from './api-helpers.js';
import { dial, endpoint, sleep, waitFor } from './advanced-helpers.js';
import type { Endpoint } from './advanced-helpers.js';

const TONES = [440, 880, 1320] as const;
const HEARD = 0.15;
const ABSENT = 0.02;
const WINDOW_MS = 800;
const opened: SessionManager[] = [];

afterEach(async () => {
  for (const m of opened.splice(0)) await m.close();
});

async function room3(codecs: readonly (readonly CodecNameInput[])[]) {
  const hub = await localManager();
  opened.push(hub);
  const eps: Endpoint[] = [];
  for (let i = 0; i < 3; i++) {
    const e = await endpoint(TONES[i]!, codecs[i]);
    opened.push(e.manager);
    eps.push(e);
  }
  const legs = await Promise.all(eps.map((e, i) => dial(hub, e, codecs[i])));
  return { hub, eps, legs };
}

function expectMixMinus(eps: readonly Endpoint[]): void {
  eps.forEach((e, i) => {
    const ratios = TONES.map((f) => e.heard.ratio(f, WINDOW_MS));
    const label = `participant ${TONES[i]} Hz heard ${ratios.map((r, j) => `${TONES[j]}: ${r.toFixed(3)}`).join(', ')}`;
    TONES.forEach((f, j) => {
      if (j === i) expect(ratios[j], label).toBeLessThan(ABSENT);
      else expect(ratios[j], label).toBeGreaterThan(HEARD);
    });
  });
}

describe('a conference of three', () => {
  it('gives each G.711 participant the other two tones and not its own', async () => {
    const { hub, eps, legs } = await room3([['PCMU'], ['PCMA'], ['PCMU']]);
    const room = createConference(hub, { id: 'three', sampleRate: 8000 });
    const joined: string[] = [];
    room.on('participant-joined', (p) => joined.push(p.session.id));
    for (const leg of legs) room.join(leg);
    expect(joined).toEqual(legs.map((l) => l.id));
    expect(room.bridge.state).toBe('mixing');
    await sleep(1500);
    expectMixMinus(eps);
    await room.close();
  });

  it('mixes one G.722 participant with two G.711 ones at 16 kHz', async () => {
    const { hub, eps, legs } = await room3([['G722'], ['PCMU'], ['PCMA']]);
    expect(legs[0]!.stats().codec).toBe('G722');
    const room = createConference(hub, { id: 'wideband', sampleRate: 16000 });
    for (const leg of legs) room.join(leg);
    await sleep(1500);
    expect(eps[0]!.heard.sampleRate).toBe(16000);
    expectMixMinus(eps);
    await room.close();
  });

  it('mutes, reports talkers, enforces capacity and lock, and kicks', async () => {
    const { hub, eps, legs } = await room3([['PCMU'], ['PCMU'], ['PCMU']]);
    const room = createConference(hub, { capacity: 3, sampleRate: 8000 });
    const talking = new Set<string>();
    room.on('talking', (s, t) => { if (t) talking.add(s.id); });
    room.join(legs[0]!);
    room.join(legs[1]!);
    room.lock();
    expect(() => room.join(legs[2]!)).toThrow(ConferenceLockedError);
    room.unlock();
    room.join(legs[2]!, { muted: true });
    await sleep(1200);
    // The muted 1320 Hz participant is not heard; it still hears the others.
    expect(eps[0]!.heard.ratio(1320, WINDOW_MS)).toBeLessThan(ABSENT);
    expect(eps[2]!.heard.ratio(440, WINDOW_MS)).toBeGreaterThan(HEARD);
    expect(room.participant(legs[2]!)?.muted).toBe(true);
    await waitFor(() => talking.has(legs[0]!.id) && talking.has(legs[1]!.id), 2000);
    const extra = await endpoint(600);
    opened.push(extra.manager);
    const leg4 = await dial(hub, extra);
    expect(() => room.join(leg4)).toThrow(ConferenceFullError);
    const left: string[] = [];
    room.on('participant-left', (s, reason) => left.push(`${s.id}:${reason}`));
    await room.kick(legs[2]!);
    expect(left).toEqual([`${legs[2]!.id}:kicked`]);
    await waitFor(() => legs[2]!.state === 'terminated', 3000);
    room.join(leg4);
    room.unmuteAll();
    room.muteAll({ except: leg4 });
    await sleep(1000);
    expect(eps[0]!.heard.ratio(600, WINDOW_MS)).toBeGreaterThan(HEARD);
    expect(extra.heard.ratio(440, WINDOW_MS)).toBeLessThan(ABSENT);
    await room.close();
    expect(room.closed).toBe(true);
    expect(left.filter((l) => l.endsWith(':closed'))).toHaveLength(3);
  });

  it('joins by placing a call with invite()', async () => {
    const hub = await localManager();
    opened.push(hub);
    const eps = [await endpoint(440), await endpoint(880)];
    for (const e of eps) opened.push(e.manager);
    const room = createConference(hub, { sampleRate: 8000 });
    const [p0, p1] = await Promise.all(eps.map((e) => room.invite(e.uri('guest'))));
    expect(room.participants.map((p) => p.session)).toEqual(expect.arrayContaining([p0!.session, p1!.session]));
    await sleep(1000);
    expect(eps[0]!.heard.ratio(880, WINDOW_MS)).toBeGreaterThan(HEARD);
    expect(eps[1]!.heard.ratio(440, WINDOW_MS)).toBeGreaterThan(HEARD);
    const refused = await localManager();
    opened.push(refused);
    refused.setCallHandler({ onIncomingCall: (call) => call.reject(603) });
    const failures: string[] = [];
    room.on('invite-failed', (uri) => failures.push(uri));
    await expect(room.invite(refused.uri('no'))).rejects.toMatchObject({ code: 'ERR_CALL_FAILED', status: 603 });
    expect(failures).toHaveLength(1);
    expect(room.size).toBe(2);
    await room.close({ hangup: true });
    await waitFor(() => hub.sessions().length === 0, 3000);
  });
});
