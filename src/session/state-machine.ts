/**
 * The session state machine (DESIGN.md, "Session state machine"; STYLE.md habit 4): a table of
 * allowed moves ({@link SESSION_TRANSITIONS}) and one method that validates and applies them.
 *
 * @module
 */
import createDebug from 'debug';
import { InvalidArgumentError, TypedEmitter } from '../util/index.js';
import { SessionStateError } from './errors.js';
import { isEndReason, isProgressReason } from './end-reason.js';
import type { EndReason, ProgressReason, StateChangeReason } from './end-reason.js';
import { SessionState, isEstablishedState, isValidTransition } from './session-state.js';

const debug = createDebug('sipline:session');

/** The states a session can only reach with an {@link EndReason}. */
export type EndingState = typeof SessionState.Terminating | typeof SessionState.Terminated;

/** The states a session reaches with a {@link ProgressReason}. */
export type LiveState = Exclude<SessionState, EndingState>;

/** One applied state change, as emitted on the `state` event. Frozen. */
export interface SessionStateChange {
  /** The state before the change. */
  readonly from: SessionState;
  /** The state after the change. */
  readonly to: SessionState;
  /** Why the state changed. */
  readonly reason: StateChangeReason;
  /** When, in milliseconds since the Unix epoch (`Date.now()` unless the machine was given `now`). */
  readonly at: number;
  /** The SIP status code that caused the change, when one did (e.g. 180, 200, 486). */
  readonly status?: number;
  /** The error that caused the change, for reason `error` and the like. */
  readonly error?: unknown;
}

/** Optional details of a state change. */
export interface TransitionDetails {
  /** The SIP status code that caused the change. */
  readonly status?: number;
  /** The error that caused the change. */
  readonly error?: unknown;
}

/** Events of a {@link SessionStateMachine}. */
export type SessionStateMachineEvents = {
  /** Every applied change, in order. */
  state: [change: SessionStateChange];
  /** The change into `terminated`, once, after its `state` event. */
  terminated: [change: SessionStateChange];
};

/** Options of a {@link SessionStateMachine}. */
export interface SessionStateMachineOptions {
  /** Label used in debug logs (e.g. the session id). Default `session`. */
  readonly id?: string;
  /** Wall-clock source for {@link SessionStateChange.at}. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Called when an event listener throws; the machine's state is unaffected. Default: a
   * `sipline:session` debug log line.
   */
  readonly onListenerError?: (err: unknown, event: string) => void;
}

/**
 * Holds one session's state. {@link SessionStateMachine.transition} is the only way to change it:
 * it checks the move against {@link SESSION_TRANSITIONS}, applies it, and emits a `state` event
 * `{ from, to, reason, at }`. An invalid move throws {@link SessionStateError} (an
 * `InvalidStateError`) and changes nothing. `terminated` is final; the
 * {@link SessionStateMachine.terminated} promise resolves when it is reached.
 *
 * Events are delivered in the order of the changes even when a listener makes another change
 * from inside its callback: that change is applied at once, and its event is delivered after
 * every listener has seen the current one.
 */
export class SessionStateMachine extends TypedEmitter<SessionStateMachineEvents> {
  #state: SessionState = SessionState.Initializing;
  #endReason: EndReason | undefined;
  #last: SessionStateChange | undefined;
  readonly #id: string;
  readonly #now: () => number;
  readonly #pending: SessionStateChange[] = [];
  #emitting = false;
  readonly #terminated: Promise<SessionStateChange>;
  #resolveTerminated!: (change: SessionStateChange) => void;

  /** @param options - log label, clock and listener error hook */
  constructor(options: SessionStateMachineOptions = {}) {
    super();
    this.#id = options.id ?? 'session';
    this.#now = options.now ?? Date.now;
    this.#terminated = new Promise((resolve) => {
      this.#resolveTerminated = resolve;
    });
    const onError = options.onListenerError ?? ((err: unknown, event: string) => {
      debug('%s: a %s listener threw: %O', this.#id, event, err);
    });
    this.setListenerErrorHandler(onError);
  }

  /** The current state. */
  get state(): SessionState {
    return this.#state;
  }

  /**
   * Why the call ended: the reason of the first move into `terminating` or `terminated` (a local
   * hang-up stays `local-hangup` even if the BYE then times out). `undefined` while live.
   */
  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  /** The last applied change, or `undefined` before the first. */
  get lastChange(): SessionStateChange | undefined {
    return this.#last;
  }

  /** True once the state is `terminated`. */
  get isTerminated(): boolean {
    return this.#state === SessionState.Terminated;
  }

  /** True while the session is `terminating` or `terminated`. */
  get isEnding(): boolean {
    return this.#state === SessionState.Terminating || this.#state === SessionState.Terminated;
  }

  /** True in `connected`, `on-hold` and `transferring`: the call is set up (BYE ends it). */
  get isEstablished(): boolean {
    return isEstablishedState(this.#state);
  }

  /** Resolves with the change into `terminated`; never rejects. */
  get terminated(): Promise<SessionStateChange> {
    return this.#terminated;
  }

  /** True when the table allows a move from the current state to `to`. */
  canTransition(to: SessionState): boolean {
    return isValidTransition(this.#state, to);
  }

  /**
   * Move to `to`. The one place where a session's state changes.
   *
   * @param to - the new state
   * @param reason - why: an {@link EndReason} for `terminating` and `terminated`, a
   *   {@link ProgressReason} for the live states
   * @param details - the SIP status or error that caused the change, if any
   * @returns the applied change (also emitted as `state`)
   * @throws SessionStateError when the move is not in {@link SESSION_TRANSITIONS}; nothing changes
   * @throws InvalidArgumentError when `to` or `reason` is not a known value or does not fit `to`
   */
  transition(to: EndingState, reason: EndReason, details?: TransitionDetails): SessionStateChange;
  transition(to: LiveState, reason: ProgressReason, details?: TransitionDetails): SessionStateChange;
  transition(to: SessionState, reason: StateChangeReason, details?: TransitionDetails): SessionStateChange;
  transition(to: SessionState, reason: StateChangeReason, details: TransitionDetails = {}): SessionStateChange {
    const from = this.#state;
    if (!isValidTransition(from, to)) {
      if (!Object.values(SessionState).includes(to)) {
        throw new InvalidArgumentError('to', `${String(to)} is not a session state`);
      }
      throw new SessionStateError(`move to ${to}`, from, `Cannot move a session from ${from} to ${to}`);
    }
    const ending = to === SessionState.Terminating || to === SessionState.Terminated;
    if (ending ? !isEndReason(reason) : !isProgressReason(reason)) {
      const kind = ending ? 'an end reason' : 'a progress reason';
      throw new InvalidArgumentError('reason', `${String(reason)} is not ${kind} (moving to ${to})`);
    }
    const change: SessionStateChange = Object.freeze({
      from,
      to,
      reason,
      at: this.#now(),
      ...(details.status === undefined ? {} : { status: details.status }),
      ...(details.error === undefined ? {} : { error: details.error }),
    });
    this.#state = to;
    this.#last = change;
    if (ending && this.#endReason === undefined) this.#endReason = reason as EndReason;
    debug('%s: %s -> %s (%s)', this.#id, from, to, reason);
    if (to === SessionState.Terminated) this.#resolveTerminated(change);
    this.#pending.push(change);
    this.#drain();
    return change;
  }

  /**
   * Guard for API methods: throws unless the current state is one of `allowed`.
   *
   * @param allowed - the states in which `operation` is permitted
   * @param operation - the operation's name for the error, e.g. `hold`
   * @throws SessionStateError naming the operation and the current state
   */
  assert(allowed: Iterable<SessionState>, operation: string): void {
    for (const s of allowed) if (s === this.#state) return;
    throw new SessionStateError(operation, this.#state);
  }

  #drain(): void {
    if (this.#emitting) return;
    this.#emitting = true;
    try {
      let change: SessionStateChange | undefined;
      while ((change = this.#pending.shift()) !== undefined) {
        this.safeEmit('state', change);
        if (change.to === SessionState.Terminated) this.safeEmit('terminated', change);
      }
    } finally {
      this.#emitting = false;
    }
  }
}
