/**
 * The Digest computation itself: H, KD, A1, A2 and the request-digest of
 * RFC 7616 §3.4.1-§3.4.3 (which RFC 3261 §22.4 and RFC 8760 reuse for SIP),
 * with MD5 and SHA-256 and their `-sess` variants.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../util/index.js';

/** A Digest algorithm SIP may use (RFC 8760 §2; SHA-512-256 is not supported here). */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

/** A quality of protection (RFC 7616 §3.3): `auth` covers method and URI, `auth-int` the body too. */
export type DigestQop = 'auth' | 'auth-int';

/** Supported algorithms from strongest to weakest: the client picks the first one offered (RFC 8760 §2.4). */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = Object.freeze(['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess']);

const BY_LOWER = new Map<string, DigestAlgorithm>(DIGEST_ALGORITHMS.map((a) => [a.toLowerCase(), a]));

/**
 * The algorithm named by an `algorithm` parameter, case-insensitively; an absent
 * parameter means MD5 (RFC 7616 §3.3). Returns undefined for algorithms we do not support.
 */
export function parseDigestAlgorithm(token: string | undefined): DigestAlgorithm | undefined {
  if (token === undefined) return 'MD5';
  return BY_LOWER.get(token.toLowerCase());
}

/** True for the `-sess` variants, whose A1 includes the nonce and cnonce (RFC 7616 §3.4.2). */
export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** H(data) of RFC 7616 §3.4: the lower-case hex digest of the UTF-8 bytes with the algorithm's hash. */
export function digestHash(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(data)
    .digest('hex');
}

/** Length in hex characters of a response computed with `algorithm` (32 for MD5, 64 for SHA-256). */
export function digestHexLength(algorithm: DigestAlgorithm): number {
  return algorithm.startsWith('SHA-256') ? 64 : 32;
}

/** The nonce-count as sent on the wire: 8 lower-case hex digits (RFC 7616 §3.4). */
export function formatNonceCount(nc: number): string {
  if (!Number.isInteger(nc) || nc < 1 || nc > 0xffffffff) throw new InvalidArgumentError('nc', 'must be an integer in 1..2^32-1');
  return nc.toString(16).padStart(8, '0');
}

/**
 * H(username ":" realm ":" password): the A1 hash of the non-session algorithms,
 * which a server may store instead of the password (RFC 7616 §3.4.2).
 */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/** Inputs of {@link computeDigestResponse}. Give `password`, or `ha1` = H(username:realm:password). */
export interface DigestResponseInput {
  /** Hash algorithm; `-sess` variants need `cnonce`. */
  readonly algorithm: DigestAlgorithm;
  /** Quality of protection, or undefined for the RFC 2069 form (no nc, no cnonce). */
  readonly qop: DigestQop | undefined;
  /** User name as sent (for `userhash`, the plain name still goes into A1). */
  readonly username: string;
  /** Realm of the challenge. */
  readonly realm: string;
  /** The password; ignored when `ha1` is given. */
  readonly password?: string;
  /** H(username:realm:password), lower-case hex, for the base algorithm. */
  readonly ha1?: string;
  /** Request method, e.g. `REGISTER`. For an ACK or CANCEL it is the INVITE's (RFC 3261 §22.1). */
  readonly method: string;
  /** The digest-uri: the Request-URI as sent. */
  readonly uri: string;
  /** Server nonce. */
  readonly nonce: string;
  /** Client nonce; required with a qop or a `-sess` algorithm. */
  readonly cnonce?: string;
  /** Nonce-count: a number (formatted as 8 hex digits) or the 8-digit string; required with a qop. */
  readonly nc?: number | string;
  /** Message body, hashed into A2 for `auth-int` (an absent body hashes as empty). */
  readonly body?: string | Uint8Array;
}

/**
 * The request-digest (the `response` parameter) of RFC 7616 §3.4.1:
 * `KD(H(A1), nonce:nc:cnonce:qop:H(A2))` with a qop, `KD(H(A1), nonce:H(A2))`
 * without (RFC 2069 compatibility, RFC 3261 §22.4).
 *
 * @throws InvalidArgumentError when a value the chosen mode needs is missing
 */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm, qop } = input;
  let ha1 = input.ha1;
  if (ha1 === undefined) {
    if (input.password === undefined) throw new InvalidArgumentError('password', 'either password or ha1 is required');
    ha1 = computeHa1(algorithm, input.username, input.realm, input.password);
  } else if (!/^[0-9a-f]+$/i.test(ha1) || ha1.length !== digestHexLength(algorithm)) {
    throw new InvalidArgumentError('ha1', `must be ${digestHexLength(algorithm)} hex digits`);
  }
  ha1 = ha1.toLowerCase();
  if ((qop !== undefined || isSessionAlgorithm(algorithm)) && (input.cnonce === undefined || input.cnonce === '')) {
    throw new InvalidArgumentError('cnonce', 'is required with a qop or a -sess algorithm');
  }
  if (isSessionAlgorithm(algorithm)) ha1 = digestHash(algorithm, `${ha1}:${input.nonce}:${input.cnonce}`);
  const a2 =
    qop === 'auth-int'
      ? `${input.method}:${input.uri}:${digestHash(algorithm, input.body ?? '')}`
      : `${input.method}:${input.uri}`;
  const ha2 = digestHash(algorithm, a2);
  if (qop === undefined) return digestHash(algorithm, `${ha1}:${input.nonce}:${ha2}`);
  if (input.nc === undefined) throw new InvalidArgumentError('nc', 'is required with a qop');
  const nc = typeof input.nc === 'number' ? formatNonceCount(input.nc) : input.nc;
  if (!/^[0-9a-fA-F]{8}$/.test(nc)) throw new InvalidArgumentError('nc', 'must be 8 hex digits');
  return digestHash(algorithm, `${ha1}:${input.nonce}:${nc}:${input.cnonce}:${qop}:${ha2}`);
}
