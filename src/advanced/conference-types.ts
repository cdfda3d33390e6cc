/**
 * Types of {@link Conference}: options, participants, events.
 *
 * @module
 */
import type { CallSession, MakeCallOptions } from '../api/index.js';

/** Options of `createConference`. */
export interface ConferenceOptions {
  /** Id of the room (default random). */
  readonly id?: string;
  /** Most participants at once; default unlimited. */
  readonly capacity?: number;
  /** Start locked (nobody may join). Default false. */
  readonly locked?: boolean;
  /** Mixing clock: 8000 or 16000 Hz. Default 16000 (wideband; G.711 participants are resampled). */
  readonly sampleRate?: 8000 | 16000;
  /** Energy (dBov) above which a participant counts as talking. Default the mixer's (-40). */
  readonly talkerThreshold?: number;
  /** Close the room by itself when the last participant leaves. Default false. */
  readonly closeWhenEmpty?: boolean;
}

/** Options of `room.join(session, options)`. */
export interface JoinOptions {
  /** Join muted. Default false (or true after `muteAll()` with `newcomers: true`). */
  readonly muted?: boolean;
  /** Linear gain of what the participant says (1 = unchanged). */
  readonly gain?: number;
  /** Join even when the room is locked or full (a moderator). Default false. */
  readonly force?: boolean;
}

/** Options of `room.invite(uri, options)`: the call's options and the join options. */
export interface InviteOptions extends MakeCallOptions, JoinOptions {}

/** Why a participant left. */
export type LeaveReason = 'left' | 'kicked' | 'ended' | 'closed';

/** A participant of a conference room, as of now. */
export interface Participant {
  /** The participant's call. */
  readonly session: CallSession;
  /** Whether the room hears it. */
  readonly muted: boolean;
  /** Gain of what it says. */
  readonly gain: number;
  /** Whether it talks now (energy above the threshold). */
  readonly talking: boolean;
  /** When it joined, ms since the Unix epoch. */
  readonly joinedAt: number;
}

/** Events of a conference room. */
export type ConferenceEvents = {
  /** A participant joined. */
  'participant-joined': [participant: Participant];
  /** A participant left: by itself (`left`), kicked, its call ended, or the room closed. */
  'participant-left': [session: CallSession, reason: LeaveReason];
  /** A participant started or stopped talking. */
  talking: [session: CallSession, talking: boolean];
  /** A participant was muted or unmuted. */
  muted: [session: CallSession, muted: boolean];
  /** The room was locked or unlocked. */
  locked: [locked: boolean];
  /** An `invite()` call failed (not answered, or the room refused it). */
  'invite-failed': [uri: string, error: unknown];
  /** The room closed; emitted once. */
  closed: [];
};
