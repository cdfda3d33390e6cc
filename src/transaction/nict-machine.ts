import { lookupMove, move, type Move, type TransitionTable } from './state-machine.js';

/** States of the non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6). */
export type NictState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** Events the non-INVITE client transaction reacts to. */
export type NictEvent =
  | 'start' | 'timer-E' | 'timer-F' | 'timer-K'
  | '1xx' | 'final' | 'transport-error';

/** Actions the non-INVITE client transaction runs. */
export type NictAction =
  | 'send-request' | 'retransmit-request' | 'start-E' | 'double-E' | 'restart-E-T2' | 'stop-E'
  | 'start-F' | 'stop-F' | 'pass-response' | 'count-retransmission' | 'start-K'
  | 'timeout' | 'transport-failure';

const m = move<NictState, NictAction>;

/**
 * Non-INVITE client transaction, RFC 3261 §17.1.2.2: Timer E (unreliable only)
 * doubles up to T2 in Trying and is reset to T2 in Proceeding; Timer F (64*T1)
 * times out; Timer K (T4 unreliable, 0 reliable) absorbs response
 * retransmissions in Completed.
 */
export const NICT_TABLE: TransitionTable<NictState, NictEvent, NictAction> = Object.freeze({
  trying: {
    'start': m('trying', 'send-request', 'start-E', 'start-F'),
    'timer-E': m('trying', 'retransmit-request', 'double-E'),
    'timer-F': m('terminated', 'stop-E', 'timeout'),
    '1xx': m('proceeding', 'pass-response'),
    'final': m('completed', 'stop-E', 'stop-F', 'pass-response', 'start-K'),
    'transport-error': m('terminated', 'stop-E', 'stop-F', 'transport-failure'),
  },
  proceeding: {
    'timer-E': m('proceeding', 'retransmit-request', 'restart-E-T2'),
    'timer-F': m('terminated', 'stop-E', 'timeout'),
    '1xx': m('proceeding', 'pass-response'),
    'final': m('completed', 'stop-E', 'stop-F', 'pass-response', 'start-K'),
    'transport-error': m('terminated', 'stop-E', 'stop-F', 'transport-failure'),
  },
  completed: {
    '1xx': m('completed', 'count-retransmission'),
    'final': m('completed', 'count-retransmission'),
    'timer-K': m('terminated'),
  },
  terminated: {},
});

/** The non-INVITE client transaction's transition function. */
export function nictTransition(state: NictState, event: NictEvent): Move<NictState, NictAction> | undefined {
  return lookupMove(NICT_TABLE, state, event);
}
