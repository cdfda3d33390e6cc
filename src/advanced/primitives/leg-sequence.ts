import { InvalidArgumentError, InvalidStateError } from '../../util/index.js';
import type { Unsubscribe } from './event-bus.js';
import { reportingEmitter } from './reporting-emitter.js';
import type { ListenerErrorHandler } from './reporting-emitter.js';

/**
 * The state of a leg: `pending` (not tried yet), `trying` (INVITE sent / received), `early`
 * (provisional response), `active` (answered), and the final states `failed`, `cancelled`,
 * `replaced` (an answered leg superseded by another, e.g. after a transfer) and `ended`.
 */
export type LegState = 'pending' | 'trying' | 'early' | 'active' | 'failed' | 'cancelled' | 'replaced' | 'ended';

/** The allowed moves of {@link LegState}. */
export const LEG_TRANSITIONS: ReadonlyMap<LegState, ReadonlySet<LegState>> = new Map<LegState, ReadonlySet<LegState>>([
  ['pending', new Set<LegState>(['trying', 'failed', 'cancelled'])],
  ['trying', new Set<LegState>(['early', 'active', 'failed', 'cancelled'])],
  ['early', new Set<LegState>(['active', 'failed', 'cancelled'])],
  ['active', new Set<LegState>(['ended', 'replaced'])],
  ['failed', new Set<LegState>()],
  ['cancelled', new Set<LegState>()],
  ['replaced', new Set<LegState>()],
  ['ended', new Set<LegState>()],
]);

/** Whether a leg state is final. */
export function isFinalLegState(state: LegState): boolean {
  return LEG_TRANSITIONS.get(state)?.size === 0;
}

/** One leg of a {@link LegSequence}: an immutable snapshot, replaced on every change. */
export interface Leg<D = unknown> {
  /** The leg id (typically the session id). */
  readonly id: string;
  /** `a` for the A leg, `b` for a B leg. */
  readonly role: 'a' | 'b';
  /** 0 for the A leg, then 1, 2, ... for B legs in the order they were added. */
  readonly index: number;
  /** Its state. */
  readonly state: LegState;
  /** What the engine attached (e.g. the `CallSession`). */
  readonly data: D | undefined;
  /** Why it reached a final state, when a reason was given. */
  readonly reason?: string;
}

/** One entry of a {@link LegSequence}'s history. */
export interface LegTransition {
  /** The leg. */
  readonly legId: string;
  /** Its role. */
  readonly role: 'a' | 'b';
  /** The state before (`undefined` when the leg was added). */
  readonly from: LegState | undefined;
  /** The state after. */
  readonly to: LegState;
  /** When, in milliseconds (the sequence's `now`). */
  readonly at: number;
  /** The reason given, if any. */
  readonly reason?: string;
}

/** The events of a {@link LegSequence}. */
export type LegSequenceEvents<D> = {
  /** A leg was added or changed state (`transition.from` is undefined for an added leg). */
  leg: [leg: Leg<D>, transition: LegTransition];
};

/** Options of a {@link LegSequence}. */
export interface LegSequenceOptions<D> {
  /** The A leg's id. */
  readonly aLeg: string;
  /** The A leg's data. */
  readonly data?: D;
  /** The A leg's first state; default `trying` (an incoming call not answered yet). */
  readonly aState?: LegState;
  /** Clock of the history; default `Date.now`. */
  readonly now?: () => number;
  /** Receives what an event listener throws. */
  readonly onListenerError?: ListenerErrorHandler;
}

/**
 * The ordered legs of a B2BUA or transfer chain: one A leg, then B legs tried in sequence, at
 * most one of them `active` at a time (answering another B leg moves the previous one to
 * `replaced`). Every change is validated against {@link LEG_TRANSITIONS} and recorded in
 * {@link LegSequence.history}. Bookkeeping only: the engine places and hangs up the calls.
 *
 * @example
 * ```ts
 * const legs = new LegSequence<CallSession>({ aLeg: incoming.id, data: incoming });
 * legs.addB('to-alice').addB('to-voicemail');   // hunt list
 * let b = legs.next();                          // to-alice
 * legs.setState(b.id, 'trying');
 * legs.setState(b.id, 'failed', 'busy');
 * b = legs.next();                              // to-voicemail
 * legs.setState(b.id, 'trying');
 * legs.setState(b.id, 'active');
 * legs.setState(legs.aLeg.id, 'active');
 * legs.active?.id;                              // 'to-voicemail'
 * ```
 */
export class LegSequence<D = unknown> {
  readonly #legs = new Map<string, Leg<D>>();
  readonly #order: string[] = [];
  readonly #history: LegTransition[] = [];
  readonly #now: () => number;
  readonly #events;

  /**
   * @param options - the A leg and the clock
   * @throws InvalidArgumentError for an empty A leg id or an unknown state
   */
  constructor(options: LegSequenceOptions<D>) {
    this.#now = options?.now ?? Date.now;
    this.#events = reportingEmitter<LegSequenceEvents<D>>('leg-sequence', options?.onListenerError);
    const state = options?.aState ?? 'trying';
    if (!LEG_TRANSITIONS.has(state)) throw new InvalidArgumentError('aState', `unknown leg state ${String(state)}`);
    this.#add(options?.aLeg, 'a', state, options?.data);
  }

  /** The A leg. */
  get aLeg(): Leg<D> {
    return this.#legs.get(this.#order[0] as string) as Leg<D>;
  }

  /** The B legs, in the order they were added. */
  get bLegs(): readonly Leg<D>[] {
    return this.#order.slice(1).map((id) => this.#legs.get(id) as Leg<D>);
  }

  /** The answered B leg, if any. */
  get active(): Leg<D> | undefined {
    return this.bLegs.find((l) => l.state === 'active');
  }

  /** The B leg the chain is on: the active one, else the latest one being tried (`trying`/`early`). */
  get current(): Leg<D> | undefined {
    const active = this.active;
    if (active !== undefined) return active;
    const b = this.bLegs;
    for (let i = b.length - 1; i >= 0; i--) {
      const leg = b[i] as Leg<D>;
      if (leg.state === 'trying' || leg.state === 'early') return leg;
    }
    return undefined;
  }

  /** Every change, in order, starting with the legs being added. */
  get history(): readonly LegTransition[] {
    return [...this.#history];
  }

  /** Whether no leg can change any more: the A leg is final, or every B leg is final and none is pending. */
  get finished(): boolean {
    return isFinalLegState(this.aLeg.state) || (this.#order.length > 1 && this.bLegs.every((l) => isFinalLegState(l.state)));
  }

  /**
   * Append a B leg in state `pending`. Returns the sequence, so calls chain.
   *
   * @throws InvalidArgumentError when the id is empty or already used in this sequence
   */
  addB(id: string, data?: D): this {
    this.#add(id, 'b', 'pending', data);
    return this;
  }

  /** The first B leg still `pending` (the next to try), if any. */
  next(): Leg<D> | undefined {
    return this.bLegs.find((l) => l.state === 'pending');
  }

  /** A leg by id. */
  get(id: string): Leg<D> | undefined {
    return this.#legs.get(id);
  }

  /**
   * Move a leg to a new state. Answering a B leg (`active`) moves the previously active B leg to
   * `replaced`. Returns the updated leg.
   *
   * @throws InvalidArgumentError when there is no such leg
   * @throws InvalidStateError when {@link LEG_TRANSITIONS} does not allow the move
   */
  setState(id: string, to: LegState, reason?: string): Leg<D> {
    const leg = this.#legs.get(id);
    if (leg === undefined) throw new InvalidArgumentError('id', `no leg ${String(id)}`);
    if (!LEG_TRANSITIONS.get(leg.state)?.has(to)) {
      throw new InvalidStateError(`leg ${id}: cannot go from ${leg.state} to ${String(to)}`);
    }
    if (to === 'active' && leg.role === 'b') {
      const previous = this.active;
      if (previous !== undefined) this.#apply(previous, 'replaced', `replaced by ${id}`);
    }
    return this.#apply(leg, to, reason);
  }

  /** Attach data (e.g. the `CallSession` once placed) to a leg. Returns the updated leg. */
  setData(id: string, data: D): Leg<D> {
    const leg = this.#legs.get(id);
    if (leg === undefined) throw new InvalidArgumentError('id', `no leg ${String(id)}`);
    const next = Object.freeze({ ...leg, data });
    this.#legs.set(id, next);
    return next;
  }

  /**
   * Add a listener; returns the function that removes it.
   *
   * @example
   * ```ts
   * legs.on('leg', (leg, t) => { if (leg.role === 'b' && t.to === 'failed') tryNext(); });
   * ```
   */
  on<K extends keyof LegSequenceEvents<D>>(event: K, listener: (...args: LegSequenceEvents<D>[K]) => void): Unsubscribe {
    this.#events.on(event, listener);
    return () => void this.#events.off(event, listener);
  }

  #add(id: string, role: 'a' | 'b', state: LegState, data: D | undefined): void {
    if (typeof id !== 'string' || id === '') throw new InvalidArgumentError('id', 'must be a non-empty string');
    if (this.#legs.has(id)) throw new InvalidArgumentError('id', `leg ${id} already in the sequence`);
    const leg: Leg<D> = Object.freeze({ id, role, index: this.#order.length, state, data });
    this.#legs.set(id, leg);
    this.#order.push(id);
    const t: LegTransition = Object.freeze({ legId: id, role, from: undefined, to: state, at: this.#now() });
    this.#history.push(t);
    this.#events.safeEmit('leg', leg, t);
  }

  #apply(leg: Leg<D>, to: LegState, reason: string | undefined): Leg<D> {
    const next: Leg<D> = Object.freeze({ ...leg, state: to, ...(reason === undefined ? {} : { reason }) });
    this.#legs.set(leg.id, next);
    const t: LegTransition = Object.freeze({
      legId: leg.id, role: leg.role, from: leg.state, to, at: this.#now(), ...(reason === undefined ? {} : { reason }),
    });
    this.#history.push(t);
    this.#events.safeEmit('leg', next, t);
    return next;
  }
}
