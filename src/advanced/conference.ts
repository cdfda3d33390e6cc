/**
 * `Conference`: a conference room on top of a mixing {@link Bridge}, with an id, a capacity, a
 * lock, join / leave / kick, per-participant and room-wide mute, gain, talker events, and
 * joining by placing a call (`invite(uri)`).
 *
 * @module
 */
import createDebug from 'debug';
import type { CallSession, SessionManager } from '../api/index.js';
import { InvalidArgumentError, InvalidStateError, TypedEmitter, randomToken } from '../util/index.js';
import { Bridge } from './bridge.js';
import type { BridgeLeaveReason } from './bridge-types.js';
import type { ConferenceEvents, ConferenceOptions, InviteOptions, JoinOptions, LeaveReason, Participant } from './conference-types.js';
import { ConferenceFullError, ConferenceLockedError } from './errors.js';

const debug = createDebug('sipline:advanced');

const LEAVE: Readonly<Record<BridgeLeaveReason, LeaveReason>> = { removed: 'left', kicked: 'kicked', ended: 'ended', destroyed: 'closed' };

/**
 * A conference room: everyone in it hears everyone else (mix-minus). Create one with
 * {@link createConference}.
 *
 * @example
 * ```ts
 * import { createConference } from 'sipline/advanced';
 *
 * const room = createConference(manager, { id: 'standup', capacity: 10 });
 * room.on('talking', (session, talking) => console.log(session.remote.uri, talking ? 'talks' : 'stops'));
 * manager.setCallHandler({ onIncomingCall: async (call) => room.join(await call.answer()) });
 * await room.invite('sip:carol@192.0.2.7');   // dial out and add her when she answers
 * ```
 */
export class Conference extends TypedEmitter<ConferenceEvents> {
  /** Id of the room. */
  readonly id: string;
  /** Most participants at once (`Infinity` when unlimited). */
  readonly capacity: number;
  readonly #manager: SessionManager;
  readonly #bridge: Bridge;
  readonly #talking = new Map<CallSession, boolean>();
  readonly #closeWhenEmpty: boolean;
  #locked: boolean;
  #pendingInvites = 0;
  #muteNewcomers = false;
  #closed = false;

  /** Use {@link createConference}. @internal */
  constructor(manager: SessionManager, options: ConferenceOptions = {}) {
    super();
    const capacity = options.capacity ?? Infinity;
    if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new InvalidArgumentError('capacity', 'must be a positive integer');
    }
    this.id = options.id ?? `room-${randomToken(8)}`;
    this.capacity = capacity;
    this.#manager = manager;
    this.#locked = options.locked ?? false;
    this.#closeWhenEmpty = options.closeWhenEmpty ?? false;
    this.setListenerErrorHandler((err, event) => debug('%s: a %s listener threw: %O', this.id, event, err));
    this.#bridge = new Bridge(manager, {
      id: this.id,
      mode: 'mix',
      sampleRate: options.sampleRate ?? 16000,
      ...(options.talkerThreshold === undefined ? {} : { talkerThreshold: options.talkerThreshold }),
    });
    this.#bridge.on('session-removed', (session, reason) => {
      this.#talking.delete(session);
      this.safeEmit('participant-left', session, LEAVE[reason]);
      if (this.#closeWhenEmpty && !this.#closed && this.#bridge.sessions.length === 0 && this.#pendingInvites === 0) this.#close();
    });
    this.#bridge.on('talking', (session, talking) => {
      this.#talking.set(session, talking);
      this.safeEmit('talking', session, talking);
    });
    this.#bridge.on('destroyed', () => this.#close());
  }

  /** True while nobody may join (except with `force`). */
  get locked(): boolean {
    return this.#locked;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** How many participants are in the room. */
  get size(): number {
    return this.#bridge.sessions.length;
  }

  /** The participants, in the order they joined. */
  get participants(): readonly Participant[] {
    return this.#bridge.sessions.map((s) => this.#participant(s));
  }

  /** The participant of `session`, when it is in the room. */
  participant(session: CallSession): Participant | undefined {
    return this.#bridge.has(session) ? this.#participant(session) : undefined;
  }

  /** The room's mixing bridge (state, counters). @internal */
  get bridge(): Bridge {
    return this.#bridge;
  }

  /** Refuse new participants (except with `force`) until {@link Conference.unlock}. */
  lock(): void {
    this.#assertOpen('lock');
    if (this.#locked) return;
    this.#locked = true;
    this.safeEmit('locked', true);
  }

  /** Let participants join again. */
  unlock(): void {
    this.#assertOpen('unlock');
    if (!this.#locked) return;
    this.#locked = false;
    this.safeEmit('locked', false);
  }

  /**
   * Add an existing call to the room (answered or not: it hears the room once its media runs).
   *
   * @throws ConferenceLockedError (code `ERR_CONFERENCE_LOCKED`) when the room is locked
   * @throws ConferenceFullError (code `ERR_CONFERENCE_FULL`) when the room is full
   * @throws SessionAlreadyBridgedError when the session is in another room or bridge
   * @throws InvalidStateError when the room is closed or the session has ended
   */
  join(session: CallSession, options: JoinOptions = {}): Participant {
    return this.#join(session, options);
  }

  #join(session: CallSession, options: JoinOptions): Participant {
    this.#assertOpen('join');
    if (this.#bridge.has(session)) return this.#participant(session);
    if (options.force !== true) this.#admit();
    this.#bridge.add(session, { muted: options.muted ?? this.#muteNewcomers, ...(options.gain === undefined ? {} : { gain: options.gain }) });
    const participant = this.#participant(session);
    this.safeEmit('participant-joined', participant);
    return participant;
  }

  /**
   * Call `uri` and add the call to the room once answered. The place is held while it rings.
   * Resolves with the participant; rejects (and emits `invite-failed`) when the call is not
   * answered (`CallFailedError`) or the room closed meanwhile.
   *
   * @throws ConferenceLockedError / ConferenceFullError before dialling
   */
  async invite(uri: string, options: InviteOptions = {}): Promise<Participant> {
    this.#assertOpen('invite');
    if (options.force !== true) this.#admit();
    const { muted, gain, force, ...callOptions } = options;
    void force; // a join option only: the place was admitted above
    this.#pendingInvites++;
    let pending = true;
    let session: CallSession | undefined;
    try {
      session = await this.#manager.makeCall(uri, callOptions);
      await session.answered();
      if (this.#closed) throw new InvalidStateError(`conference ${this.id} closed while inviting ${uri}`);
      this.#pendingInvites--;
      pending = false;
      return this.#join(session, { ...(muted === undefined ? {} : { muted }), ...(gain === undefined ? {} : { gain }), force: true });
    } catch (err) {
      if (pending) this.#pendingInvites--;
      if (session !== undefined && !this.#bridge.has(session) && session.state !== 'terminated' && session.state !== 'terminating') {
        await session.hangup().catch(() => undefined);
      }
      this.safeEmit('invite-failed', uri, err);
      throw err;
    }
  }

  /** Take `session` out of the room; the call stays up. Returns false when it was not in it. */
  leave(session: CallSession): boolean {
    return this.#bridge.remove(session);
  }

  /** Take `session` out of the room and hang its call up. */
  async kick(session: CallSession): Promise<void> {
    if (!this.#bridge.removeWithReason(session, 'kicked')) return;
    if (session.state !== 'terminating' && session.state !== 'terminated') await session.hangup().catch(() => undefined);
  }

  /**
   * Mute one participant: the room stops hearing it (it still hears the room).
   * @throws InvalidArgumentError when it is not in the room
   */
  mute(session: CallSession): void {
    this.#setMuted(session, true);
  }

  /** Unmute one participant. @throws InvalidArgumentError when it is not in the room */
  unmute(session: CallSession): void {
    this.#setMuted(session, false);
  }

  /**
   * Mute everyone (a presenter talks alone: pass it in `except`). With `newcomers`, people who
   * join later are muted too, until {@link Conference.unmuteAll}.
   */
  muteAll(options: { readonly except?: CallSession | readonly CallSession[]; readonly newcomers?: boolean } = {}): void {
    const except = options.except === undefined ? [] : Array.isArray(options.except) ? options.except : [options.except];
    for (const s of this.#bridge.sessions) if (!except.includes(s)) this.#setMuted(s, true);
    if (options.newcomers === true) this.#muteNewcomers = true;
  }

  /** Unmute everyone, and let newcomers join unmuted again. */
  unmuteAll(): void {
    for (const s of this.#bridge.sessions) this.#setMuted(s, false);
    this.#muteNewcomers = false;
  }

  /**
   * Gain of what a participant says (linear; 1 = unchanged, 2 = +6 dB).
   * @throws InvalidArgumentError when it is not in the room or the gain is outside 0-16
   */
  setGain(session: CallSession, gain: number): void {
    this.#bridge.setGain(session, gain);
  }

  /**
   * Close the room: everyone leaves (`participant-left` with `closed`); with `hangup`, their
   * calls are ended too. Idempotent.
   */
  async close(options: { readonly hangup?: boolean } = {}): Promise<void> {
    const sessions = this.#bridge.sessions;
    this.#close();
    if (options.hangup === true) {
      await Promise.all(sessions.map((s) => (s.state === 'terminating' || s.state === 'terminated' ? undefined : s.hangup().catch(() => undefined))));
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bridge.destroy();
    this.safeEmit('closed');
  }

  #setMuted(session: CallSession, muted: boolean): void {
    if (this.#bridge.isMuted(session) === muted) return;
    this.#bridge.setMuted(session, muted);
    this.safeEmit('muted', session, muted);
  }

  #admit(): void {
    if (this.#locked) throw new ConferenceLockedError(this.id);
    if (this.#bridge.sessions.length + this.#pendingInvites >= this.capacity) throw new ConferenceFullError(this.id, this.capacity);
  }

  #participant(session: CallSession): Participant {
    const b = this.#bridge;
    return Object.freeze({
      session,
      muted: b.isMuted(session),
      gain: b.gainOf(session),
      talking: this.#talking.get(session) ?? false,
      joinedAt: b.joinedAt(session),
    });
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new InvalidStateError(`${operation}: conference ${this.id} is closed`);
  }
}

/**
 * Create a conference room for sessions of `manager`.
 *
 * @param manager - the manager whose calls join the room
 * @param options - id, capacity, lock, mixing clock, talker threshold
 * @throws InvalidArgumentError for a bad option
 *
 * @example
 * ```ts
 * const room = createConference(manager, { id: '4711', capacity: 5 });
 * room.join(session);
 * room.muteAll({ except: presenter });
 * ```
 */
export function createConference(manager: SessionManager, options: ConferenceOptions = {}): Conference {
  return new Conference(manager, options);
}
