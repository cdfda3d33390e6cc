/**
 * One session inside a bridge: the public `CallSession`, the engine `Session` behind it, its raw
 * RTP tap, and the per-participant mute and gain.
 *
 * @module
 * @internal
 */
import type { CallSession } from '../api/index.js';
import { mediaTapOf } from '../session/index.js';
import type { MediaTap, Session, TapCodec } from '../session/index.js';

/** A session in a bridge. @internal */
export class BridgeLeg {
  /** The application's session. */
  readonly session: CallSession;
  /** The engine session behind it. */
  readonly engine: Session;
  /** Contributes nothing to the others while true. */
  muted: boolean;
  /** Linear gain applied to what this leg contributes (1 = unchanged). */
  gain: number;
  /** When it joined, ms since the Unix epoch. */
  readonly joinedAt = Date.now();

  /**
   * @param session - the public session
   * @param engine - its engine session
   * @param options - initial mute and gain
   */
  constructor(session: CallSession, engine: Session, options: { muted?: boolean; gain?: number } = {}) {
    this.session = session;
    this.engine = engine;
    this.muted = options.muted ?? false;
    this.gain = options.gain ?? 1;
  }

  /** Id of the session. */
  get id(): string {
    return this.session.id;
  }

  /** The raw RTP tap of its media, once the session has media. */
  get tap(): MediaTap | undefined {
    return mediaTapOf(this.engine);
  }

  /** The negotiated codec, once media runs. */
  get codec(): TapCodec | undefined {
    const tap = this.tap;
    return tap?.running === true ? tap.codec : undefined;
  }

  /** True once the session is ending or ended. */
  get ending(): boolean {
    const s = this.engine.state;
    return s === 'terminating' || s === 'terminated';
  }
}
