/**
 * Typed errors of digest authentication (RFC 3261 §22, RFC 7616, RFC 8760).
 *
 * @module
 */
import { SiplineError } from '../../util/index.js';

/**
 * Which check a `Digest` challenge or credentials value failed:
 * - `not-digest`: another scheme (e.g. `Basic`), which SIP does not use (RFC 3261 §22.1);
 * - `malformed`: the auth-param list does not follow the grammar;
 * - `missing-param`: a mandatory parameter (`realm`, `nonce`, `username`, `uri`, `response`) is absent;
 * - `unsupported-algorithm`: an algorithm other than MD5, MD5-sess, SHA-256, SHA-256-sess;
 * - `bad-param`: a parameter has an impossible value (`nc` that is not 8 hex digits, a `qop` we do not know).
 */
export type DigestParseReason = 'not-digest' | 'malformed' | 'missing-param' | 'unsupported-algorithm' | 'bad-param';

/**
 * A `WWW-Authenticate` / `Proxy-Authenticate` challenge or an `Authorization` /
 * `Proxy-Authorization` credentials value is not a usable Digest value (RFC 7616 §3.3, §3.4).
 */
export class DigestParseError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_AUTH_PARSE';
  /** Which check failed. */
  readonly reason: DigestParseReason;
  /** The header the value came from, e.g. `WWW-Authenticate`. */
  readonly header: string;

  /**
   * @param reason - which check failed
   * @param message - details for people (never contains a password)
   * @param header - the header the value came from
   * @param options - the underlying parse error, when there is one
   */
  constructor(reason: DigestParseReason, message: string, header = 'WWW-Authenticate', options?: { cause?: unknown }) {
    super('ERR_AUTH_PARSE', `${header}: ${message}`, options);
    this.reason = reason;
    this.header = header;
  }
}

/**
 * A challenge names realms for which no credentials are configured. The client
 * never offers credentials to a realm they were not configured for (RFC 3261 §22.2:
 * the realm tells the user which username and password to use).
 */
export class AuthCredentialsError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_AUTH_NO_CREDENTIALS';
  /** The realms that were asked for. */
  readonly realms: readonly string[];

  /**
   * @param realms - the realms that were challenged
   * @param message - details for people; defaults to a list of the realms
   */
  constructor(realms: readonly string[], message?: string) {
    super('ERR_AUTH_NO_CREDENTIALS', message ?? `no credentials for realm(s) ${realms.map((r) => JSON.stringify(r)).join(', ')}`);
    this.realms = Object.freeze([...realms]);
  }
}

/**
 * The server challenged again after our credentials were sent for the same
 * realm, without `stale=true` (or stale a second time): the credentials are
 * wrong, and retrying with them would only feed a lockout (RFC 3261 §22.2,
 * RFC 7616 §3.3 `stale`).
 */
export class AuthRejectedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_AUTH_REJECTED';
  /** The realm whose credentials were refused. */
  readonly realm: string;

  /**
   * @param realm - the realm whose credentials were refused
   * @param message - details for people
   */
  constructor(realm: string, message?: string) {
    super('ERR_AUTH_REJECTED', message ?? `credentials for realm ${JSON.stringify(realm)} were rejected`);
    this.realm = realm;
  }
}
