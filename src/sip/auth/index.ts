/**
 * Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760): the computation,
 * challenge and credentials values, a client with per-realm credentials, and a server
 * with HMAC-bound nonces, replay refusal and failure rate limiting. Part of the `sip` layer;
 * other layers import it from `../sip/index.js`.
 *
 * @module
 */
export { DigestParseError, AuthCredentialsError, AuthRejectedError } from './errors.js';
export type { DigestParseReason } from './errors.js';
export {
  DIGEST_ALGORITHMS,
  computeDigestResponse,
  computeHa1,
  digestHash,
  formatNonceCount,
  parseDigestAlgorithm,
} from './digest-hash.js';
export type { DigestAlgorithm, DigestQop, DigestResponseInput } from './digest-hash.js';
export { parseDigestChallenge, serializeDigestChallenge } from './digest-challenge.js';
export type { DigestChallenge } from './digest-challenge.js';
export { parseDigestCredentials, serializeDigestCredentials } from './digest-credentials.js';
export type { DigestCredentials } from './digest-credentials.js';
export { DigestClient, DigestAttempt } from './digest-client.js';
export type { DigestClientCredentials, DigestClientOptions, DigestRequest, DigestAnswer } from './digest-client.js';
export { DigestServer, constantTimeEqual } from './digest-server.js';
export type {
  DigestServerOptions,
  DigestServerRequest,
  DigestCredentialLookup,
  DigestSecret,
  DigestVerdict,
  DigestAcceptance,
  DigestRefusal,
  DigestRefusalReason,
} from './digest-server.js';
export { FailureRateLimiter } from './rate-limiter.js';
export type { RateLimitOptions, RateLimitVerdict } from './rate-limiter.js';
