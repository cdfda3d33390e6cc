import { lookupMove, move, type Move, type TransitionTable } from './state-machine.js';

/** States of the non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8). */
export type NistState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** Events the non-INVITE server transaction reacts to. */
export type NistEvent = 'request' | 'tu-1xx' | 'tu-final' | 'timer-J' | 'transport-error';

/** Actions the non-INVITE server transaction runs. */
export type NistAction =
  | 'send-response' | 'resend-response' | 'count-retransmission' | 'start-J' | 'report-transport-error';

const m = move<NistState, NistAction>;

/**
 * Non-INVITE server transaction, RFC 3261 §17.2.2: request retransmissions are
 * absorbed in Trying and answered with the last response in Proceeding and
 * Completed; Timer J (64*T1 unreliable, 0 reliable) ends Completed. Responses
 * the TU passes in Completed are discarded.
 */
export const NIST_TABLE: TransitionTable<NistState, NistEvent, NistAction> = Object.freeze({
  trying: {
    'request': m('trying', 'count-retransmission'),
    'tu-1xx': m('proceeding', 'send-response'),
    'tu-final': m('completed', 'send-response', 'start-J'),
    'transport-error': m('terminated', 'report-transport-error'),
  },
  proceeding: {
    'request': m('proceeding', 'count-retransmission', 'resend-response'),
    'tu-1xx': m('proceeding', 'send-response'),
    'tu-final': m('completed', 'send-response', 'start-J'),
    'transport-error': m('terminated', 'report-transport-error'),
  },
  completed: {
    'request': m('completed', 'count-retransmission', 'resend-response'),
    'timer-J': m('terminated'),
    'transport-error': m('terminated', 'report-transport-error'),
  },
  terminated: {},
});

/** The non-INVITE server transaction's transition function. */
export function nistTransition(state: NistState, event: NistEvent): Move<NistState, NistAction> | undefined {
  return lookupMove(NIST_TABLE, state, event);
}
