/**
 * The B2BUA helper between managers of ours on 127.0.0.1: a caller calls the agent, the agent
 * calls the callee; provisional responses and the final status are relayed, audio passes both
 * ways once bridged (a tone counts as heard at >= 20% of the received power over 600 ms), and the
 * end of either leg ends the other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createB2bua } from '../../src/advanced/index.js';
import type { B2buaCall } from '../../src/advanced/index.js';
import { CallFailedError, ToneSource } from '../../src/index.js';
import type { SessionManager } from '../../src/index.js';
import { localManager } from './api-helpers.js';
import { CollectSink, endpoint, sleep, waitFor } from './advanced-helpers.js';

const opened: SessionManager[] = [];
async function manager(): Promise<SessionManager> {
  const m = await localManager();
  opened.push(m);
  return m;
}

afterEach(async () => {
  for (const m of opened.splice(0)) await m.close();
});

describe('the B2BUA helper', () => {
  it('bridges the caller to the target on answer, and a hang-up on either side ends both legs', async () => {
    for (const who of ['caller', 'callee'] as const) {
      const agent = await manager();
      const callee = await endpoint(880, ['PCMA']);
      opened.push(callee.manager);
      const b2bua = createB2bua(agent, { target: callee.uri('desk') });
      const bridged = new Promise((r) => b2bua.once('bridged', r));
      const caller = await manager();
      const heard = new CollectSink();
      const session = await caller.makeCall(agent.uri('desk'), { codecs: ['PCMU'] });
      await session.answered();
      await session.record(heard);
      void session.play(new ToneSource({ frequency: 440, amplitude: 6000 })).catch(() => undefined);
      await bridged;
      const [pair] = b2bua.calls;
      expect(pair?.state).toBe('bridged');
      expect(pair?.bLeg?.remote.uri).toMatch(/^sip:desk@127\.0\.0\.1/);
      // The B-leg carries the caller's identity (transparent).
      expect((await callee.session()).remote.uri).toBe(session.local.uri);
      await sleep(1000);
      expect(heard.ratio(880)).toBeGreaterThan(0.2);
      expect(callee.heard.ratio(440)).toBeGreaterThan(0.2);
      if (who === 'caller') await session.hangup();
      else await (await callee.session()).hangup();
      await pair!.done;
      expect(pair!.aLeg.state).toBe('terminated');
      expect(pair!.bLeg!.state).toBe('terminated');
      // The A-leg / B-leg sequence recorded each step.
      expect(pair!.legs.aLeg.state).toBe('ended');
      expect(pair!.legs.bLegs.map((l) => l.state)).toEqual(['ended']);
      expect(pair!.legs.history.filter((t) => t.role === 'b').map((t) => t.to)).toEqual(['pending', 'trying', 'active', 'ended']);
      await waitFor(() => session.state === 'terminated' && agent.sessions().length === 0, 3000);
      expect(await session.ended()).toBe(who === 'caller' ? 'local-hangup' : 'remote-hangup');
    }
  });

  it('relays the final status of a failed B-leg to the caller', async () => {
    const agent = await manager();
    const callee = await manager();
    callee.setCallHandler({ onIncomingCall: (call) => call.reject(486) });
    const b2bua = createB2bua(agent, { target: (call) => (call.callee.uri.includes('nobody') ? undefined : callee.uri('busy')) });
    const failed: number[] = [];
    b2bua.on('failed', (c, status) => {
      failed.push(status);
      expect(c.legs.aLeg.state).toBe('failed');
      expect(c.legs.bLegs.map((l) => l.state)).toEqual(status === 486 ? ['failed'] : []);
    });
    const caller = await manager();
    const session = await caller.makeCall(agent.uri('busy'));
    const err = await session.answered().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CallFailedError);
    expect((err as CallFailedError).status).toBe(486);
    expect(session.endReason).toBe('busy');
    const other = await caller.makeCall(agent.uri('nobody'));
    const err2 = await other.answered().then(() => undefined, (e: unknown) => e);
    expect((err2 as CallFailedError).status).toBe(404);
    expect(failed).toEqual([486, 404]);
  });

  it('relays 180 from the target while it rings, and cancels the B-leg when the caller gives up', async () => {
    const agent = await manager();
    const callee = await manager();
    let calleeEnded: string | undefined;
    callee.setCallHandler({ onIncomingCall: () => undefined, onCallEnded: (_s, reason) => { calleeEnded = reason; } });
    const b2bua = createB2bua(agent, { target: callee.uri('slow') });
    const progress: number[] = [];
    b2bua.on('progress', (_c, status) => progress.push(status));
    const routed = new Promise<B2buaCall>((r) => b2bua.once('call', r));
    const caller = await manager();
    const session = await caller.makeCall(agent.uri('slow'));
    await waitFor(() => progress.includes(180), 3000);
    expect(session.state).toBe('ringing');
    await session.hangup();
    await waitFor(() => calleeEnded !== undefined, 3000);
    expect(calleeEnded).toBe('cancelled');
    await waitFor(() => b2bua.calls.length === 0, 3000);
    const pair = await routed;
    expect(pair.legs.bLegs.map((l) => l.state)).toEqual(['cancelled']);
    expect(pair.legs.history.filter((t) => t.role === 'b').map((t) => t.to)).toEqual(['pending', 'trying', 'early', 'cancelled']);
  });
});

describe('early media through the B2BUA', () => {
  it('lets the caller hear the target\'s early media (183 with SDP) before the answer', async () => {
    const agent = await manager();
    const callee = await manager();
    let answer: (() => Promise<unknown>) | undefined;
    callee.setCallHandler({
      async onIncomingCall(call) {
        await call.ring({ earlyMedia: new ToneSource({ frequency: 600, amplitude: 6000 }) });
        answer = () => call.answer();
      },
    });
    const b2bua = createB2bua(agent, { target: callee.uri('ringback') });
    const caller = await manager();
    const heard = new CollectSink();
    const session = await caller.makeCall(agent.uri('ringback'));
    let early = 0;
    session.on('early-media', () => { early++; });
    await waitFor(() => early > 0, 3000);
    await session.record(heard);
    await sleep(800);
    expect(session.state).toBe('ringing');
    expect(heard.ratio(600)).toBeGreaterThan(0.2);
    const bridged = new Promise((r) => b2bua.once('bridged', r));
    await answer!();
    await session.answered();
    await bridged;
    expect(b2bua.calls[0]?.legs.history.filter((t) => t.role === 'b').map((t) => t.to)).toEqual(['pending', 'trying', 'early', 'active']);
    await session.hangup();
  });
});
