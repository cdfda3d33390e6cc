import { lookupMove, move, type Move, type TransitionTable } from './state-machine.js';

/** States of the INVITE server transaction (RFC 3261 §17.2.1, Figure 7; RFC 6026 §7.1 adds Accepted). */
export type IstState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

/** Events the INVITE server transaction reacts to. */
export type IstEvent =
  | 'start' | 'timer-trying' | 'timer-G' | 'timer-H' | 'timer-I' | 'timer-L'
  | 'request' | 'ack' | 'cancel' | 'tu-1xx' | 'tu-2xx' | 'tu-3xx-6xx' | 'transport-error';

/** Actions the INVITE server transaction runs. */
export type IstAction =
  | 'start-trying' | 'stop-trying' | 'send-100' | 'send-response' | 'resend-response'
  | 'start-G' | 'double-G' | 'stop-G' | 'start-H' | 'stop-H' | 'start-I' | 'start-L'
  | 'count-retransmission' | 'pass-ack' | 'emit-cancelled' | 'timeout' | 'report-transport-error';

const m = move<IstState, IstAction>;

/**
 * INVITE server transaction, RFC 3261 §17.2.1 with RFC 6026 §8.5-8.7:
 *
 * - Proceeding: a 100 (Trying) goes out if the TU has not answered within
 *   200 ms; request retransmissions get the latest provisional response again;
 *   a matching CANCEL (§9.2) raises `cancelled` (later states ignore it: a
 *   final response was already sent).
 * - 2xx from the TU -> Accepted (Timer L = 64*T1): INVITE retransmissions are
 *   absorbed, further 2xx from the TU (its §13.3.1.4 retransmissions) are sent,
 *   ACKs are passed up.
 * - 3xx-6xx -> Completed: Timer G (unreliable only, doubling up to T2)
 *   retransmits the response, Timer H (64*T1) gives up waiting for the ACK.
 * - ACK -> Confirmed: Timer I (T4 unreliable, 0 reliable) absorbs ACK retransmissions.
 */
export const IST_TABLE: TransitionTable<IstState, IstEvent, IstAction> = Object.freeze({
  proceeding: {
    'start': m('proceeding', 'start-trying'),
    'timer-trying': m('proceeding', 'send-100'),
    'request': m('proceeding', 'count-retransmission', 'resend-response'),
    'cancel': m('proceeding', 'emit-cancelled'),
    'tu-1xx': m('proceeding', 'stop-trying', 'send-response'),
    'tu-2xx': m('accepted', 'stop-trying', 'send-response', 'start-L'),
    'tu-3xx-6xx': m('completed', 'stop-trying', 'send-response', 'start-G', 'start-H'),
    'transport-error': m('terminated', 'stop-trying', 'report-transport-error'),
  },
  completed: {
    'timer-G': m('completed', 'resend-response', 'double-G'),
    'timer-H': m('terminated', 'stop-G', 'timeout'),
    'request': m('completed', 'count-retransmission', 'resend-response'),
    'ack': m('confirmed', 'stop-G', 'stop-H', 'start-I'),
    'transport-error': m('terminated', 'stop-G', 'stop-H', 'report-transport-error'),
  },
  confirmed: {
    'request': m('confirmed', 'count-retransmission'),
    'ack': m('confirmed', 'count-retransmission'),
    'timer-I': m('terminated'),
  },
  accepted: {
    'request': m('accepted', 'count-retransmission'),
    'ack': m('accepted', 'pass-ack'),
    'tu-2xx': m('accepted', 'send-response'),
    'timer-L': m('terminated'),
    'transport-error': m('accepted', 'report-transport-error'),
  },
  terminated: {},
});

/** The INVITE server transaction's transition function. */
export function istTransition(state: IstState, event: IstEvent): Move<IstState, IstAction> | undefined {
  return lookupMove(IST_TABLE, state, event);
}
