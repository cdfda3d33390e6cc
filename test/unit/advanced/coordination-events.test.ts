import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  COORDINATION_EVENT_TYPES, SessionEventBus, coordinationBus, forwardSessionEvents,
} from '../../../src/advanced/primitives/index.js';
import type { BusEvent, CoordinationEventMap, CoordinationSource } from '../../../src/advanced/primitives/index.js';
import type { SessionStateChange } from '../../../src/session/index.js';

class FakeSession extends EventEmitter {
  constructor(readonly id: string) { super(); }
}

describe('coordination events', () => {
  it('forwards state, media, dtmf and ended of a session onto the bus keyed by its id, then stops', () => {
    const bus = new SessionEventBus<CoordinationEventMap>({ now: () => 7 });
    const seen: BusEvent<CoordinationEventMap>[] = [];
    bus.subscribe({ sessionIds: 's1' }, (e) => seen.push(e));
    const s = new FakeSession('s1');
    forwardSessionEvents(bus, s as unknown as CoordinationSource);
    const change: SessionStateChange = { from: 'ringing', to: 'connected', reason: 'answered', at: 1 } as SessionStateChange;
    s.emit('state', change);
    s.emit('media', { type: 'started', codec: 'PCMU' });
    s.emit('dtmf', { digit: '9', durationMs: 100 });
    s.emit('ended', 'remote-hangup', change);
    s.emit('dtmf', { digit: '1', durationMs: 100 });
    expect(seen.map((e) => e.type)).toEqual(['state', 'media', 'dtmf', 'ended']);
    expect(seen[0]!.data).toBe(change);
    expect(seen[3]!.data).toEqual({ reason: 'remote-hangup' });
    expect(s.listenerCount('state') + s.listenerCount('dtmf') + s.listenerCount('ended')).toBe(0);
  });

  it('stops forwarding when the returned function is called', () => {
    const bus = new SessionEventBus<CoordinationEventMap>();
    let count = 0;
    bus.subscribe(() => count++);
    const s = new FakeSession('s2');
    const stop = forwardSessionEvents(bus, s as unknown as CoordinationSource);
    stop();
    s.emit('dtmf', { digit: '1', durationMs: 50 });
    expect(count).toBe(0);
  });

  it('feeds one bus from every session a manager creates until stopped', () => {
    const manager = new EventEmitter();
    const { bus, stop } = coordinationBus(manager as never);
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`${e.sessionId}:${e.type}`));
    const a = new FakeSession('a');
    const b = new FakeSession('b');
    manager.emit('session', a);
    manager.emit('session', b);
    a.emit('dtmf', { digit: '1', durationMs: 40 });
    b.emit('ended', 'busy', {});
    b.emit('dtmf', { digit: '2', durationMs: 40 });
    bus.publish('dialog', 'a', { kind: 'refer', method: 'REFER', referTo: 'sip:c@x' });
    stop();
    a.emit('dtmf', { digit: '3', durationMs: 40 });
    manager.emit('session', new FakeSession('c'));
    expect(seen).toEqual(['a:dtmf', 'b:ended', 'a:dialog']);
    expect(a.listenerCount('dtmf')).toBe(0);
    expect(manager.listenerCount('session')).toBe(0);
  });

  it('lists every event type of the map and accepts a CallSession as a source', () => {
    expect(COORDINATION_EVENT_TYPES).toEqual(['state', 'ended', 'media', 'dtmf', 'dialog']);
    type CS = import('../../../src/api/index.js').CallSession;
    const wire = (bus: SessionEventBus<CoordinationEventMap>, session: CS): (() => void) => forwardSessionEvents(bus, session);
    type SM = import('../../../src/api/index.js').SessionManager;
    const feed = (m: SM) => coordinationBus(m);
    expect(typeof wire).toBe('function');
    expect(typeof feed).toBe('function');
  });
});
