import { lookupMove, move, type Move, type TransitionTable } from './state-machine.js';

/** States of the INVITE client transaction (RFC 3261 §17.1.1, Figure 5; RFC 6026 §7.2 adds Accepted). */
export type IctState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

/** Events the INVITE client transaction reacts to. */
export type IctEvent =
  | 'start' | 'timer-A' | 'timer-B' | 'timer-D' | 'timer-M'
  | '1xx' | '2xx' | '3xx-6xx' | 'transport-error';

/** Actions the INVITE client transaction runs. */
export type IctAction =
  | 'send-request' | 'retransmit-request' | 'start-A' | 'double-A' | 'stop-A' | 'start-B' | 'stop-B'
  | 'pass-response' | 'count-retransmission' | 'send-ack' | 'start-D' | 'start-M'
  | 'timeout' | 'transport-failure' | 'report-transport-error';

const m = move<IctState, IctAction>;

/**
 * INVITE client transaction, RFC 3261 §17.1.1.2 with the RFC 6026 §8.4
 * correction (2xx -> Accepted, Timer M, 2xx retransmissions passed to the TU):
 *
 * - Calling: request sent; Timer A (unreliable only) doubles without cap; Timer B
 *   (64*T1) ends the transaction with a timeout.
 * - A 3xx-6xx response is ACKed by the transaction (§17.1.1.3), passed up,
 *   and Timer D absorbs retransmissions, each re-ACKed.
 */
export const ICT_TABLE: TransitionTable<IctState, IctEvent, IctAction> = Object.freeze({
  calling: {
    'start': m('calling', 'send-request', 'start-A', 'start-B'),
    'timer-A': m('calling', 'retransmit-request', 'double-A'),
    'timer-B': m('terminated', 'stop-A', 'timeout'),
    '1xx': m('proceeding', 'stop-A', 'stop-B', 'pass-response'),
    '2xx': m('accepted', 'stop-A', 'stop-B', 'pass-response', 'start-M'),
    '3xx-6xx': m('completed', 'stop-A', 'stop-B', 'send-ack', 'pass-response', 'start-D'),
    'transport-error': m('terminated', 'stop-A', 'stop-B', 'transport-failure'),
  },
  proceeding: {
    '1xx': m('proceeding', 'pass-response'),
    '2xx': m('accepted', 'pass-response', 'start-M'),
    '3xx-6xx': m('completed', 'send-ack', 'pass-response', 'start-D'),
  },
  completed: {
    '3xx-6xx': m('completed', 'count-retransmission', 'send-ack'),
    'timer-D': m('terminated'),
    'transport-error': m('terminated', 'report-transport-error'),
  },
  accepted: {
    '2xx': m('accepted', 'count-retransmission', 'pass-response'),
    'timer-M': m('terminated'),
  },
  terminated: {},
});

/** The INVITE client transaction's transition function. */
export function ictTransition(state: IctState, event: IctEvent): Move<IctState, IctAction> | undefined {
  return lookupMove(ICT_TABLE, state, event);
}
