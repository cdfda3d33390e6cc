/**
 * One move of a transaction state machine: the next state and the actions to
 * run, in order, when an event arrives in a state.
 */
export interface Move<S extends string, A extends string> {
  /** State after the move (may equal the current one). */
  readonly to: S;
  /** Actions the transaction runs, in this order. */
  readonly actions: readonly A[];
}

/**
 * A state machine as data (STYLE.md habit 4): for each state, the events it
 * reacts to and the move each one causes. An event a state does not list is
 * ignored in that state (RFC 3261 §17: e.g. responses after Terminated).
 */
export type TransitionTable<S extends string, E extends string, A extends string> = {
  readonly [state in S]: { readonly [event in E]?: Move<S, A> };
};

/**
 * The one function that applies a table: the move for `event` in `state`, or
 * `undefined` when the state ignores the event.
 */
export function lookupMove<S extends string, E extends string, A extends string>(
  table: TransitionTable<S, E, A>,
  state: S,
  event: E,
): Move<S, A> | undefined {
  return table[state][event];
}

/** Shorthand for a table cell. */
export function move<S extends string, A extends string>(to: S, ...actions: A[]): Move<S, A> {
  return Object.freeze({ to, actions: Object.freeze(actions) });
}
