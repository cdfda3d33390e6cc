import type { MediaDirection } from './types.js';

/** Does a side with this direction send media? */
export function canSend(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

/** Does a side with this direction receive media? */
export function canReceive(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

/** The direction for a side that sends when `send` and receives when `receive`. */
export function directionFrom(send: boolean, receive: boolean): MediaDirection {
  if (send) return receive ? 'sendrecv' : 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/**
 * The same stream seen from the other end: `sendonly` <-> `recvonly`; `sendrecv` and `inactive`
 * are symmetric.
 */
export function reverseDirection(direction: MediaDirection): MediaDirection {
  return directionFrom(canReceive(direction), canSend(direction));
}

/** What both directions allow: send only if both send, receive only if both receive. */
export function intersectDirections(a: MediaDirection, b: MediaDirection): MediaDirection {
  return directionFrom(canSend(a) && canSend(b), canReceive(a) && canReceive(b));
}

/**
 * The direction to answer with, RFC 3264 §6.1: the offer's direction reversed (an offered
 * `sendonly` is answered `recvonly`, `recvonly` with `sendonly`, `inactive` with `inactive`),
 * narrowed by what we want locally (`local`, e.g. `sendonly` while we hold the call, so an offered
 * `sendrecv` is answered `sendonly`).
 *
 * @param offered - the offerer's direction for the stream
 * @param local - our own wish for the stream; `sendrecv` when we are not holding
 */
export function answerDirection(offered: MediaDirection, local: MediaDirection = 'sendrecv'): MediaDirection {
  return intersectDirections(reverseDirection(offered), local);
}

/** Hold state of a call, as the session layer tracks it. */
export interface HoldState {
  /** We have put the call on hold. */
  readonly localHold: boolean;
  /** The remote side has put the call on hold. */
  readonly remoteHold: boolean;
}

/**
 * The direction to offer (or to want locally) for a hold state, RFC 3264 §8.4 and RFC 6337 §5.3:
 * no hold `sendrecv`; we hold `sendonly`; the remote holds us `recvonly`; both hold `inactive`.
 */
export function directionForHold(state: HoldState): MediaDirection {
  return directionFrom(!state.remoteHold, !state.localHold);
}

/**
 * Direction of a re-offer that puts the call on hold: `sendonly`, or `inactive` when the remote
 * already holds us (RFC 6337 §5.3).
 */
export function holdDirection(remoteHolding: boolean): MediaDirection {
  return directionForHold({ localHold: true, remoteHold: remoteHolding });
}

/**
 * Direction of a re-offer that takes the call off hold: `sendrecv`, or `recvonly` when the remote
 * still holds us.
 */
export function resumeDirection(remoteHolding: boolean): MediaDirection {
  return directionForHold({ localHold: false, remoteHold: remoteHolding });
}

/**
 * Do these offered attributes put us on hold? True when the offerer does not want to receive
 * (`sendonly`, `inactive`) or used the RFC 2543 form `c=0.0.0.0` (RFC 3264 §8.4).
 */
export function isHoldOffer(offered: MediaDirection, legacyHoldAddress: boolean): boolean {
  return legacyHoldAddress || !canReceive(offered);
}
