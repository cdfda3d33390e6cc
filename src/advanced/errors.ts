/**
 * Errors of bridges, conferences and the B2BUA helper (`sipline/advanced`).
 *
 * @module
 */
import { SiplineError } from '../util/index.js';

/**
 * `bridge.add(session)` or `room.join(session)` for a session that is already in another bridge
 * or room: a session is in at most one at a time. Remove it from the first one before. Nothing
 * was changed.
 */
export class SessionAlreadyBridgedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SESSION_ALREADY_BRIDGED';
  /** Id of the session. */
  readonly sessionId: string;
  /** Id of the bridge it is in. */
  readonly bridgeId: string;

  /**
   * @param sessionId - the session added twice
   * @param bridgeId - the bridge that holds it
   */
  constructor(sessionId: string, bridgeId: string) {
    super('ERR_SESSION_ALREADY_BRIDGED', `session ${sessionId} is already in bridge ${bridgeId}; remove it there first`);
    this.sessionId = sessionId;
    this.bridgeId = bridgeId;
  }
}

/** A bridge was given a session whose media it cannot reach (a session of another manager's engine). */
export class BridgeMediaError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_BRIDGE_MEDIA';

  /** @param message - what cannot be reached */
  constructor(message: string) {
    super('ERR_BRIDGE_MEDIA', message);
  }
}

/** `room.join()` or `room.invite()` on a conference room that is full (its `capacity`). */
export class ConferenceFullError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_CONFERENCE_FULL';
  /** Id of the room. */
  readonly roomId: string;
  /** Its capacity. */
  readonly capacity: number;

  /**
   * @param roomId - the room
   * @param capacity - how many participants it holds
   */
  constructor(roomId: string, capacity: number) {
    super('ERR_CONFERENCE_FULL', `conference ${roomId} is full (${capacity} participants)`);
    this.roomId = roomId;
    this.capacity = capacity;
  }
}

/** `room.join()` or `room.invite()` on a locked conference room (see `room.lock()`). */
export class ConferenceLockedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_CONFERENCE_LOCKED';
  /** Id of the room. */
  readonly roomId: string;

  /** @param roomId - the locked room */
  constructor(roomId: string) {
    super('ERR_CONFERENCE_LOCKED', `conference ${roomId} is locked`);
    this.roomId = roomId;
  }
}
