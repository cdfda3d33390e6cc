import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../../src/util/index.js';
import { SessionEventBus } from '../../../src/advanced/primitives/index.js';
import type { BusEvent } from '../../../src/advanced/primitives/index.js';

type Map = { dtmf: { digit: string }; ended: { reason: string }; media: { type: 'started' | 'stopped' } };

describe('SessionEventBus', () => {
  it('delivers every event to an unfiltered subscriber with type, session id, time and payload', () => {
    const bus = new SessionEventBus<Map>({ now: () => 42 });
    const seen: BusEvent<Map>[] = [];
    bus.subscribe((e) => seen.push(e));
    expect(bus.publish('dtmf', 'c1', { digit: '5' })).toBe(1);
    bus.publish('ended', 'c2', { reason: 'busy' });
    expect(seen).toEqual([
      { type: 'dtmf', sessionId: 'c1', at: 42, data: { digit: '5' } },
      { type: 'ended', sessionId: 'c2', at: 42, data: { reason: 'busy' } },
    ]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('filters by one session id or several', () => {
    const bus = new SessionEventBus<Map>();
    const one = vi.fn();
    const many = vi.fn();
    bus.subscribe({ sessionIds: 'c1' }, one);
    bus.subscribe({ sessionIds: new Set(['c2', 'c3']) }, many);
    for (const id of ['c1', 'c2', 'c3', 'c4']) bus.publish('dtmf', id, { digit: '1' });
    expect(one.mock.calls.map((c) => c[0].sessionId)).toEqual(['c1']);
    expect(many.mock.calls.map((c) => c[0].sessionId)).toEqual(['c2', 'c3']);
  });

  it('filters by event type(s) and narrows the payload type', () => {
    const bus = new SessionEventBus<Map>();
    const digits: string[] = [];
    const kinds: string[] = [];
    bus.subscribe({ types: 'dtmf' }, (e) => digits.push(e.data.digit));
    bus.subscribe({ types: ['ended', 'media'] }, (e) => kinds.push(e.type === 'ended' ? e.data.reason : e.data.type));
    bus.publish('dtmf', 'c1', { digit: '#' });
    bus.publish('media', 'c1', { type: 'started' });
    bus.publish('ended', 'c1', { reason: 'local-hangup' });
    expect(digits).toEqual(['#']);
    expect(kinds).toEqual(['started', 'local-hangup']);
  });

  it('combines session, type and predicate filters (all must hold)', () => {
    const bus = new SessionEventBus<Map>();
    const got = vi.fn();
    bus.subscribe({ sessionIds: ['c1', 'c2'], types: 'dtmf', where: (e) => e.data.digit !== '0' }, got);
    bus.publish('dtmf', 'c1', { digit: '0' });
    bus.publish('dtmf', 'c1', { digit: '7' });
    bus.publish('dtmf', 'c3', { digit: '7' });
    bus.publish('ended', 'c2', { reason: 'busy' });
    expect(got).toHaveBeenCalledTimes(1);
    expect(got.mock.calls[0]![0].data).toEqual({ digit: '7' });
  });

  it('stops delivering after unsubscribe, and unsubscribing twice is harmless', () => {
    const bus = new SessionEventBus<Map>();
    const got = vi.fn();
    const stop = bus.subscribe(got);
    bus.publish('dtmf', 'c1', { digit: '1' });
    stop();
    stop();
    bus.publish('dtmf', 'c1', { digit: '2' });
    expect(got).toHaveBeenCalledTimes(1);
    expect(bus.subscriberCount).toBe(0);
  });

  it('unsubscribes a once subscriber after its first matching event', () => {
    const bus = new SessionEventBus<Map>();
    const got = vi.fn();
    bus.subscribe({ types: 'ended', once: true }, got);
    bus.publish('dtmf', 'c1', { digit: '1' });
    bus.publish('ended', 'c1', { reason: 'a' });
    bus.publish('ended', 'c1', { reason: 'b' });
    expect(got).toHaveBeenCalledTimes(1);
    expect(bus.subscriberCount).toBe(0);
  });

  it('unsubscribes when the AbortSignal aborts, and subscribes nothing with an aborted signal', () => {
    const bus = new SessionEventBus<Map>();
    const controller = new AbortController();
    const got = vi.fn();
    bus.subscribe({ signal: controller.signal }, got);
    bus.publish('dtmf', 'c1', { digit: '1' });
    controller.abort();
    bus.publish('dtmf', 'c1', { digit: '2' });
    expect(got).toHaveBeenCalledTimes(1);
    bus.subscribe({ signal: AbortSignal.abort() }, got);
    expect(bus.subscriberCount).toBe(0);
  });

  it('reports a throwing listener or predicate and still delivers to the others', () => {
    const errors: unknown[] = [];
    const bus = new SessionEventBus<Map>({ onListenerError: (err, event) => errors.push([err, event.type]) });
    const after = vi.fn();
    const boom = new Error('listener');
    bus.subscribe(() => { throw boom; });
    bus.subscribe({ where: () => { throw new Error('predicate'); } }, after);
    bus.subscribe(after);
    expect(() => bus.publish('dtmf', 'c1', { digit: '1' })).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual([boom, 'dtmf']);
    expect(bus.listenerErrors).toBe(2);
  });

  it('lets a listener subscribe or unsubscribe others during publish without skipping or looping', () => {
    const bus = new SessionEventBus<Map>();
    const late = vi.fn();
    let stopB: () => void = () => {};
    const b = vi.fn();
    bus.subscribe(() => { stopB(); bus.subscribe(late); });
    stopB = bus.subscribe(b);
    bus.publish('dtmf', 'c1', { digit: '1' });
    expect(b).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
    bus.publish('dtmf', 'c1', { digit: '2' });
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('rejects a missing listener and clears every subscription', () => {
    const bus = new SessionEventBus<Map>();
    expect(() => bus.subscribe({ types: 'dtmf' }, undefined as never)).toThrow(InvalidArgumentError);
    bus.subscribe(() => {});
    bus.subscribe({ sessionIds: 'x' }, () => {});
    bus.clear();
    expect(bus.subscriberCount).toBe(0);
    expect(bus.publish('dtmf', 'x', { digit: '1' })).toBe(0);
  });
});

describe('SessionEventBus delivery order', () => {
  it('delivers in subscription order whether subscribers filter by session or not', () => {
    const bus = new SessionEventBus<Map>();
    const order: string[] = [];
    bus.subscribe({ sessionIds: 'c1' }, () => order.push('s1'));
    bus.subscribe(() => order.push('any1'));
    bus.subscribe({ sessionIds: ['c2', 'c1'] }, () => order.push('s2'));
    bus.subscribe({ sessionIds: 'c2' }, () => order.push('other'));
    bus.subscribe(() => order.push('any2'));
    bus.publish('dtmf', 'c1', { digit: '1' });
    expect(order).toEqual(['s1', 'any1', 's2', 'any2']);
  });

  it('delivers each event only to its own session among 10k per-session subscribers, promptly', () => {
    const bus = new SessionEventBus<Map>();
    const counts = new Array<number>(10_000).fill(0);
    for (let i = 0; i < 10_000; i++) bus.subscribe({ sessionIds: `c${i}` }, () => { counts[i]!++; });
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) bus.publish('dtmf', `c${i}`, { digit: '1' });
    expect(performance.now() - start).toBeLessThan(5000);
    expect(counts.every((c) => c === 1)).toBe(true);
  });
});
