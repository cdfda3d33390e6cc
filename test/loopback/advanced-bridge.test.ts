/**
 * Bridges over real sockets: a hub manager calls two endpoints (each its own SessionManager on
 * 127.0.0.1) and bridges the two calls. Thresholds: a tone counts as heard when it carries at
 * least 20% of the received power (Goertzel, `toneRatio` per 100 ms block, averaged over the last
 * 600 ms), and as absent under 2%.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionAlreadyBridgedError, createBridge } from '../../src/advanced/index.js';
import type { SessionManager } from '../../src/index.js';
import { localManager } from './api-helpers.js';
import { dial, endpoint, sleep, waitFor } from './advanced-helpers.js';
import type { Endpoint } from './advanced-helpers.js';

const HEARD = 0.2;
const ABSENT = 0.02;
const opened: SessionManager[] = [];

async function hub(): Promise<SessionManager> {
  const m = await localManager();
  opened.push(m);
  return m;
}

async function ep(freq: number, codecs?: Parameters<typeof endpoint>[1]): Promise<Endpoint> {
  const e = await endpoint(freq, codecs);
  opened.push(e.manager);
  return e;
}

afterEach(async () => {
  for (const m of opened.splice(0)) await m.close();
});

describe('a bridge of two sessions', () => {
  it('transcodes between a PCMU leg and a PCMA leg: audio and DTMF pass both ways', async () => {
    const h = await hub();
    const a = await ep(440, ['PCMU']);
    const b = await ep(880, ['PCMA']);
    const la = await dial(h, a, ['PCMU']);
    const lb = await dial(h, b, ['PCMA']);
    expect(la.stats().codec).toBe('PCMU');
    expect(lb.stats().codec).toBe('PCMA');
    const bridge = createBridge(h);
    bridge.add(la);
    bridge.add(lb);
    expect(bridge.state).toBe('transcode');
    await sleep(1200);
    expect(a.heard.ratio(880)).toBeGreaterThan(HEARD);
    expect(a.heard.ratio(440)).toBeLessThan(ABSENT);
    expect(b.heard.ratio(440)).toBeGreaterThan(HEARD);
    expect(b.heard.ratio(880)).toBeLessThan(ABSENT);
    const sa = await a.session();
    const sb = await b.session();
    await sa.sendDtmf('15#', { durationMs: 100 });
    await sb.sendDtmf('*7', { durationMs: 100 });
    await waitFor(() => b.digits.length >= 3 && a.digits.length >= 2, 4000);
    expect(b.digits.join('')).toBe('15#');
    expect(a.digits.join('')).toBe('*7');
    const c = bridge.counters;
    expect(c.transcodedPackets).toBeGreaterThan(50);
    expect(c.relayedPackets).toBe(0);
    expect(c.dtmfForwarded).toBe(5);
    bridge.destroy();
  });

  it('relays without decoding when both legs use the same codec', async () => {
    const h = await hub();
    const a = await ep(440, ['PCMU']);
    const b = await ep(1320, ['PCMU']);
    const la = await dial(h, a);
    const lb = await dial(h, b);
    const bridge = createBridge(h);
    const states: string[] = [];
    bridge.on('state', (s) => states.push(s));
    bridge.add(la);
    bridge.add(lb);
    await sleep(1000);
    expect(states).toEqual(['relay']);
    expect(a.heard.ratio(1320)).toBeGreaterThan(HEARD);
    expect(b.heard.ratio(440)).toBeGreaterThan(HEARD);
    const c = bridge.counters;
    expect(c.relayedPackets).toBeGreaterThan(60);
    expect(c.transcodedPackets).toBe(0);
    await (await a.session()).sendDtmf('9');
    await waitFor(() => b.digits.length === 1, 3000);
    expect(b.digits).toEqual(['9']);
    bridge.destroy();
    expect(states.at(-1)).toBe('destroyed');
  });

  it('transcodes between G.722 and PCMU (16 and 8 kHz)', async () => {
    const h = await hub();
    const a = await ep(440, ['G722']);
    const b = await ep(880, ['PCMU']);
    const la = await dial(h, a, ['G722']);
    const lb = await dial(h, b, ['PCMU']);
    expect(la.stats().codec).toBe('G722');
    const bridge = createBridge(h);
    bridge.add(la);
    bridge.add(lb);
    await sleep(1200);
    expect(a.heard.sampleRate).toBe(16000);
    expect(a.heard.ratio(880)).toBeGreaterThan(HEARD);
    expect(b.heard.ratio(440)).toBeGreaterThan(HEARD);
    expect(a.heard.ratio(440)).toBeLessThan(ABSENT);
    bridge.destroy();
  });
});

describe('a bridge of three', () => {
  it('mixes three sessions, and relays again when one leaves', async () => {
    const h = await hub();
    const eps = [await ep(440), await ep(880), await ep(1320)];
    const legs = [];
    for (const e of eps) legs.push(await dial(h, e));
    const bridge = createBridge(h);
    const states: string[] = [];
    bridge.on('state', (s) => states.push(s));
    for (const leg of legs) bridge.add(leg);
    expect(bridge.state).toBe('mixing');
    await sleep(1200);
    expect(eps[0]!.heard.ratio(880)).toBeGreaterThan(0.15);
    expect(eps[0]!.heard.ratio(1320)).toBeGreaterThan(0.15);
    expect(eps[0]!.heard.ratio(440)).toBeLessThan(ABSENT);
    bridge.remove(legs[2]!);
    expect(bridge.state).toBe('relay');
    const relayedBefore = bridge.counters.relayedPackets;
    await sleep(1000);
    expect(bridge.counters.relayedPackets).toBeGreaterThan(relayedBefore + 50);
    expect(eps[0]!.heard.ratio(880)).toBeGreaterThan(HEARD);
    expect(eps[0]!.heard.ratio(1320)).toBeLessThan(ABSENT);
    // The session that left hears silence now.
    expect(eps[2]!.heard.ratio(440, 400) + eps[2]!.heard.ratio(880, 400)).toBeLessThan(ABSENT);
    expect(states).toEqual(['relay', 'mixing', 'relay']);
    expect(bridge.counters.mixerStarts).toBe(1);
    bridge.destroy();
  });
});

describe('bridge rules', () => {
  it('keeps a session in one bridge at a time, and a session that ends leaves by itself', async () => {
    const h = await hub();
    const a = await ep(440);
    const b = await ep(880);
    const la = await dial(h, a);
    const lb = await dial(h, b);
    const first = createBridge(h, { destroyWhenEmpty: true });
    const second = createBridge(h);
    first.add(la);
    first.add(la); // again in the same bridge: nothing happens
    expect(first.sessions).toEqual([la]);
    let error: unknown;
    try { second.add(la); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(SessionAlreadyBridgedError);
    expect((error as SessionAlreadyBridgedError).code).toBe('ERR_SESSION_ALREADY_BRIDGED');
    expect(second.sessions).toEqual([]);
    first.add(lb);
    const removed: string[] = [];
    first.on('session-removed', (s, reason) => removed.push(`${s === la ? 'a' : 'b'}:${reason}`));
    let destroyed = 0;
    first.on('destroyed', () => { destroyed++; });
    // The far end of leg A hangs up: A leaves the bridge by itself.
    await (await a.session()).hangup();
    await waitFor(() => removed.length === 1, 3000);
    expect(removed).toEqual(['a:ended']);
    expect(first.state).toBe('idle');
    expect(destroyed).toBe(0);
    // B is removed by hand: the bridge is empty and destroys itself.
    expect(first.remove(lb)).toBe(true);
    expect(first.remove(lb)).toBe(false);
    expect(removed).toEqual(['a:ended', 'b:removed']);
    expect(destroyed).toBe(1);
    expect(first.destroyed).toBe(true);
    expect(() => first.add(lb)).toThrow(/destroyed/);
    // Out of the first bridge, B may join another one.
    second.add(lb);
    expect(second.sessions).toEqual([lb]);
    second.destroy();
  });

  it('refuses a session that has ended', async () => {
    const h = await hub();
    const a = await ep(440);
    const la = await dial(h, a);
    await la.hangup();
    const bridge = createBridge(h);
    expect(() => bridge.add(la)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
  });

  it('waits for a ringing session to be answered before relaying', async () => {
    const h = await hub();
    const a = await ep(440);
    const la = await dial(h, a);
    const slow = await localManager();
    opened.push(slow);
    let answer!: () => void;
    slow.setCallHandler({ onIncomingCall: (call) => new Promise<void>((r) => { answer = () => { void call.answer().then(() => r()); }; }) });
    const lb = await h.makeCall(slow.uri('slow'));
    await waitFor(() => answer !== undefined && lb.state === 'ringing', 3000);
    const bridge = createBridge(h);
    bridge.add(la);
    bridge.add(lb);
    expect(bridge.state).toBe('waiting');
    answer();
    await waitFor(() => bridge.state === 'relay', 3000);
    bridge.destroy();
  });
});
