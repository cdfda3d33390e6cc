import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../../src/util/index.js';
import { ResourceLimitError, ResourceTracker, trackManagerLimits } from '../../../src/advanced/primitives/index.js';

describe('ResourceTracker', () => {
  it('allocates units per session and kind and reports usage', () => {
    const r = new ResourceTracker();
    const h1 = r.allocate('c1', 'bandwidth', 64, 'PCMU');
    r.allocate('c2', 'bandwidth', 80);
    r.allocate('c1', 'media-ports', 2);
    expect(h1).toMatchObject({ sessionId: 'c1', kind: 'bandwidth', amount: 64, label: 'PCMU' });
    expect(r.used('bandwidth')).toBe(144);
    expect(r.used('bandwidth', 'c1')).toBe(64);
    expect(r.used('media-ports', 'c2')).toBe(0);
    expect(r.handles('c1')).toHaveLength(2);
  });

  it('refuses an allocation over the global limit with a typed error and a limit-exceeded event', () => {
    const r = new ResourceTracker({ limits: { bridges: { global: 2 } } });
    const reported: ResourceLimitError[] = [];
    r.on('limit-exceeded', (e) => reported.push(e));
    r.allocate('c1', 'bridges');
    r.allocate('c2', 'bridges');
    let err: unknown;
    try { r.allocate('c3', 'bridges'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ResourceLimitError);
    expect(err).toMatchObject({ code: 'ERR_RESOURCE_LIMIT', kind: 'bridges', scope: 'global', sessionId: 'c3', limit: 2, used: 2, requested: 1 });
    expect(reported).toEqual([err]);
    expect(r.used('bridges')).toBe(2);
  });

  it('refuses an allocation over the per-session limit while other sessions still get theirs', () => {
    const r = new ResourceTracker({ limits: { bandwidth: { perSession: 100, global: 1000 } } });
    r.allocate('c1', 'bandwidth', 64);
    const refused = r.tryAllocate('c1', 'bandwidth', 64);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ scope: 'session', limit: 100, used: 64, requested: 64 });
    expect(r.tryAllocate('c2', 'bandwidth', 64).ok).toBe(true);
    expect(r.canAllocate('c1', 'bandwidth', 36)).toBe(true);
    expect(r.canAllocate('c1', 'bandwidth', 37)).toBe(false);
  });

  it('frees capacity on release by handle or handle id, and a second release does nothing', () => {
    const r = new ResourceTracker({ limits: { 'media-ports': { global: 4 } } });
    const released: number[] = [];
    r.on('released', (h) => released.push(h.id));
    const a = r.allocate('c1', 'media-ports', 2);
    const b = r.allocate('c2', 'media-ports', 2);
    expect(r.canAllocate('c3', 'media-ports', 2)).toBe(false);
    expect(r.release(a)).toBe(true);
    expect(r.release(a)).toBe(false);
    expect(r.release(b.id)).toBe(true);
    expect(r.available('media-ports')).toBe(4);
    expect(released).toEqual([a.id, b.id]);
    expect(r.allocate('c3', 'media-ports', 4).amount).toBe(4);
  });

  it('releases everything a session holds, or only one kind of it', () => {
    const r = new ResourceTracker();
    r.allocate('c1', 'bandwidth', 64);
    r.allocate('c1', 'media-ports', 2);
    r.allocate('c1', 'custom-dsp', 1);
    r.allocate('c2', 'bandwidth', 64);
    expect(r.releaseSession('c1', 'bandwidth')).toBe(1);
    expect(r.used('bandwidth')).toBe(64);
    expect(r.releaseSession('c1')).toBe(2);
    expect(r.handles('c1')).toEqual([]);
    expect(r.handles()).toHaveLength(1);
  });

  it('gives a frozen snapshot of usage and limits per kind and session', () => {
    const r = new ResourceTracker({ limits: { bandwidth: { global: 500, perSession: 200 }, bridges: { global: 10 } } });
    r.allocate('c1', 'bandwidth', 64);
    r.allocate('c2', 'bandwidth', 16);
    r.allocate('c2', 'sessions');
    const snap = r.snapshot();
    expect(snap).toEqual({
      bandwidth: { used: 80, limit: 500, perSession: 200, bySession: { c1: 64, c2: 16 } },
      bridges: { used: 0, limit: 10, bySession: {} },
      sessions: { used: 1, bySession: { c2: 1 } },
    });
    expect(Object.isFrozen(snap.bandwidth)).toBe(true);
    r.allocate('c3', 'bandwidth', 1);
    expect(snap.bandwidth!.used).toBe(80);
  });

  it('keeps working when a listener throws', () => {
    const onListenerError = vi.fn();
    const r = new ResourceTracker({ limits: { x: { global: 0 } }, onListenerError });
    r.on('limit-exceeded', () => { throw new Error('listener'); });
    expect(r.tryAllocate('c1', 'x').ok).toBe(false);
    expect(onListenerError).toHaveBeenCalledTimes(1);
  });

  it('rejects bad amounts, kinds and limits', () => {
    const r = new ResourceTracker();
    expect(() => r.allocate('c1', 'bandwidth', -1)).toThrow(InvalidArgumentError);
    expect(() => r.allocate('c1', 'bandwidth', Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => r.allocate('', 'bandwidth')).toThrow(InvalidArgumentError);
    expect(() => r.allocate('c1', '')).toThrow(InvalidArgumentError);
    expect(() => r.setLimit('bandwidth', { global: -5 })).toThrow(InvalidArgumentError);
  });
});

class FakeSession extends EventEmitter {
  constructor(readonly id: string) { super(); }
  hangup = vi.fn();
}

class FakeManager extends EventEmitter {}

describe('trackManagerLimits', () => {
  it('counts live sessions, releases them when they end, and reports sessions over maxSessions', () => {
    const r = new ResourceTracker();
    const manager = new FakeManager();
    const over: string[] = [];
    const stop = trackManagerLimits(r, manager, {
      maxSessions: 2,
      onExceeded: (s: FakeSession, err) => { over.push(`${s.id}:${err.code}`); s.hangup(); },
    });
    const [a, b, c] = [new FakeSession('a'), new FakeSession('b'), new FakeSession('c')];
    manager.emit('session', a);
    manager.emit('session', b);
    expect(r.used('sessions')).toBe(2);
    manager.emit('session', c);
    expect(over).toEqual(['c:ERR_RESOURCE_LIMIT']);
    expect(c.hangup).toHaveBeenCalled();
    a.emit('ended', 'remote-hangup');
    expect(r.used('sessions')).toBe(1);
    manager.emit('session', new FakeSession('d'));
    expect(r.snapshot().sessions).toMatchObject({ used: 2, limit: 2, bySession: { b: 1, d: 1 } });
    stop();
    expect(r.used('sessions')).toBe(0);
    manager.emit('session', new FakeSession('e'));
    expect(r.used('sessions')).toBe(0);
  });

  it('fits the SessionManager and CallSession types', () => {
    type SM = import('../../../src/api/index.js').SessionManager;
    type CS = import('../../../src/api/index.js').CallSession;
    const check = (r: ResourceTracker, m: SM): (() => void) =>
      trackManagerLimits(r, m, { onExceeded: (s: CS) => void s.hangup() });
    expect(typeof check).toBe('function');
  });
});

describe('ResourceTracker invariants', () => {
  it('never holds more than a limit and always sums its live handles (property)', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(
      fc.array(fc.oneof(
        fc.record({ op: fc.constant('alloc' as const), s: fc.integer({ min: 0, max: 3 }), n: fc.integer({ min: 0, max: 40 }) }),
        fc.record({ op: fc.constant('release' as const), k: fc.nat() }),
        fc.record({ op: fc.constant('drop' as const), s: fc.integer({ min: 0, max: 3 }) }),
      ), { maxLength: 60 }),
      (ops) => {
        const r = new ResourceTracker({ limits: { bandwidth: { global: 100, perSession: 50 } } });
        for (const o of ops) {
          if (o.op === 'alloc') r.tryAllocate(`c${o.s}`, 'bandwidth', o.n);
          else if (o.op === 'drop') r.releaseSession(`c${o.s}`);
          else {
            const live = r.handles();
            if (live.length > 0) r.release(live[o.k % live.length]!);
          }
          const live = r.handles();
          expect(r.used('bandwidth')).toBe(live.reduce((t, h) => t + h.amount, 0));
          expect(r.used('bandwidth')).toBeLessThanOrEqual(100);
          for (let s = 0; s < 4; s++) {
            expect(r.used('bandwidth', `c${s}`)).toBeLessThanOrEqual(50);
            expect(r.used('bandwidth', `c${s}`)).toBe(r.handles(`c${s}`).reduce((t, h) => t + h.amount, 0));
          }
        }
      },
    ), { numRuns: 200 });
  });
});
