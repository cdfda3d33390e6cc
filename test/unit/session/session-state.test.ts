import { describe, expect, it } from 'vitest';
import { SessionStateMachine } from '../../../src/session/state-machine.js';
import { SESSION_STATES, SessionState, isValidTransition } from '../../../src/session/session-state.js';
import type { StateChangeReason } from '../../../src/session/end-reason.js';
import { InvalidStateError } from '../../../src/util/index.js';
import { SessionStateError } from '../../../src/session/errors.js';

// The sentence from DESIGN.md, "Session state machine", verbatim. The expected matrix is parsed
// from it, independently of the implementation's table.
const DESIGN = `Initializing -> Dialing | Ringing | Terminating | Terminated; Dialing -> Ringing | Connected |
Terminating | Terminated; Ringing -> Connected | Terminating | Terminated; Connected -> OnHold |
Transferring | Terminating | Terminated; OnHold -> Connected | Transferring | Terminating | Terminated;
Transferring -> Connected | OnHold | Terminating | Terminated; Terminating -> Terminated.`;

const NAMES: Record<string, SessionState> = {
  Initializing: 'initializing',
  Dialing: 'dialing',
  Ringing: 'ringing',
  Connected: 'connected',
  OnHold: 'on-hold',
  Transferring: 'transferring',
  Terminating: 'terminating',
  Terminated: 'terminated',
};

function expectedMoves(): Map<SessionState, Set<SessionState>> {
  const moves = new Map<SessionState, Set<SessionState>>();
  for (const clause of DESIGN.replace(/\s+/g, ' ').replace(/\.$/, '').split(';')) {
    const [from, targets] = clause.split('->').map((s) => s.trim());
    moves.set(NAMES[from], new Set(targets.split('|').map((t) => NAMES[t.trim()])));
  }
  return moves;
}

const EXPECTED = expectedMoves();

function allowed(from: SessionState, to: SessionState): boolean {
  return EXPECTED.get(from)?.has(to) ?? false;
}

const REASON_FOR: Record<SessionState, StateChangeReason> = {
  initializing: 'invite-sent', // never a target
  dialing: 'invite-sent',
  ringing: 'provisional',
  connected: 'answered',
  'on-hold': 'local-hold',
  transferring: 'transfer-started',
  terminating: 'local-hangup',
  terminated: 'remote-hangup',
};

/** Shortest path of allowed moves from initializing to `target` (breadth-first). */
function pathTo(target: SessionState): SessionState[] {
  const prev = new Map<SessionState, SessionState | null>([['initializing', null]]);
  const queue: SessionState[] = ['initializing'];
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const n of EXPECTED.get(s) ?? []) {
      if (!prev.has(n)) {
        prev.set(n, s);
        queue.push(n);
      }
    }
  }
  const path: SessionState[] = [];
  for (let s: SessionState | null | undefined = target; s !== 'initializing'; s = prev.get(s!)) {
    if (s === undefined || s === null) throw new Error(`unreachable ${target}`);
    path.unshift(s);
  }
  return path;
}

function machineIn(state: SessionState): SessionStateMachine {
  const m = new SessionStateMachine();
  for (const s of pathTo(state)) m.transition(s, REASON_FOR[s]);
  expect(m.state).toBe(state);
  return m;
}

describe('the session state table', () => {
  it('has the eight states of DESIGN.md with lower-case values', () => {
    expect([...SESSION_STATES].sort()).toEqual(Object.values(NAMES).sort());
    expect(SessionState.OnHold).toBe('on-hold');
    expect(EXPECTED.size).toBe(7); // every state but Terminated has a clause
  });

  const pairs = SESSION_STATES.flatMap((from) => SESSION_STATES.map((to) => [from, to] as const));
  it('covers the whole 8x8 matrix', () => {
    expect(pairs).toHaveLength(64);
  });

  it.each(pairs)('answers %s -> %s exactly as DESIGN.md lists', (from, to) => {
    expect(isValidTransition(from, to)).toBe(allowed(from, to));
  });

  it.each(pairs)('the machine applies or refuses %s -> %s as DESIGN.md lists', (from, to) => {
    const m = machineIn(from);
    const events: unknown[] = [];
    m.on('state', (c) => events.push(c));
    expect(m.canTransition(to)).toBe(allowed(from, to));
    if (allowed(from, to)) {
      const change = m.transition(to, REASON_FOR[to]);
      expect(change).toMatchObject({ from, to, reason: REASON_FOR[to] });
      expect(m.state).toBe(to);
      expect(events).toEqual([change]);
    } else {
      let caught: unknown;
      try {
        m.transition(to, REASON_FOR[to]);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SessionStateError);
      expect(caught).toBeInstanceOf(InvalidStateError);
      expect((caught as InvalidStateError).code).toBe('ERR_INVALID_STATE');
      expect((caught as SessionStateError).state).toBe(from);
      expect(m.state).toBe(from);
      expect(events).toEqual([]);
    }
  });

  it('makes terminated final: no move leaves it', () => {
    for (const to of SESSION_STATES) expect(isValidTransition('terminated', to)).toBe(false);
  });

  it('refuses a move from a state to itself', () => {
    for (const s of SESSION_STATES) expect(isValidTransition(s, s)).toBe(false);
  });
});
