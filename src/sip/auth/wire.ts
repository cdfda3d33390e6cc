/**
 * Small wire helpers shared by the Digest challenge and credentials values:
 * reading a value with `parseAuth` and writing auth-params safely.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { quote } from '../chars.js';
import { SipParseError } from '../errors.js';
import { parseAuth, type AuthValue } from '../headers/auth.js';
import { DigestParseError } from './errors.js';

/** Longest header value the digest code reads (a defence against absurd inputs). */
export const MAX_AUTH_VALUE_LENGTH = 4096;

/** Parses a header value (or takes an already parsed one) and checks the scheme is Digest. */
export function readDigestValue(value: string | AuthValue, header: string): ReadonlyMap<string, string> {
  let auth: AuthValue;
  if (typeof value === 'string') {
    if (value.length > MAX_AUTH_VALUE_LENGTH) throw new DigestParseError('malformed', 'value too long', header);
    try {
      auth = parseAuth(value, header);
    } catch (err) {
      if (err instanceof SipParseError) throw new DigestParseError('malformed', err.message, header, { cause: err });
      throw err;
    }
  } else auth = value;
  if (auth.scheme.toLowerCase() !== 'digest') {
    throw new DigestParseError('not-digest', `scheme ${JSON.stringify(auth.scheme.slice(0, 20))} is not Digest`, header);
  }
  return auth.params;
}

/** A mandatory parameter, or a `missing-param` error. */
export function required(params: ReadonlyMap<string, string>, name: string, header: string): string {
  const v = params.get(name);
  if (v === undefined || v === '') throw new DigestParseError('missing-param', `missing ${name}`, header);
  return v;
}

/** A quoted-string auth-param value; refuses control characters so no header can be injected. */
export function quoted(name: string, value: string): string {
  checkText(name, value);
  return `${name}=${quote(value)}`;
}

/** A token auth-param value (`algorithm=MD5`, `nc=00000001`, `qop=auth`). */
export function bare(name: string, value: string): string {
  if (!/^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/.test(value)) throw new InvalidArgumentError(name, 'must be a token');
  return `${name}=${value}`;
}

/** Throws when `value` holds CR, LF or another control character (RFC 3261 §25.1 quoted-string). */
export function checkText(name: string, value: string): void {
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) throw new InvalidArgumentError(name, 'must not contain control characters');
}
