/**
 * The SIP message layer (RFC 3261 §7, §19, §20, §25; RFC 4475 robustness): parse bytes into
 * immutable {@link SipRequest} / {@link SipResponse} values, typed header access, URIs, builders,
 * stream framing and semantic validation. Internal to sipline; other layers import only from here.
 *
 * Debug output: namespace `sipline:sip`.
 *
 * @packageDocumentation
 */

/** Parse bytes into a message; see {@link ParseOptions} and {@link SipLimits}. */
export { parseMessage, DEFAULT_SIP_LIMITS } from './parser.js';
export type { ParseOptions, SipLimits } from './parser.js';

/** The only error the layer throws for bad input, with reason, header, status and partial message. */
export { SipParseError } from './errors.js';
export type { SipParseReason, SipParsePartial, SipParseErrorInit, RawHeader } from './errors.js';

/** Messages: raw header storage base, typed-accessor base, requests, responses. */
export { SipMessageBase } from './message-base.js';
export { SipMessage } from './message.js';
export { SipRequest } from './request.js';
export { SipResponse } from './response.js';

/** URIs (sip, sips, tel) with §19.1.2 escaping and §19.1.4 comparison. */
export { SipUri } from './uri.js';
export type { SipUriScheme, SipUriFields } from './uri.js';

/** name-addr / addr-spec with parameters; Contact values including `*`. */
export { NameAddr, parseContact } from './name-addr.js';
export type { ContactValue, ContactStar } from './name-addr.js';

/** Via values. */
export { Via, parseVia, formatVia } from './via.js';
export type { ViaFields } from './via.js';

/** Structured header value types returned by the message accessors. */
export type { CSeq, RAck, SessionExpires, RetryAfter, TokenWithParams } from './headers/basic.js';
export type { AuthValue } from './headers/auth.js';
export type { MediaType, ReasonValue, WarningValue, ReplacesValue } from './headers/misc.js';
/** Standalone header parsers, for values that do not come from a message. */
export { parseAuth } from './headers/auth.js';
export { parseMediaType, parseReplaces, parseReason, parseWarning, parseSipDate } from './headers/misc.js';
export { parseCSeq, parseSessionExpires, parseRAck } from './headers/basic.js';

/** Header names: lookup keys, canonical spelling, list and singleton header sets. */
export { headerKey, canonicalHeaderName, LIST_HEADERS, SINGLETON_HEADERS } from './header-names.js';

/** Quoted-string and list helpers useful to the layers above. */
export { quote, unquote, splitList } from './chars.js';

/** Builders for requests and responses, and the 400/505/416 answer to an unparseable request. */
export { createRequest, createResponse, createErrorResponse } from './builders.js';
export type { CreateRequestOptions, CreateResponseOptions } from './builders.js';

/** Default reason phrases. */
export { reasonPhrase } from './status-codes.js';

/** Random branch / tag / Call-ID generation. */
export { newBranch, newTag, newCallId, MAGIC_COOKIE } from './ids.js';

/** Methods known to the stack. */
export { KNOWN_METHODS, isKnownMethod } from './methods.js';

/** Stream framing for TCP/TLS/WS with RFC 5626 keep-alives. */
export { StreamFramer } from './framer.js';
export type { FramerEvent, StreamFramerOptions } from './framer.js';

/** Semantic request/response checks for the UA core. */
export { validateRequest, validateResponse } from './validate.js';
export type { ValidationFailure, ValidateRequestOptions } from './validate.js';

/** Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760): client, server, values. */
export {
  DigestParseError,
  AuthCredentialsError,
  AuthRejectedError,
  DIGEST_ALGORITHMS,
  computeDigestResponse,
  computeHa1,
  digestHash,
  formatNonceCount,
  parseDigestAlgorithm,
  parseDigestChallenge,
  serializeDigestChallenge,
  parseDigestCredentials,
  serializeDigestCredentials,
  DigestClient,
  DigestAttempt,
  DigestServer,
  constantTimeEqual,
  FailureRateLimiter,
} from './auth/index.js';
export type {
  DigestParseReason,
  DigestAlgorithm,
  DigestQop,
  DigestResponseInput,
  DigestChallenge,
  DigestCredentials,
  DigestClientCredentials,
  DigestClientOptions,
  DigestRequest,
  DigestAnswer,
  DigestServerOptions,
  DigestServerRequest,
  DigestCredentialLookup,
  DigestSecret,
  DigestVerdict,
  DigestAcceptance,
  DigestRefusal,
  DigestRefusalReason,
  RateLimitOptions,
  RateLimitVerdict,
} from './auth/index.js';
