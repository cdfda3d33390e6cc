/**
 * The states of a call session and the table of moves between them (DESIGN.md, "Session state
 * machine"). The table is data; {@link SessionStateMachine} is the one place that applies it.
 *
 * @module
 */

/**
 * The states of a call session. The values are lower-case, kebab-case strings (`'on-hold'`), stable
 * across versions, so applications may log, store or switch on them.
 *
 * - `initializing`: created, nothing sent or received yet.
 * - `dialing`: outgoing INVITE sent, no provisional response with a ringing meaning yet.
 * - `ringing`: an incoming INVITE waits for the application's decision, or the far end is ringing
 *   (180/183) for an outgoing call.
 * - `connected`: answered (2xx) and media flowing.
 * - `on-hold`: connected, media held by one side (RFC 3264 §8.4 directions).
 * - `transferring`: a REFER is in progress (RFC 3515).
 * - `terminating`: CANCEL or BYE sent, waiting for the far end or for a bounded time.
 * - `terminated`: final; every resource of the session is released.
 */
export const SessionState = Object.freeze({
  /** Created; nothing sent or received yet. */
  Initializing: 'initializing',
  /** Outgoing INVITE sent; the far end is not ringing yet. */
  Dialing: 'dialing',
  /** Waiting for a decision (incoming) or the far end is ringing (outgoing). */
  Ringing: 'ringing',
  /** Answered; media flowing. */
  Connected: 'connected',
  /** Connected, with media held by one side. */
  OnHold: 'on-hold',
  /** A transfer (REFER) is in progress. */
  Transferring: 'transferring',
  /** CANCEL or BYE sent; waiting for the far end. */
  Terminating: 'terminating',
  /** Final: every resource is released. */
  Terminated: 'terminated',
} as const);

/** One of the {@link SessionState} values, e.g. `'connected'`. */
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** Every session state, in the order of DESIGN.md. */
export const SESSION_STATES: readonly SessionState[] = Object.freeze(Object.values(SessionState));

const S = SessionState;

/**
 * The valid moves, exactly as DESIGN.md lists them. A move that is not in this table is invalid,
 * including a move from a state to itself. `terminated` has no way out.
 */
export const SESSION_TRANSITIONS: ReadonlyMap<SessionState, ReadonlySet<SessionState>> = new Map<
  SessionState,
  ReadonlySet<SessionState>
>([
  [S.Initializing, new Set([S.Dialing, S.Ringing, S.Terminating, S.Terminated])],
  [S.Dialing, new Set([S.Ringing, S.Connected, S.Terminating, S.Terminated])],
  [S.Ringing, new Set([S.Connected, S.Terminating, S.Terminated])],
  [S.Connected, new Set([S.OnHold, S.Transferring, S.Terminating, S.Terminated])],
  [S.OnHold, new Set([S.Connected, S.Transferring, S.Terminating, S.Terminated])],
  [S.Transferring, new Set([S.Connected, S.OnHold, S.Terminating, S.Terminated])],
  [S.Terminating, new Set([S.Terminated])],
  [S.Terminated, new Set<SessionState>()],
]);

/** True when `value` is one of the {@link SessionState} strings. */
export function isSessionState(value: unknown): value is SessionState {
  return typeof value === 'string' && SESSION_TRANSITIONS.has(value as SessionState);
}

/** True when the table allows a move from `from` to `to`. */
export function isValidTransition(from: SessionState, to: SessionState): boolean {
  return SESSION_TRANSITIONS.get(from)?.has(to) ?? false;
}

/**
 * True for the states in which a call has been set up and not yet torn down (`connected`,
 * `on-hold`, `transferring`): the states in which BYE, rather than CANCEL or a final response,
 * ends the call.
 */
export function isEstablishedState(state: SessionState): boolean {
  return state === S.Connected || state === S.OnHold || state === S.Transferring;
}
