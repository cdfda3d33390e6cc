import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidStateError } from '../../../src/util/index.js';
import { LEG_TRANSITIONS, LegSequence, isFinalLegState } from '../../../src/advanced/primitives/index.js';
import type { LegState } from '../../../src/advanced/primitives/index.js';

describe('LegSequence', () => {
  it('tries B legs in sequence until one answers, recording every step', () => {
    let t = 0;
    const legs = new LegSequence<string>({ aLeg: 'in', data: 'caller', now: () => t++ });
    legs.addB('alice', 'sip:alice').addB('bob', 'sip:bob').addB('voicemail');
    expect(legs.aLeg).toMatchObject({ id: 'in', role: 'a', index: 0, state: 'trying', data: 'caller' });
    expect(legs.next()?.id).toBe('alice');
    legs.setState('alice', 'trying');
    legs.setState('alice', 'early');
    expect(legs.current?.id).toBe('alice');
    legs.setState('alice', 'failed', 'no-answer');
    expect(legs.next()?.id).toBe('bob');
    legs.setState('bob', 'trying');
    legs.setState('bob', 'active');
    legs.setState('in', 'active');
    expect(legs.active?.id).toBe('bob');
    expect(legs.current?.data).toBe('sip:bob');
    expect(legs.get('alice')).toMatchObject({ state: 'failed', reason: 'no-answer' });
    expect(legs.bLegs.map((l) => `${l.index}:${l.id}:${l.state}`)).toEqual(['1:alice:failed', '2:bob:active', '3:voicemail:pending']);
    expect(legs.history.map((h) => `${h.legId}:${h.from ?? '-'}>${h.to}@${h.at}`)).toEqual([
      'in:->trying@0', 'alice:->pending@1', 'bob:->pending@2', 'voicemail:->pending@3',
      'alice:pending>trying@4', 'alice:trying>early@5', 'alice:early>failed@6',
      'bob:pending>trying@7', 'bob:trying>active@8', 'in:trying>active@9',
    ]);
  });

  it('moves the previously active B leg to replaced when another B leg answers (transfer)', () => {
    const legs = new LegSequence({ aLeg: 'a', aState: 'active' });
    const seen: string[] = [];
    legs.on('leg', (leg, tr) => seen.push(`${leg.id}:${tr.to}`));
    legs.addB('b1');
    legs.setState('b1', 'trying');
    legs.setState('b1', 'active');
    legs.addB('b2');
    legs.setState('b2', 'trying');
    legs.setState('b2', 'active', 'transfer');
    expect(legs.get('b1')).toMatchObject({ state: 'replaced', reason: 'replaced by b2' });
    expect(legs.active?.id).toBe('b2');
    expect(seen.slice(-2)).toEqual(['b1:replaced', 'b2:active']);
  });

  it('refuses moves the transition table forbids and changes nothing', () => {
    const legs = new LegSequence({ aLeg: 'a' });
    legs.addB('b');
    expect(() => legs.setState('b', 'active')).toThrow(InvalidStateError);
    legs.setState('b', 'cancelled');
    expect(() => legs.setState('b', 'trying')).toThrow(InvalidStateError);
    expect(() => legs.setState('nope', 'trying')).toThrow(InvalidArgumentError);
    expect(legs.get('b')?.state).toBe('cancelled');
    expect(legs.history).toHaveLength(3);
  });

  it('is finished when the A leg is final or every B leg is', () => {
    const legs = new LegSequence({ aLeg: 'a' });
    expect(legs.finished).toBe(false);
    legs.addB('b1').addB('b2');
    legs.setState('b1', 'failed');
    expect(legs.finished).toBe(false);
    legs.setState('b2', 'failed');
    expect(legs.finished).toBe(true);
    const other = new LegSequence({ aLeg: 'a' });
    other.setState('a', 'cancelled');
    expect(other.finished).toBe(true);
  });

  it('refuses duplicate and empty leg ids and attaches data later', () => {
    const legs = new LegSequence<{ n: number }>({ aLeg: 'a' });
    expect(() => legs.addB('a')).toThrow(InvalidArgumentError);
    expect(() => legs.addB('')).toThrow(InvalidArgumentError);
    legs.addB('b');
    expect(legs.setData('b', { n: 1 }).data).toEqual({ n: 1 });
    expect(legs.get('b')?.data).toEqual({ n: 1 });
  });

  it('has final states with no way out, and every state reaches a final state', () => {
    const finals = [...LEG_TRANSITIONS.keys()].filter(isFinalLegState);
    expect(finals.sort()).toEqual(['cancelled', 'ended', 'failed', 'replaced']);
    for (const s of LEG_TRANSITIONS.keys()) {
      const seen = new Set<LegState>([s]);
      const queue = [s];
      while (queue.length > 0) for (const n of LEG_TRANSITIONS.get(queue.shift()!)!) if (!seen.has(n)) { seen.add(n); queue.push(n); }
      expect([...seen].some(isFinalLegState)).toBe(true);
    }
  });
});
