/**
 * Character-level syntax of SIP URIs (RFC 3261 §19.1, §25.1) shared by {@link SipUri}: the host
 * run of the general parser, host and port checks, escapes, scheme names and the §19.1.4
 * comparison.
 */
import { SipParseError } from './errors.js';
import { unescapePercent } from './chars.js';
import { EMPTY_PARAM_MAP } from './param-map.js';
import type { SipUri } from './uri.js';

/** Characters never allowed unescaped anywhere in a SIP URI (CTL, SP, DQUOTE, < and >). */
export const FORBIDDEN = /[\x00-\x20"<>\x7f]/;

/** A run of host-name characters (sticky: matched in place, no allocation). */
export const HOST_RUN = /[A-Za-z0-9.\-_]*/y;

/** The shared empty URI parameter map. */
export const EMPTY_PARAMS: ReadonlyMap<string, string | null> = EMPTY_PARAM_MAP;
/** The shared empty URI header map. */
export const EMPTY_HEADERS: ReadonlyMap<string, string> = new Map();
/** A `bad-uri` error (400 for a request). */
export function badUri(text: string, detail: string): SipParseError {
  return new SipParseError('bad-uri', `Invalid URI "${text.slice(0, 80)}": ${detail}`, {
    status: 400,
    responseReason: 'Bad Request - Invalid URI',
  });
}

/** Decodes %HH escapes of one URI part, or throws `bad-uri`. */
export function unesc(text: string, part: string): string {
  const u = unescapePercent(part);
  if (u === undefined) throw badUri(text, `bad escape in "${part.slice(0, 40)}"`);
  return u;
}

/** Validates a host: a name/IPv4 (alnum, `-`, `.`, `_`) or an IPv6 reference body (hex, `:`, `.`). */
export function checkHost(text: string, host: string, ipv6: boolean): void {
  if (host.length === 0) throw badUri(text, 'empty host');
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const ok = ipv6
      ? (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46
      : (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95;
    if (!ok) throw badUri(text, `bad character in host "${host.slice(0, 40)}"`);
  }
  if (ipv6 && host.indexOf(':') < 0) throw badUri(text, 'bad IPv6 reference');
}

/** Parses a port: 1-5 digits, at most 65535. */
export function parsePort(s: string): number | undefined {
  if (s.length === 0 || s.length > 5) return undefined;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v <= 65535 ? v : undefined;
}

/** URI parameters that must match when either side has them (§19.1.4). */
const SPECIAL_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'];

/** §19.1.4 parameter comparison of two URIs. */
export function paramsEqual(a: SipUri, b: SipUri): boolean {
  for (const p of SPECIAL_PARAMS) {
    const x = a.params.get(p);
    const y = b.params.get(p);
    if ((x === undefined) !== (y === undefined)) return false;
    if (x !== undefined && (x ?? '').toLowerCase() !== (y ?? '').toLowerCase()) return false;
  }
  for (const [k, v] of a.params) {
    if (!b.params.has(k)) continue;
    const w = b.params.get(k);
    if ((v ?? '').toLowerCase() !== (w ?? '').toLowerCase() || (v === null) !== (w === null)) return false;
  }
  return true;
}

/** URI equality per RFC 3261 §19.1.4 (the body of `SipUri.equals`, which documents the rules). */
export function urisEqual(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.scheme === 'tel') return telNumber(a.user) === telNumber(b.user) && paramsEqual(a, b);
  if (a.user !== b.user || a.password !== b.password) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  if (a.port !== b.port) return false;
  if (!paramsEqual(a, b)) return false;
  if (a.headers.size !== b.headers.size) return false;
  for (const [k, v] of a.headers) {
    let found = false;
    for (const [k2, v2] of b.headers) {
      if (k2.toLowerCase() === k.toLowerCase()) {
        found = v2 === v;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** A tel number without visual separators, lower-cased, for comparison. */
export function telNumber(n: string | undefined): string {
  return (n ?? '').replace(/[-.()]/g, '').toLowerCase();
}

/** True when `s` is an RFC 3986 scheme name. */
export function isScheme(s: string): boolean {
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
    if (!ok) return false;
  }
  return true;
}
