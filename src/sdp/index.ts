/**
 * SDP offer/answer (RFC 3264) on top of sdp-transform: offers from our capabilities, answers to
 * remote offers, the result of an exchange, hold directions, session versioning and summaries.
 *
 * This layer sits beside the SIP stack and beside `media` and imports neither; `session` joins
 * them. Internal: not part of the public package exports.
 *
 * @packageDocumentation
 */
export { SdpParseError, SdpNegotiationError } from './errors.js';
export type { SdpNegotiationErrorCode } from './errors.js';
export type { CodecCapability, MediaDirection, NegotiatedCodec, NegotiatedMedia } from './types.js';
export {
  DEFAULT_CODECS,
  DEFAULT_TELEPHONE_EVENT_FMTP,
  DEFAULT_TELEPHONE_EVENT_PT,
  STATIC_AUDIO_PAYLOAD_TYPES,
  TELEPHONE_EVENT,
  isTelephoneEvent,
  sameFormat,
} from './codecs.js';
export {
  answerDirection,
  canReceive,
  canSend,
  directionForHold,
  holdDirection,
  intersectDirections,
  isHoldOffer,
  resumeDirection,
  reverseDirection,
} from './direction.js';
export type { HoldState } from './direction.js';
export { MAX_SDP_LENGTH, isHoldAddress, parseSdp } from './parse.js';
export { newSessionId } from './origin.js';
export type { SdpOrigin } from './origin.js';
export { DEFAULT_PTIME, DEFAULT_SESSION_NAME, createOffer } from './offer.js';
export type { OfferOptions } from './offer.js';
export { createAnswer } from './answer.js';
export type { AnswerOptions, SdpAnswer } from './answer.js';
export { applyAnswer } from './apply-answer.js';
export { LocalSdpSession } from './local-session.js';
export type { LocalSdpSessionOptions } from './local-session.js';
export { summarizeSdp } from './summary.js';
export type { SdpSummary } from './summary.js';
export {
  CryptoAttributeError,
  SDES_KEY_SALT_LENGTHS,
  createCryptoAttribute,
  parseCryptoAttribute,
  serializeCryptoAttribute,
} from './crypto-attribute.js';
export type { CryptoAttribute, CryptoAttributeFailure, SdesKeyParam } from './crypto-attribute.js';
export { SDES_SUITES, answerSdes, applySdesAnswer, usableCrypto } from './sdes.js';
export type { NegotiatedSrtp, SdesAnswerPolicy, SdesOffer, SdesSuite, SrtpPolicy } from './sdes.js';
export type { LocalSdesOptions } from './local-session.js';
