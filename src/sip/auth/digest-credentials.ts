/**
 * Digest credentials: the value of `Authorization` and `Proxy-Authorization`
 * (RFC 3261 §22.2, §22.3, §25.1 `digest-response`; RFC 7616 §3.4).
 *
 * @module
 */
import type { AuthValue } from '../headers/auth.js';
import { DigestParseError } from './errors.js';
import { parseDigestAlgorithm, type DigestAlgorithm, type DigestQop } from './digest-hash.js';
import { bare, quoted, readDigestValue, required } from './wire.js';

/** Parsed Digest credentials. Immutable. */
export interface DigestCredentials {
  /** User name, or H(username:realm) when {@link DigestCredentials.userhash} is set. */
  readonly username: string;
  /** Realm the credentials are for. */
  readonly realm: string;
  /** The server nonce being answered. */
  readonly nonce: string;
  /** The digest-uri (the Request-URI as sent). */
  readonly uri: string;
  /** The request-digest, lower-case hex. */
  readonly response: string;
  /** Hash algorithm (MD5 when absent). */
  readonly algorithm: DigestAlgorithm;
  /** Chosen qop, or undefined for the RFC 2069 form. */
  readonly qop?: DigestQop;
  /** Nonce-count as 8 hex digits (present with a qop). */
  readonly nc?: string;
  /** Client nonce (present with a qop or a `-sess` algorithm). */
  readonly cnonce?: string;
  /** The challenge's opaque value, echoed. */
  readonly opaque?: string;
  /** True when `username` is hashed (RFC 7616 §3.4.4). */
  readonly userhash: boolean;
}

/**
 * Reads one credentials value.
 *
 * @throws DigestParseError for another scheme, bad syntax, a missing mandatory
 *   parameter, an unsupported algorithm, an unknown qop, a qop without nc/cnonce,
 *   or an nc that is not 8 hex digits
 */
export function parseDigestCredentials(value: string | AuthValue, header = 'Authorization'): DigestCredentials {
  const p = readDigestValue(value, header);
  const username = required(p, 'username', header);
  const realm = p.get('realm');
  if (realm === undefined) throw new DigestParseError('missing-param', 'missing realm', header);
  const nonce = required(p, 'nonce', header);
  const uri = required(p, 'uri', header);
  const response = required(p, 'response', header).toLowerCase();
  if (!/^[0-9a-f]+$/.test(response)) throw new DigestParseError('bad-param', 'response is not hex', header);
  const algorithm = parseDigestAlgorithm(p.get('algorithm'));
  if (algorithm === undefined) throw new DigestParseError('unsupported-algorithm', 'unsupported algorithm', header);
  const qopToken = p.get('qop')?.toLowerCase();
  if (qopToken !== undefined && qopToken !== 'auth' && qopToken !== 'auth-int') {
    throw new DigestParseError('bad-param', 'unknown qop', header);
  }
  const nc = p.get('nc');
  const cnonce = p.get('cnonce');
  if (qopToken !== undefined) {
    if (nc === undefined || cnonce === undefined || cnonce === '') throw new DigestParseError('missing-param', 'qop without nc or cnonce', header);
    if (!/^[0-9a-fA-F]{8}$/.test(nc)) throw new DigestParseError('bad-param', 'nc is not 8 hex digits', header);
  }
  const opaque = p.get('opaque');
  return Object.freeze({
    username,
    realm,
    nonce,
    uri,
    response,
    algorithm,
    ...(qopToken !== undefined ? { qop: qopToken } : {}),
    ...(nc !== undefined ? { nc: nc.toLowerCase() } : {}),
    ...(cnonce !== undefined ? { cnonce } : {}),
    ...(opaque !== undefined ? { opaque } : {}),
    userhash: p.get('userhash')?.toLowerCase() === 'true',
  });
}

/**
 * Writes a credentials value in the RFC 3261 §25.1 shape: `username`, `realm`, `nonce`,
 * `uri`, `response`, `cnonce` and `opaque` quoted; `algorithm`, `qop`, `nc` and `userhash`
 * as tokens. Never mutates its input.
 *
 * @throws InvalidArgumentError when a value holds control characters or a token is malformed
 */
export function serializeDigestCredentials(c: DigestCredentials): string {
  const parts = [quoted('username', c.username), quoted('realm', c.realm), quoted('nonce', c.nonce), quoted('uri', c.uri)];
  parts.push(quoted('response', c.response), bare('algorithm', c.algorithm));
  if (c.cnonce !== undefined) parts.push(quoted('cnonce', c.cnonce));
  if (c.opaque !== undefined) parts.push(quoted('opaque', c.opaque));
  if (c.qop !== undefined) parts.push(bare('qop', c.qop));
  if (c.nc !== undefined) parts.push(bare('nc', c.nc));
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
