/**
 * Authentication headers: WWW-Authenticate, Proxy-Authenticate, Authorization,
 * Proxy-Authorization (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 2617 / RFC 8760 Digest).
 */
import { badHeader } from '../errors.js';
import { isToken, isWsp, toLowerAscii, unquote } from '../chars.js';
import { ParamMap, addParam } from '../param-map.js';

/** A challenge or credentials: scheme plus auth-params. */
export interface AuthValue {
  /** Scheme as written, e.g. `Digest`. */
  readonly scheme: string;
  /** Parameters by lower-cased name, quoted values unquoted (`realm`, `nonce`, `qop`, `response`...). */
  readonly params: ReadonlyMap<string, string>;
}

/** The scheme of a challenge or credentials: a token, then LWS or the end. */
const AUTH_SCHEME = /[ \t]*([!%'*+\-.0-9A-Z_`a-z~]+)(?=[ \t]|$)/y;
/** One auth-param in its common shape: token `=` quoted-string without escapes, or a plain value. */
const AUTH_PARAM = /[ \t,]*([!%'*+\-.0-9A-Z_`a-z~]+)[ \t]*=[ \t]*(?:"([^"\\]*)"|([^ \t,"]+))[ \t]*/y;

/**
 * Parses `Digest realm="atlanta.com", nonce="...", algorithm=MD5`. The common shape is matched by
 * sticky regular expressions; anything else (escaped quotes, empty values, stray commas, errors)
 * goes through the general one-pass scanner, which is the reference.
 */
export function parseAuth(value: string, header: string): AuthValue {
  return parseAuthFast(value) ?? parseAuthGeneral(value, header);
}

/** The fast path of {@link parseAuth}, or undefined when the value is not in the common shape. */
export function parseAuthFast(s: string): AuthValue | undefined {
  const n = s.length;
  const sr = AUTH_SCHEME;
  sr.lastIndex = 0;
  const m = sr.exec(s);
  if (m === null) return undefined;
  let i = sr.lastIndex;
  const kv: unknown[] = [];
  const re = AUTH_PARAM;
  while (i < n) {
    re.lastIndex = i;
    const p = re.exec(s);
    if (p === null) return undefined;
    i = re.lastIndex;
    if (i < n && s.charCodeAt(i) !== 44) return undefined;
    const q = p[2];
    addParam(kv, p[1]!.toLowerCase(), q !== undefined ? q : p[3]);
  }
  return { scheme: m[1]!, params: new ParamMap<string>(kv) };
}

/** The general scanner behind {@link parseAuth}: every shape, every check, every error. */
export function parseAuthGeneral(value: string, header: string): AuthValue {
  const s = value;
  const n = s.length;
  let i = 0;
  while (i < n && isWsp(s.charCodeAt(i))) i++;
  const ss = i;
  while (i < n && !isWsp(s.charCodeAt(i))) i++;
  const scheme = s.slice(ss, i);
  if (!isToken(scheme)) throw badHeader(header, 'bad scheme');
  const kv: unknown[] = [];
  for (;;) {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 44) break;
      i++;
    }
    if (i >= n) break;
    const ns = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 61 || c === 32 || c === 9 || c === 44) break;
      i++;
    }
    const name = s.slice(ns, i);
    if (!isToken(name)) throw badHeader(header, `bad auth-param name "${name.slice(0, 30)}"`);
    while (i < n && isWsp(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== 61) throw badHeader(header, `auth-param "${name.slice(0, 30)}" without value`);
    i++;
    while (i < n && isWsp(s.charCodeAt(i))) i++;
    let v: string;
    if (s.charCodeAt(i) === 34) {
      const vs = ++i;
      let escaped = false;
      for (;;) {
        if (i >= n) throw badHeader(header, 'unbalanced quote');
        const c = s.charCodeAt(i);
        if (c === 92) {
          escaped = true;
          i += 2;
        } else if (c === 34) break;
        else i++;
      }
      v = s.slice(vs, i);
      if (escaped) v = unquote(`"${v}"`);
      i++;
    } else {
      const vs = i;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c === 44 || c === 32 || c === 9) break;
        i++;
      }
      v = s.slice(vs, i);
    }
    while (i < n && isWsp(s.charCodeAt(i))) i++;
    if (i < n && s.charCodeAt(i) !== 44) throw badHeader(header, `junk after auth-param "${name.slice(0, 30)}"`);
    addParam(kv, toLowerAscii(name), v);
  }
  return { scheme, params: new ParamMap<string>(kv) };
}
