/**
 * Types of {@link Bridge}: states, events, options and counters.
 *
 * @module
 */
import type { CallSession } from '../api/index.js';

/**
 * What a bridge does with its sessions now:
 * - `idle`: fewer than two sessions (a lone session hears silence);
 * - `waiting`: two sessions, one of them without running media yet (not answered);
 * - `relay`: two sessions on the same codec, RTP relayed without decoding;
 * - `transcode`: two sessions on different codecs, decoded and encoded again;
 * - `mixing`: three or more sessions (or a conference room), mixed with mix-minus;
 * - `destroyed`: final.
 */
export type BridgeState = 'idle' | 'waiting' | 'relay' | 'transcode' | 'mixing' | 'destroyed';

/** Why a session left a bridge. */
export type BridgeLeaveReason = 'removed' | 'ended' | 'destroyed' | 'kicked';

/** Events of a bridge, with their listener arguments. */
export type BridgeEvents = {
  /** A session joined. */
  'session-added': [session: CallSession];
  /** A session left (removed, its call ended, or the bridge was destroyed). */
  'session-removed': [session: CallSession, reason: BridgeLeaveReason];
  /** The bridge changed what it does (see {@link BridgeState}). */
  state: [state: BridgeState, previous: BridgeState];
  /** While mixing: a session started or stopped talking (energy above the threshold). */
  talking: [session: CallSession, talking: boolean];
  /** The bridge was destroyed; emitted once, after the last `session-removed`. */
  destroyed: [];
};

/** Options of `createBridge`. */
export interface BridgeOptions {
  /** Id of the bridge (default random). */
  readonly id?: string;
  /** Destroy the bridge by itself when its last session leaves. Default false. */
  readonly destroyWhenEmpty?: boolean;
  /**
   * `auto` (default): two sessions are relayed (or transcoded), three or more mixed. `mix`: always
   * mix, even two sessions (per-participant gain, talker events).
   */
  readonly mode?: 'auto' | 'mix';
  /**
   * Clock of the mix: 8000 or 16000 Hz. Default: 16000 when a session in the bridge uses G.722
   * when mixing starts, else 8000.
   */
  readonly sampleRate?: 8000 | 16000;
  /** Energy (dBov) above which a mixed session counts as talking. Default the mixer's (-40). */
  readonly talkerThreshold?: number;
}

/** Options of `bridge.add(session, options)`. */
export interface BridgeAddOptions {
  /** Join muted (contributing nothing). Default false. */
  readonly muted?: boolean;
  /** Linear gain of what the session contributes (1 = unchanged). Default 1. */
  readonly gain?: number;
}

/** Counters of a bridge. */
export interface BridgeCounters {
  /** RTP payloads relayed as received (no decoding). */
  relayedPackets: number;
  /** RTP payloads decoded and encoded again for the other leg. */
  transcodedPackets: number;
  /** DTMF digits sent on to the other leg. */
  dtmfForwarded: number;
  /** Times the bridge started mixing. */
  mixerStarts: number;
}

/** What a mixed session does now (see `bridge.activity(session)`). */
export interface BridgeActivity {
  /** Whether its energy is above the talker threshold. */
  readonly talking: boolean;
  /** Level of its last received frame, dBov (-127 for silence). */
  readonly level: number;
}
