/**
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966): parse, serialize with §19.1.2 escaping and
 * compare with the §19.1.4 rules.
 */
import { SipParseError } from './errors.js';
import {
  HEADER_CHARS,
  PARAM_CHARS,
  PASSWORD_CHARS,
  USER_CHARS,
  escapePercent,
  paramName,
  toLowerAscii,
  unescapePercent,
} from './chars.js';

/** URI schemes this layer understands. */
export type SipUriScheme = 'sip' | 'sips' | 'tel';

/** Fields of a {@link SipUri}, as accepted by {@link SipUri.with} and {@link SipUri.create}. */
export interface SipUriFields {
  /** `sip`, `sips` or `tel`. */
  readonly scheme: SipUriScheme;
  /** User part, unescaped. For tel URIs, the telephone number. */
  readonly user?: string | undefined;
  /** Password, unescaped (deprecated by RFC 3261 but still parsed). */
  readonly password?: string | undefined;
  /** Host name, IPv4 address or IPv6 address without brackets; empty for tel URIs. */
  readonly host: string;
  /** Port, when present. */
  readonly port?: number | undefined;
  /** URI parameters in order: names lower-cased, values unescaped, null when given without value. */
  readonly params: ReadonlyMap<string, string | null>;
  /** URI headers (`?name=value&...`), unescaped. */
  readonly headers: ReadonlyMap<string, string>;
}

/** Characters never allowed unescaped anywhere in a SIP URI (CTL, SP, DQUOTE, < and >). */
const FORBIDDEN = /[\x00-\x20"<>\x7f]/;

/** A run of host-name characters (sticky: matched in place, no allocation). */
const HOST_RUN = /[A-Za-z0-9.\-_]*/y;

const EMPTY_PARAMS: ReadonlyMap<string, string | null> = new Map();
const EMPTY_HEADERS: ReadonlyMap<string, string> = new Map();

function badUri(text: string, detail: string): SipParseError {
  return new SipParseError('bad-uri', `Invalid URI "${text.slice(0, 80)}": ${detail}`, {
    status: 400,
    responseReason: 'Bad Request - Invalid URI',
  });
}

function unesc(text: string, part: string): string {
  const u = unescapePercent(part);
  if (u === undefined) throw badUri(text, `bad escape in "${part.slice(0, 40)}"`);
  return u;
}

/** Validates a host: a name/IPv4 (alnum, `-`, `.`, `_`) or an IPv6 reference body (hex, `:`, `.`). */
function checkHost(text: string, host: string, ipv6: boolean): void {
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

/**
 * An immutable SIP, SIPS or tel URI (RFC 3261 §19.1, RFC 3966).
 *
 * Escaped characters are decoded on parse and re-escaped by {@link SipUri.toString}; IPv6 hosts are
 * stored without brackets. A tel URI keeps its number in {@link SipUri.user} and an empty host.
 */
export class SipUri implements SipUriFields {
  /** @inheritDoc */
  readonly scheme: SipUriScheme;
  /** @inheritDoc */
  readonly user: string | undefined;
  /** @inheritDoc */
  readonly password: string | undefined;
  /** @inheritDoc */
  readonly host: string;
  /** @inheritDoc */
  readonly port: number | undefined;
  /** @inheritDoc */
  readonly params: ReadonlyMap<string, string | null>;
  /** @inheritDoc */
  readonly headers: ReadonlyMap<string, string>;
  #text: string | undefined;

  private constructor(f: SipUriFields, text?: string) {
    this.scheme = f.scheme;
    this.user = f.user;
    this.password = f.password;
    this.host = f.host;
    this.port = f.port;
    this.params = f.params;
    this.headers = f.headers;
    this.#text = text;
  }

  /**
   * Builds a URI from fields (no escaping needed: values are plain text).
   * @throws SipParseError (`bad-uri`) on an invalid host or port
   */
  static create(f: Partial<SipUriFields> & { host: string }): SipUri {
    const scheme = f.scheme ?? 'sip';
    if (scheme !== 'tel') checkHost(f.host, f.host, f.host.indexOf(':') >= 0);
    if (f.port !== undefined && (!Number.isInteger(f.port) || f.port < 0 || f.port > 65535)) {
      throw badUri(f.host, `bad port ${f.port}`);
    }
    return new SipUri({
      scheme,
      user: f.user,
      password: f.password,
      host: f.host,
      port: f.port,
      params: f.params ?? EMPTY_PARAMS,
      headers: f.headers ?? EMPTY_HEADERS,
    });
  }

  /**
   * Parses a sip:, sips: or tel: URI (RFC 3261 §25.1 SIP-URI / SIPS-URI, RFC 3966).
   * @throws SipParseError `bad-uri` for bad syntax, `unsupported-uri-scheme` for another scheme
   */
  static parse(text: string): SipUri {
    let scheme: SipUriScheme;
    let i: number;
    if (text.startsWith('sip:')) {
      scheme = 'sip';
      i = 4;
    } else if (text.startsWith('sips:')) {
      scheme = 'sips';
      i = 5;
    } else {
      const colon = text.indexOf(':');
      if (colon <= 0) throw badUri(text, 'no scheme');
      const sch = text.slice(0, colon).toLowerCase();
      if (!isScheme(sch)) throw badUri(text, 'bad scheme');
      if (sch !== 'sip' && sch !== 'sips' && sch !== 'tel') {
        throw new SipParseError('unsupported-uri-scheme', `Unsupported URI scheme "${sch}"`, {
          status: 416,
          responseReason: 'Unsupported URI Scheme',
        });
      }
      scheme = sch;
      i = colon + 1;
    }
    const n = text.length;
    if (FORBIDDEN.test(text)) throw badUri(text, `bad character 0x${FORBIDDEN.exec(text)![0].charCodeAt(0).toString(16)}`);
    const at = text.indexOf('@', i);
    if (scheme === 'tel') return parseTel(text, text.slice(i));
    let user: string | undefined;
    let password: string | undefined;
    if (at >= 0) {
      let pc = text.indexOf(':', i);
      if (pc > at) pc = -1;
      if (pc >= 0) {
        user = unesc(text, text.slice(i, pc));
        password = unesc(text, text.slice(pc + 1, at));
      } else user = unesc(text, text.slice(i, at));
      if (user.length === 0) throw badUri(text, 'empty user');
      i = at + 1;
    }
    let host: string;
    if (text.charCodeAt(i) === 91) {
      const close = text.indexOf(']', i);
      if (close < 0) throw badUri(text, 'unterminated IPv6 reference');
      host = text.slice(i + 1, close);
      checkHost(text, host, true);
      i = close + 1;
    } else {
      const hs = i;
      HOST_RUN.lastIndex = i;
      HOST_RUN.test(text);
      i = HOST_RUN.lastIndex;
      if (i < n) {
        const c = text.charCodeAt(i);
        if (c !== 58 && c !== 59 && c !== 63) throw badUri(text, 'bad character in host');
      }
      if (i === hs) throw badUri(text, 'empty host');
      host = text.slice(hs, i);
    }
    let port: number | undefined;
    let c = text.charCodeAt(i);
    if (c === 58) {
      let e = i + 1;
      while (e < n && text.charCodeAt(e) !== 59 && text.charCodeAt(e) !== 63) e++;
      port = parsePort(text.slice(i + 1, e));
      if (port === undefined) throw badUri(text, 'bad port');
      i = e;
      c = text.charCodeAt(i);
    } else if (i < n && c !== 59 && c !== 63) {
      throw badUri(text, 'junk after host');
    }
    if (i >= n) return new SipUri({ scheme, user, password, host, port, params: EMPTY_PARAMS, headers: EMPTY_HEADERS });
    const { params, headers } = parseParamsAndHeaders(text, text, i);
    return new SipUri({ scheme, user, password, host, port, params, headers });
  }

  /** Value of a URI parameter (name case-insensitive); null when present without value. */
  param(name: string): string | null | undefined {
    return this.params.get(name.toLowerCase());
  }

  /** The `transport` parameter, lower-cased, if present. */
  get transport(): string | undefined {
    const t = this.params.get('transport');
    return t == null ? undefined : t.toLowerCase();
  }

  /** True when the host is an IPv6 address. */
  get isIPv6(): boolean {
    return this.host.indexOf(':') >= 0;
  }

  /** `host[:port]` with brackets around an IPv6 address. */
  hostport(): string {
    const h = this.isIPv6 ? `[${this.host}]` : this.host;
    return this.port === undefined ? h : `${h}:${this.port}`;
  }

  /** A copy with some fields changed. */
  with(changes: Partial<SipUriFields>): SipUri {
    return SipUri.create({ ...this.#fields(), ...changes });
  }

  #fields(): SipUriFields {
    return {
      scheme: this.scheme,
      user: this.user,
      password: this.password,
      host: this.host,
      port: this.port,
      params: this.params,
      headers: this.headers,
    };
  }

  /** Serializes the URI, escaping each part per RFC 3261 §19.1.2. */
  toString(): string {
    if (this.#text !== undefined) return this.#text;
    let s = this.scheme + ':';
    if (this.scheme === 'tel') s += escapePercent(this.user ?? '', PARAM_CHARS);
    else {
      if (this.user !== undefined) {
        s += escapePercent(this.user, USER_CHARS);
        if (this.password !== undefined) s += ':' + escapePercent(this.password, PASSWORD_CHARS);
        s += '@';
      }
      s += this.hostport();
    }
    for (const [k, v] of this.params) {
      s += ';' + escapePercent(k, PARAM_CHARS);
      if (v !== null) s += '=' + escapePercent(v, PARAM_CHARS);
    }
    let first = true;
    for (const [k, v] of this.headers) {
      s += (first ? '?' : '&') + escapePercent(k, HEADER_CHARS) + '=' + escapePercent(v, HEADER_CHARS);
      first = false;
    }
    this.#text = s;
    return s;
  }

  /**
   * URI equality per RFC 3261 §19.1.4: scheme, user and password compared exactly after unescaping,
   * host case-insensitively, ports must both be present or absent and equal; the parameters user,
   * ttl, method, maddr and transport must match when either side has them; other parameters are
   * compared (case-insensitively) only when both have them; headers must all match.
   */
  equals(other: SipUri): boolean {
    if (this.scheme !== other.scheme) return false;
    if (this.scheme === 'tel') return telNumber(this.user) === telNumber(other.user) && paramsEqual(this, other);
    if (this.user !== other.user || this.password !== other.password) return false;
    if (this.host.toLowerCase() !== other.host.toLowerCase()) return false;
    if (this.port !== other.port) return false;
    if (!paramsEqual(this, other)) return false;
    if (this.headers.size !== other.headers.size) return false;
    for (const [k, v] of this.headers) {
      let found = false;
      for (const [k2, v2] of other.headers) {
        if (k2.toLowerCase() === k.toLowerCase()) {
          found = v2 === v;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
}

const SPECIAL_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'];

function paramsEqual(a: SipUri, b: SipUri): boolean {
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

function telNumber(n: string | undefined): string {
  return (n ?? '').replace(/[-.()]/g, '').toLowerCase();
}

function isScheme(s: string): boolean {
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
    if (!ok) return false;
  }
  return true;
}

function parseTel(text: string, rest: string): SipUri {
  let end = rest.indexOf(';');
  const q = rest.indexOf('?');
  if (q >= 0 && (end < 0 || q < end)) end = q;
  if (end < 0) end = rest.length;
  const number = unesc(text, rest.slice(0, end));
  if (number.length === 0) throw badUri(text, 'empty telephone number');
  const { params, headers } = parseParamsAndHeaders(text, rest, end);
  return SipUri.create({ scheme: 'tel', user: number, host: '', params, headers });
}

function parseParamsAndHeaders(
  text: string,
  rest: string,
  start: number,
): { params: ReadonlyMap<string, string | null>; headers: ReadonlyMap<string, string> } {
  let params: ReadonlyMap<string, string | null> = EMPTY_PARAMS;
  let headers: ReadonlyMap<string, string> = EMPTY_HEADERS;
  const n = rest.length;
  let i = start;
  if (i < n && rest.charCodeAt(i) === 59) {
    const hasPct = rest.indexOf('%', i) >= 0;
    const map = new Map<string, string | null>();
    while (i < n && rest.charCodeAt(i) === 59) {
      const ns = i + 1;
      let j = ns;
      let eq = -1;
      while (j < n) {
        const c = rest.charCodeAt(j);
        if (c === 59 || c === 63) break;
        if (c === 61 && eq < 0) eq = j;
        j++;
      }
      const ne = eq < 0 ? j : eq;
      const name = hasPct ? toLowerAscii(unesc(text, rest.slice(ns, ne))) : paramName(rest, ns, ne);
      if (name.length === 0) throw badUri(text, 'empty parameter');
      map.set(name, eq < 0 ? null : unesc(text, rest.slice(eq + 1, j)));
      i = j;
    }
    params = map;
  }
  if (i < n) {
    if (rest.charCodeAt(i) !== 63) throw badUri(text, 'junk after host');
    const map = new Map<string, string>();
    for (const part of rest.slice(i + 1).split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw badUri(text, 'bad header');
      map.set(unesc(text, part.slice(0, eq)), unesc(text, part.slice(eq + 1)));
    }
    headers = map;
  }
  return { params, headers };
}
