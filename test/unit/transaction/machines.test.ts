import { describe, expect, it } from 'vitest';
import { createResponse } from '../../../src/sip/index.js';
import { ICT_TABLE, ictTransition } from '../../../src/transaction/ict-machine.js';
import { IST_TABLE, istTransition } from '../../../src/transaction/ist-machine.js';
import { NICT_TABLE, nictTransition } from '../../../src/transaction/nict-machine.js';
import { NIST_TABLE, nistTransition } from '../../../src/transaction/nist-machine.js';
import { createAckForNon2xx, createCancel, DEFAULT_TIMERS, timerValues } from '../../../src/transaction/index.js';
import { resolveTimerConfig } from '../../../src/transaction/timers.js';
import { makeRequest } from './harness.js';

describe('transition tables', () => {
  it('have no move out of Terminated in any machine', () => {
    for (const table of [ICT_TABLE, NICT_TABLE, IST_TABLE, NIST_TABLE]) {
      expect(Object.keys(table.terminated)).toEqual([]);
    }
  });

  it('reach Terminated from every other state of every machine', () => {
    const tables = [ICT_TABLE, NICT_TABLE, IST_TABLE, NIST_TABLE] as Record<string, Record<string, { to: string } | undefined>>[];
    for (const table of tables) {
      for (const state of Object.keys(table)) {
        // Breadth-first search over the table's moves.
        const seen = new Set([state]);
        const queue = [state];
        while (queue.length > 0) {
          const s = queue.shift()!;
          for (const mv of Object.values(table[s]!)) {
            if (mv !== undefined && !seen.has(mv.to)) { seen.add(mv.to); queue.push(mv.to); }
          }
        }
        expect(seen.has('terminated'), `${state} cannot reach terminated`).toBe(true);
      }
    }
  });

  it('make the INVITE client ACK a retransmitted non-2xx without passing it up again', () => {
    expect(ictTransition('completed', '3xx-6xx')?.actions).toEqual(['count-retransmission', 'send-ack']);
    expect(ictTransition('calling', '3xx-6xx')?.actions).toContain('pass-response');
    expect(ictTransition('calling', '2xx')?.to).toBe('accepted');
    expect(ictTransition('accepted', '2xx')?.actions).toContain('pass-response');
    expect(ictTransition('completed', '2xx')).toBeUndefined();
  });

  it('reset Timer E to T2 in Proceeding but double it in Trying', () => {
    expect(nictTransition('trying', 'timer-E')?.actions).toEqual(['retransmit-request', 'double-E']);
    expect(nictTransition('proceeding', 'timer-E')?.actions).toEqual(['retransmit-request', 'restart-E-T2']);
  });

  it('let the INVITE server be cancelled only before its final response', () => {
    expect(istTransition('proceeding', 'cancel')?.actions).toEqual(['emit-cancelled']);
    for (const s of ['completed', 'confirmed', 'accepted', 'terminated'] as const) expect(istTransition(s, 'cancel')).toBeUndefined();
  });

  it('make the non-INVITE server discard TU responses in Completed', () => {
    expect(nistTransition('completed', 'tu-final')).toBeUndefined();
    expect(nistTransition('completed', 'request')?.actions).toContain('resend-response');
    expect(nistTransition('trying', 'request')?.actions).not.toContain('resend-response');
  });
});

describe('timer values (RFC 3261 Table 4, RFC 6026)', () => {
  it('are the RFC values over UDP', () => {
    expect(timerValues(DEFAULT_TIMERS, false)).toEqual({
      A: 500, B: 32_000, D: 32_000, E: 500, F: 32_000, G: 500, H: 32_000, I: 5_000, J: 32_000, K: 5_000,
      L: 32_000, M: 32_000, T2: 4_000,
    });
  });

  it('are zero or not started over TCP only where the RFC says so', () => {
    expect(timerValues(DEFAULT_TIMERS, true)).toEqual({
      A: undefined, B: 32_000, D: 0, E: undefined, F: 32_000, G: undefined, H: 32_000, I: 0, J: 0, K: 0,
      L: 32_000, M: 32_000, T2: 4_000,
    });
  });

  it('follow a custom T1 and T4, with Timer D never under 32 s on UDP', () => {
    const v = timerValues(resolveTimerConfig({ T1: 100, T4: 2_000 }), false);
    expect(v).toMatchObject({ A: 100, B: 6_400, D: 32_000, H: 6_400, I: 2_000, J: 6_400, K: 2_000 });
    expect(timerValues(resolveTimerConfig({ T1: 1_000, T2: 8_000 }), false).D).toBe(64_000);
  });

  it('reject a non-positive value or T2 below T1', () => {
    expect(() => resolveTimerConfig({ T1: 0 })).toThrow(RangeError);
    expect(() => resolveTimerConfig({ T1: 5_000, T2: 4_000 })).toThrow(RangeError);
  });
});

describe('builders', () => {
  it('createCancel copies Request-URI, Call-ID, From, To, CSeq number, top Via and Route (§9.1)', () => {
    const invite = makeRequest({ cseq: 42, route: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] })
      .withHeaderPrepended('Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKtop');
    const cancel = createCancel(invite);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.uri.equals(invite.uri)).toBe(true);
    expect(cancel.callId).toBe(invite.callId);
    expect(cancel.get('From')).toBe(invite.get('From'));
    expect(cancel.get('To')).toBe(invite.get('To'));
    expect(cancel.cseq).toEqual({ seq: 42, method: 'CANCEL' });
    expect(cancel.via.map((v) => v.toString())).toEqual(['SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKtop']);
    expect(cancel.getAll('Route')).toEqual(['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    expect(cancel.body.length).toBe(0);
  });

  it('createAckForNon2xx takes To from the response and the rest from the INVITE (§17.1.1.3)', () => {
    const invite = makeRequest({ cseq: 9, route: ['<sip:p1.example.com;lr>'] }).withBody('v=0\r\n', 'application/sdp');
    const ack = createAckForNon2xx(invite, createResponse(invite, 486, 'Busy Here', { toTag: 'xyz' }));
    expect(ack.method).toBe('ACK');
    expect(ack.to.tag).toBe('xyz');
    expect(ack.from.tag).toBe(invite.from.tag);
    expect(ack.cseq).toEqual({ seq: 9, method: 'ACK' });
    expect(ack.via).toHaveLength(1);
    expect(ack.topVia.branch).toBe(invite.topVia.branch);
    expect(ack.getAll('Route')).toEqual(['<sip:p1.example.com;lr>']);
    expect(ack.body.length).toBe(0);
    expect(ack.has('Content-Type')).toBe(false);
  });
});
