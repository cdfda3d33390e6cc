import { describe, expect, it, vi } from 'vitest';
import { SessionStateMachine } from '../../../src/session/state-machine.js';
import type { SessionStateChange } from '../../../src/session/state-machine.js';
import type { SessionState, StateChangeReason } from '../../../src/session/index.js';
import { SessionStateError } from '../../../src/session/errors.js';
import { InvalidArgumentError, InvalidStateError } from '../../../src/util/index.js';

function connected(now?: () => number): SessionStateMachine {
  const m = new SessionStateMachine(now === undefined ? {} : { now });
  m.transition('dialing', 'invite-sent');
  m.transition('connected', 'answered', { status: 200 });
  return m;
}

describe('SessionStateMachine', () => {
  it('starts in initializing with no end reason', () => {
    const m = new SessionStateMachine();
    expect(m.state).toBe('initializing');
    expect(m.endReason).toBeUndefined();
    expect(m.lastChange).toBeUndefined();
    expect(m.isTerminated).toBe(false);
  });

  it('emits a frozen state event with from, to, reason, time and status', () => {
    let t = 1000;
    const m = new SessionStateMachine({ now: () => t });
    const seen: SessionStateChange[] = [];
    m.on('state', (c) => seen.push(c));
    m.transition('dialing', 'invite-sent');
    t = 1500;
    m.transition('ringing', 'provisional', { status: 180 });
    expect(seen).toEqual([
      { from: 'initializing', to: 'dialing', reason: 'invite-sent', at: 1000 },
      { from: 'dialing', to: 'ringing', reason: 'provisional', at: 1500, status: 180 },
    ]);
    expect(Object.isFrozen(seen[1])).toBe(true);
    expect(m.lastChange).toBe(seen[1]);
  });

  it('stamps events with Date.now by default', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    try {
      const m = new SessionStateMachine();
      expect(m.transition('ringing', 'invite-received').at).toBe(Date.parse('2030-01-01T00:00:00Z'));
    } finally {
      vi.useRealTimers();
    }
  });

  it('names the move in the error of an invalid transition and changes nothing', () => {
    const m = connected();
    const before = m.lastChange;
    expect(() => m.transition('dialing', 'invite-sent')).toThrow(/from connected to dialing/);
    expect(m.state).toBe('connected');
    expect(m.lastChange).toBe(before);
  });

  it('rejects an unknown target state as a bad argument', () => {
    const m = new SessionStateMachine();
    expect(() => m.transition('bogus' as SessionState, 'invite-sent')).toThrow(InvalidArgumentError);
    expect(m.state).toBe('initializing');
  });

  it('requires an end reason to move into terminating or terminated', () => {
    const m = connected();
    expect(() => m.transition('terminating', 'answered' as StateChangeReason as 'error')).toThrow(InvalidArgumentError);
    expect(() => m.transition('terminated', 'nonsense' as 'error')).toThrow(/not an end reason/);
    expect(m.state).toBe('connected');
  });

  it('requires a progress reason to move between live states', () => {
    const m = connected();
    expect(() => m.transition('on-hold', 'busy' as 'local-hold')).toThrow(/not a progress reason/);
    expect(m.state).toBe('connected');
  });

  it('records the first end reason and keeps it through terminated', async () => {
    const m = connected();
    m.transition('terminating', 'local-hangup');
    expect(m.endReason).toBe('local-hangup');
    expect(m.isEnding).toBe(true);
    m.transition('terminated', 'timeout');
    expect(m.endReason).toBe('local-hangup');
    const change = await m.terminated;
    expect(change).toMatchObject({ from: 'terminating', to: 'terminated', reason: 'timeout' });
  });

  it('carries the error of a failure on the change', () => {
    const m = new SessionStateMachine();
    const boom = new Error('boom');
    const change = m.transition('terminated', 'error', { error: boom });
    expect(change.error).toBe(boom);
    expect(m.endReason).toBe('error');
  });

  it('resolves terminated and emits the terminated event once, after its state event', async () => {
    const m = new SessionStateMachine();
    const order: string[] = [];
    m.on('state', (c) => order.push(`state:${c.to}`));
    m.on('terminated', (c) => order.push(`terminated:${c.reason}`));
    let resolved = false;
    void m.terminated.then(() => { resolved = true; });
    m.transition('ringing', 'invite-received');
    await Promise.resolve();
    expect(resolved).toBe(false);
    m.transition('terminated', 'cancelled', { status: 487 });
    await m.terminated;
    expect(resolved).toBe(true);
    expect(order).toEqual(['state:ringing', 'state:terminated', 'terminated:cancelled']);
    expect(m.isTerminated).toBe(true);
    expect(() => m.transition('terminated', 'error')).toThrow(InvalidStateError);
  });

  it('survives a listener that throws and reports it', () => {
    const reported: unknown[] = [];
    const m = new SessionStateMachine({ onListenerError: (err) => reported.push(err) });
    const second = vi.fn();
    m.on('state', () => { throw new Error('app bug'); });
    m.on('state', second);
    m.transition('dialing', 'invite-sent');
    expect(m.state).toBe('dialing');
    expect(second).toHaveBeenCalledTimes(1);
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toBe('app bug');
  });

  it('delivers events in the order of the changes when a listener changes state', () => {
    const m = new SessionStateMachine();
    const first: string[] = [];
    const second: string[] = [];
    m.on('state', (c) => {
      first.push(c.to);
      if (c.to === 'ringing') m.transition('terminated', 'cancelled');
    });
    m.on('state', (c) => second.push(c.to));
    m.transition('ringing', 'invite-received');
    expect(m.state).toBe('terminated');
    expect(first).toEqual(['ringing', 'terminated']);
    expect(second).toEqual(['ringing', 'terminated']);
  });

  it('tracks established states', () => {
    const m = connected();
    expect(m.isEstablished).toBe(true);
    m.transition('on-hold', 'remote-hold');
    expect(m.isEstablished).toBe(true);
    m.transition('transferring', 'transfer-started');
    expect(m.isEstablished).toBe(true);
    m.transition('terminating', 'transferred');
    expect(m.isEstablished).toBe(false);
  });

  describe('assert', () => {
    it('passes when the current state is allowed', () => {
      const m = connected();
      expect(() => m.assert(['connected', 'on-hold'], 'hold')).not.toThrow();
      expect(() => m.assert(new Set<SessionState>(['connected']), 'hold')).not.toThrow();
    });

    it('throws an InvalidStateError naming the operation and the state', () => {
      const m = new SessionStateMachine();
      m.transition('ringing', 'invite-received');
      let caught: unknown;
      try {
        m.assert(['connected', 'on-hold'], 'hold');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InvalidStateError);
      expect(caught).toBeInstanceOf(SessionStateError);
      expect(caught).toMatchObject({ code: 'ERR_INVALID_STATE', operation: 'hold', state: 'ringing' });
      expect((caught as Error).message).toMatch(/hold.*ringing/);
      expect(m.state).toBe('ringing');
    });
  });
});
