/**
 * Character-level helpers shared by the SIP parsers (RFC 3261 §25.1): LWS trimming, token checks,
 * list splitting outside quotes and angle brackets, generic parameters, quoted strings and
 * percent-escaping (§19.1.2). All are linear scans without regular-expression backtracking.
 */
import { badHeader } from './errors.js';
import { EMPTY_PARAM_MAP, ParamMap, addParam } from './param-map.js';
import { GEN_PVALUE_CH, TOKEN_CH, runEnd } from './scan.js';

const TOKEN = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~') {
  TOKEN[c.charCodeAt(0)] = 1;
}

/** Characters that end an unquoted generic-param value (besides CTL and SP): DEL ; , " < > */
const VALUE_STOP = new Uint8Array(65536);
for (const c of [127, 59, 44, 34, 60, 62]) VALUE_STOP[c] = 1;

/** True for SP or HTAB. */
export function isWsp(code: number): boolean {
  return code === 32 || code === 9;
}

/** True when `s` is a non-empty RFC 3261 token (`1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")`). */
export function isToken(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** Removes leading and trailing SP/HTAB/CR/LF (not other Unicode white space). */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b) {
    const c = s.charCodeAt(a);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    a++;
  }
  while (b > a) {
    const c = s.charCodeAt(b - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    b--;
  }
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Splits a header value on commas that are outside quoted strings and angle brackets
 * (RFC 3261 §7.3.1). Elements are trimmed; empty elements are dropped.
 */
export function splitList(value: string): string[] {
  if (value.indexOf(',') < 0) {
    const t = trimLws(value);
    return t.length === 0 ? [] : [t];
  }
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let angle = false;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 92) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      const t = trimLws(value.slice(start, i));
      if (t.length > 0) out.push(t);
      start = i + 1;
    }
  }
  const t = trimLws(value.slice(start));
  if (t.length > 0) out.push(t);
  return out;
}

/**
 * Index of the first `ch` at or after `from` that is outside quoted strings, or -1.
 * A backslash inside quotes escapes the next character.
 */
export function indexOutsideQuotes(s: string, ch: number, from: number): number {
  let inQuote = false;
  const n = s.length;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 92) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === ch) return i;
  }
  return inQuote ? -2 : -1;
}

/**
 * Parses `;name[=value]` generic parameters (RFC 3261 §25.1 generic-param) from `s[start, end)`,
 * which starts at a `;` (or holds only LWS). Names are lower-cased; values are kept as written (a
 * quoted-string keeps its quotes). LWS around `;` and `=` is allowed. Throws a `bad-header` error
 * naming `header` on an empty name, a bad token or an unbalanced quote.
 */
export function parseParams(
  s: string,
  header: string,
  start = 0,
  end = s.length,
): ReadonlyMap<string, string | null> {
  const fast = parseParamsFast(s, start, end);
  if (fast !== undefined) return fast;
  return parseParamsGeneral(s, header, start, end);
}

/**
 * The fast path of {@link parseParams}: every parameter of `s[start, end)` in the common shape
 * `;token[=value]` (no LWS, no quotes), read by one character-class scan, or undefined when any
 * is not (then the general scanner decides, and reports errors).
 */
export function parseParamsFast(s: string, start: number, end: number): ReadonlyMap<string, string | null> | undefined {
  if (start >= end) return EMPTY_PARAM_MAP;
  if (s.charCodeAt(start) !== 59) return undefined;
  const kv: unknown[] = [];
  let i = start;
  while (i < end) {
    if (s.charCodeAt(i) !== 59) return undefined;
    const ns = i + 1;
    const ne = runEnd(s, ns, end, TOKEN_CH, false);
    if (ne === ns) return undefined;
    i = ne;
    let value: string | null = null;
    if (i < end && s.charCodeAt(i) === 61) {
      const ve = runEnd(s, i + 1, end, GEN_PVALUE_CH, true);
      if (ve === i + 1) return undefined;
      value = s.slice(i + 1, ve);
      i = ve;
    }
    addParam(kv, paramName(s, ns, ne), value);
  }
  return new ParamMap<string | null>(kv);
}

/** The general scanner behind {@link parseParams} (any LWS, quoted values, error reporting). */
export function parseParamsGeneral(
  s: string,
  header: string,
  start: number,
  end: number,
): ReadonlyMap<string, string | null> {
  const n = end;
  let i = start;
  while (i < n && isWsp(s.charCodeAt(i))) i++;
  if (i === n) return EMPTY_PARAM_MAP;
  if (s.charCodeAt(i) !== 59) throw badHeader(header, `expected ";" at "${s.slice(i, Math.min(n, i + 20))}"`);
  const kv: unknown[] = [];
  while (i < n) {
    // s[i] is ';': read the name
    i++;
    let c = s.charCodeAt(i);
    while (i < n && (c === 32 || c === 9)) c = s.charCodeAt(++i);
    const ns = i;
    while (i < n && c < 128 && TOKEN[c] === 1) c = s.charCodeAt(++i);
    const ne = i;
    if (ne === ns) throw badHeader(header, 'empty parameter');
    while (i < n && (c === 32 || c === 9)) c = s.charCodeAt(++i);
    let value: string | null = null;
    if (i < n && c === 61) {
      c = s.charCodeAt(++i);
      while (i < n && (c === 32 || c === 9)) c = s.charCodeAt(++i);
      const vs = i;
      if (i < n && c === 34) {
        i++;
        for (;;) {
          if (i >= n) throw badHeader(header, 'unbalanced quote in parameter');
          c = s.charCodeAt(i);
          if (c === 92) i += 2;
          else if (c === 34) break;
          else i++;
        }
        i++;
        value = s.slice(vs, i);
        c = s.charCodeAt(i);
      } else {
        while (i < n && c > 32 && VALUE_STOP[c] !== 1) c = s.charCodeAt(++i);
        if (i === vs) throw badHeader(header, `bad value for parameter "${s.slice(ns, ne)}"`);
        value = s.slice(vs, i);
      }
      while (i < n && (c === 32 || c === 9)) c = s.charCodeAt(++i);
    }
    if (i < n && c !== 59) throw badHeader(header, `bad parameter "${s.slice(ns, Math.min(n, i + 1)).slice(0, 40)}"`);
    addParam(kv, paramName(s, ns, ne), value);
  }
  return new ParamMap<string | null>(kv);
}

/**
 * The lower-cased parameter name in `s[ns, ne)`. Common names are returned as constants (no
 * allocation, hash already known, which makes the Map insertion cheaper).
 */
export function paramName(s: string, ns: number, ne: number): string {
  switch (ne - ns) {
    case 1:
      if (s.charCodeAt(ns) === 113) return 'q';
      break;
    case 2:
      if (s.startsWith('lr', ns)) return 'lr';
      break;
    case 3:
      if (s.startsWith('tag', ns)) return 'tag';
      if (s.startsWith('ttl', ns)) return 'ttl';
      break;
    case 4:
      if (s.startsWith('user', ns)) return 'user';
      break;
    case 5:
      if (s.startsWith('rport', ns)) return 'rport';
      if (s.startsWith('maddr', ns)) return 'maddr';
      break;
    case 6:
      if (s.startsWith('branch', ns)) return 'branch';
      if (s.startsWith('method', ns)) return 'method';
      break;
    case 7:
      if (s.startsWith('expires', ns)) return 'expires';
      break;
    case 8:
      if (s.startsWith('received', ns)) return 'received';
      break;
    case 9:
      if (s.startsWith('transport', ns)) return 'transport';
      break;
  }
  return toLowerAscii(s.slice(ns, ne));
}

/** Lower-cases ASCII letters; returns `s` itself when it has none upper-case (no allocation). */
export function toLowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.toLowerCase();
  }
  return s;
}

/** True when `s` is exactly one well-formed quoted-string (RFC 3261 §25.1). */
export function isQuotedString(s: string): boolean {
  const n = s.length;
  if (n < 2 || s.charCodeAt(0) !== 34) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      i++;
      if (i >= n - 1) return false;
    } else if (c === 34) return i === n - 1;
  }
  return false;
}

/** Removes the quotes and backslash escapes of a quoted-string; other strings are returned as is. */
export function unquote(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== 34 || s.charCodeAt(s.length - 1) !== 34) return s;
  const inner = s.slice(1, -1);
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  let last = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner.charCodeAt(i) === 92) {
      out += inner.slice(last, i);
      last = i + 1;
      i++;
    }
  }
  return out + inner.slice(last);
}

/** Quotes `s` as a quoted-string, escaping `"` and `\` (RFC 3261 §25.1 quoted-pair). */
export function quote(s: string): string {
  let out = '"';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92) {
      out += s.slice(last, i) + '\\';
      last = i;
    }
  }
  return out + s.slice(last) + '"';
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Decodes %HH escapes (RFC 3261 §19.1.2); the resulting octets are read as UTF-8.
 * Returns undefined on a malformed escape.
 */
export function unescapePercent(s: string): string | undefined {
  if (s.indexOf('%') < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      if (i + 2 >= s.length) return undefined;
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h < 0 || l < 0) return undefined;
      bytes.push(h * 16 + l);
      i += 2;
    } else if (c < 128) bytes.push(c);
    else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function table(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()" + extra) {
    t[c.charCodeAt(0)] = 1;
  }
  return t;
}

/** Characters allowed unescaped in a SIP URI user part (unreserved / user-unreserved). */
export const USER_CHARS = table('&=+$,;?/');
/** Characters allowed unescaped in a password. */
export const PASSWORD_CHARS = table('&=+$,');
/** Characters allowed unescaped in a URI parameter name or value (paramchar). */
export const PARAM_CHARS = table('[]/:&+$');
/** Characters allowed unescaped in a URI header name or value (hnv-unreserved). */
export const HEADER_CHARS = table('[]/?:+$');

const HEX = '0123456789ABCDEF';

/** Percent-escapes every character of `s` not allowed by `allowed` (UTF-8 octets, §19.1.2). */
export function escapePercent(s: string, allowed: Uint8Array): string {
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || allowed[c] === 0) break;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && allowed[c] === 1) out += s[i];
    else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out += '%' + HEX[b >> 4] + HEX[b & 15];
    }
  }
  return out;
}
