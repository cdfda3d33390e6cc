import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../../src/util/index.js';
import {
  PRIORITIES, PriorityRegistry, QOS_CLASSES, QOS_DSCP, comparePriority, isHigherPriority, isPriority, isQosClass,
  priorityRank, sortByPriority,
} from '../../../src/advanced/primitives/index.js';
import type { Priority } from '../../../src/advanced/primitives/index.js';

describe('priorities', () => {
  it('orders emergency > critical > high > normal > low > background', () => {
    expect(['low', 'background', 'emergency', 'normal', 'critical', 'high'].sort((a, b) => comparePriority(a as Priority, b as Priority)))
      .toEqual(['emergency', 'critical', 'high', 'normal', 'low', 'background']);
    expect(priorityRank('emergency')).toBe(0);
    expect(priorityRank('background')).toBe(5);
    expect(isHigherPriority('critical', 'high')).toBe(true);
    expect(isHigherPriority('high', 'high')).toBe(false);
    expect(isPriority('urgent')).toBe(false);
    expect(() => priorityRank('urgent' as Priority)).toThrow(InvalidArgumentError);
  });

  it('sorts items most urgent first and keeps equal priorities in order (property)', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...PRIORITIES)), (ps) => {
      const items = ps.map((p, i) => ({ p, i }));
      const sorted = sortByPriority(items, (x) => x.p);
      for (let k = 1; k < sorted.length; k++) {
        const a = sorted[k - 1]!;
        const b = sorted[k]!;
        const c = comparePriority(a.p, b.p);
        expect(c).toBeLessThanOrEqual(0);
        if (c === 0) expect(a.i).toBeLessThan(b.i);
      }
      expect(sorted).toHaveLength(items.length);
    }));
  });
});

describe('QoS classes', () => {
  it('maps each class to its RFC 4594 DSCP and TOS byte', () => {
    expect(QOS_CLASSES).toEqual(['voice', 'video', 'expedited', 'assured', 'best-effort']);
    expect(QOS_DSCP.voice).toEqual({ dscp: 46, phb: 'EF', serviceClass: 'Telephony', tos: 0xb8 });
    expect(QOS_DSCP.video.dscp).toBe(34);
    expect(QOS_DSCP.expedited.dscp).toBe(40);
    expect(QOS_DSCP.assured.dscp).toBe(18);
    expect(QOS_DSCP['best-effort'].dscp).toBe(0);
    for (const c of QOS_CLASSES) {
      expect(QOS_DSCP[c].dscp).toBeGreaterThanOrEqual(0);
      expect(QOS_DSCP[c].dscp).toBeLessThan(64);
      expect(QOS_DSCP[c].tos).toBe(QOS_DSCP[c].dscp * 4);
    }
    expect(isQosClass('voice')).toBe(true);
    expect(isQosClass('gold')).toBe(false);
  });
});

describe('PriorityRegistry', () => {
  it('assigns levels to session ids and reads defaults for the others', () => {
    const reg = new PriorityRegistry();
    expect(reg.get('c1')).toEqual({ priority: 'normal', qos: 'voice' });
    reg.assign('c1', { priority: 'emergency' });
    reg.assign('c1', { qos: 'expedited' });
    expect(reg.get('c1')).toEqual({ priority: 'emergency', qos: 'expedited' });
    expect(reg.markingOf('c1').dscp).toBe(40);
    expect(reg.has('c2')).toBe(false);
    expect(reg.remove('c1')).toBe(true);
    expect(reg.priorityOf('c1')).toBe('normal');
  });

  it('sorts sessions by priority and lists those at least as urgent as a level', () => {
    const reg = new PriorityRegistry({ defaults: { priority: 'low', qos: 'best-effort' } });
    reg.assign('bg', { priority: 'background' });
    reg.assign('911', { priority: 'emergency' });
    reg.assign('vip', { priority: 'high' });
    expect(reg.sorted(['bg', 'x', '911', 'vip'])).toEqual(['911', 'vip', 'x', 'bg']);
    expect(['bg', 'vip'].sort((a, b) => reg.compare(a, b))).toEqual(['vip', 'bg']);
    expect(reg.atLeast('high')).toEqual(['911', 'vip']);
    expect(reg.qosOf('x')).toBe('best-effort');
  });

  it('emits changed only when a level changes, and removed', () => {
    const reg = new PriorityRegistry();
    const changed = vi.fn();
    const removed = vi.fn();
    reg.on('changed', changed);
    reg.on('removed', removed);
    reg.assign('c1', { priority: 'high' });
    reg.assign('c1', { priority: 'high' });
    reg.remove('c1');
    expect(changed).toHaveBeenCalledTimes(1);
    expect(changed.mock.calls[0]).toEqual(['c1', { priority: 'high', qos: 'voice' }, { priority: 'normal', qos: 'voice' }]);
    expect(removed).toHaveBeenCalledWith('c1', { priority: 'high', qos: 'voice' });
  });

  it('rejects unknown levels', () => {
    const reg = new PriorityRegistry();
    expect(() => reg.assign('c1', { priority: 'urgent' as Priority })).toThrow(InvalidArgumentError);
    expect(() => reg.assign('c1', { qos: 'gold' as never })).toThrow(InvalidArgumentError);
    expect(() => new PriorityRegistry({ defaults: { priority: 'x' as Priority } })).toThrow(InvalidArgumentError);
    expect(reg.size).toBe(0);
  });
});
