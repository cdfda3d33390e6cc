/**
 * Digest challenges: the value of `WWW-Authenticate` (401) and `Proxy-Authenticate`
 * (407), RFC 3261 §22.1, §25.1 (`digest-cln`), RFC 7616 §3.3, RFC 8760 §2.3.
 *
 * @module
 */
import type { AuthValue } from '../headers/auth.js';
import { DigestParseError } from './errors.js';
import { parseDigestAlgorithm, type DigestAlgorithm, type DigestQop } from './digest-hash.js';
import { bare, quoted, readDigestValue, required } from './wire.js';

/** A parsed Digest challenge (RFC 7616 §3.3). Immutable. */
export interface DigestChallenge {
  /** Protection space: which credentials to use. */
  readonly realm: string;
  /** Server nonce. */
  readonly nonce: string;
  /** Hash algorithm (MD5 when the parameter is absent). */
  readonly algorithm: DigestAlgorithm;
  /** Offered qop values we support, in the server's order; empty for the RFC 2069 form. */
  readonly qop: readonly DigestQop[];
  /** Opaque string the client must echo. */
  readonly opaque?: string;
  /** True when the previous nonce was refused only because it expired (retry without asking the user). */
  readonly stale: boolean;
  /** True when the server accepts a hashed username (RFC 7616 §3.4.4). */
  readonly userhash: boolean;
  /** The `domain` parameter as written (a space-separated URI list), when present. */
  readonly domain?: string;
}

/**
 * Reads one challenge value. Unknown parameters are ignored; unknown qop values
 * are dropped (RFC 7616 §3.3).
 *
 * @param value - the header value, or a value parsed by `parseAuth`
 * @param header - the header name, for error messages
 * @throws DigestParseError for another scheme, bad syntax, a missing realm or nonce,
 *   an unsupported algorithm, or a qop list with none of `auth` / `auth-int`
 */
export function parseDigestChallenge(value: string | AuthValue, header = 'WWW-Authenticate'): DigestChallenge {
  const p = readDigestValue(value, header);
  const realm = p.get('realm');
  if (realm === undefined) throw new DigestParseError('missing-param', 'missing realm', header);
  const nonce = required(p, 'nonce', header);
  const algorithmToken = p.get('algorithm');
  const algorithm = parseDigestAlgorithm(algorithmToken);
  if (algorithm === undefined) {
    throw new DigestParseError('unsupported-algorithm', `algorithm ${JSON.stringify(algorithmToken?.slice(0, 20))} is not supported`, header);
  }
  const qop: DigestQop[] = [];
  const qopList = p.get('qop');
  if (qopList !== undefined) {
    for (const raw of qopList.split(',')) {
      const q = raw.trim().toLowerCase();
      if ((q === 'auth' || q === 'auth-int') && !qop.includes(q)) qop.push(q);
    }
    if (qop.length === 0) throw new DigestParseError('bad-param', 'qop offers neither auth nor auth-int', header);
  }
  const opaque = p.get('opaque');
  const domain = p.get('domain');
  return Object.freeze({
    realm,
    nonce,
    algorithm,
    qop: Object.freeze(qop),
    ...(opaque !== undefined ? { opaque } : {}),
    stale: p.get('stale')?.toLowerCase() === 'true',
    userhash: p.get('userhash')?.toLowerCase() === 'true',
    ...(domain !== undefined ? { domain } : {}),
  });
}

/**
 * Writes a challenge value: `Digest realm="...", nonce="...", algorithm=SHA-256, qop="auth"`,
 * with `stale=TRUE`, `opaque`, `userhash=true` and `domain` when set. Never mutates its input.
 *
 * @throws InvalidArgumentError when a value holds control characters
 */
export function serializeDigestChallenge(challenge: DigestChallenge): string {
  const parts = [quoted('realm', challenge.realm)];
  if (challenge.domain !== undefined) parts.push(quoted('domain', challenge.domain));
  parts.push(quoted('nonce', challenge.nonce));
  if (challenge.opaque !== undefined) parts.push(quoted('opaque', challenge.opaque));
  if (challenge.stale) parts.push('stale=TRUE');
  parts.push(bare('algorithm', challenge.algorithm));
  if (challenge.qop.length > 0) parts.push(`qop="${challenge.qop.join(',')}"`);
  if (challenge.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
