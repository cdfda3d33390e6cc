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
} from './chars.js';
import { ParamMap, addParam } from './param-map.js';
import {
  EMPTY_HEADERS,
  EMPTY_PARAMS,
  FORBIDDEN,
  HOST_RUN,
  badUri,
  checkHost,
  isScheme,
  unesc,
  urisEqual,
} from './uri-syntax.js';
import { HOST_CH, URI_PNAME_CH, URI_PVALUE_CH, USER_CH, runEnd, scanPort } from './scan.js';

export { parsePort } from './uri-syntax.js';

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
/**
 * The two parsers behind {@link SipUri.parse}, for the property test that checks that the fast
 * path and the general (reference) path agree. Internal: not exported by the layer's index.
 */
export const uriParsers: {
  fast: (text: string) => SipUri | undefined;
  general: (text: string) => SipUri;
} = {
  fast: () => undefined,
  general: () => {
    throw new Error('not initialised');
  },
};

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

  private constructor(
    scheme: SipUriScheme,
    user: string | undefined,
    password: string | undefined,
    host: string,
    port: number | undefined,
    params: ReadonlyMap<string, string | null>,
    headers: ReadonlyMap<string, string>,
    text?: string,
  ) {
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.host = host;
    this.port = port;
    this.params = params;
    this.headers = headers;
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
    return new SipUri(scheme, f.user, f.password, f.host, f.port, f.params ?? EMPTY_PARAMS, f.headers ?? EMPTY_HEADERS);
  }

  static {
    uriParsers.fast = (text) => SipUri.#parseFast(text);
    uriParsers.general = (text) => SipUri.#parseGeneral(text);
  }

  /**
   * Parses a sip:, sips: or tel: URI (RFC 3261 §25.1 SIP-URI / SIPS-URI, RFC 3966).
   * @throws SipParseError `bad-uri` for bad syntax, `unsupported-uri-scheme` for another scheme
   */
  static parse(text: string): SipUri {
    return SipUri.#parseFast(text) ?? SipUri.#parseGeneral(text);
  }

  /**
   * The common shape `sip[s]:[user@]host[:port][;name[=value]]...`, with no escapes, password,
   * IPv6 reference or headers, read by one character-class scan (see scan.ts). Returns undefined
   * for anything else: {@link SipUri.parse} then runs the general parser, which is the reference
   * (a property test checks that both give the same URI).
   */
  static #parseFast(text: string): SipUri | undefined {
    const n = text.length;
    if (n < 5 || text.charCodeAt(0) !== 115 || text.charCodeAt(1) !== 105 || text.charCodeAt(2) !== 112) return undefined;
    let scheme: SipUriScheme = 'sip';
    let i = 4;
    if (text.charCodeAt(3) !== 58) {
      if (text.charCodeAt(3) !== 115 || text.charCodeAt(4) !== 58) return undefined;
      scheme = 'sips';
      i = 5;
    }
    let user: string | undefined;
    if (text.indexOf('@', i) >= 0) {
      const ue = runEnd(text, i, n, USER_CH, false);
      if (ue === i || text.charCodeAt(ue) !== 64) return undefined;
      user = text.slice(i, ue);
      i = ue + 1;
    }
    const he = runEnd(text, i, n, HOST_CH, false);
    if (he === i) return undefined;
    const host = text.slice(i, he);
    i = he;
    let port: number | undefined;
    if (i < n && text.charCodeAt(i) === 58) {
      const p = scanPort(text, i + 1, n);
      if (p < 0) return undefined;
      port = p >> 3;
      i += 1 + (p & 7);
    }
    let params: ReadonlyMap<string, string | null> = EMPTY_PARAMS;
    if (i < n) {
      const kv: unknown[] = [];
      while (i < n) {
        if (text.charCodeAt(i) !== 59) return undefined;
        const ns = i + 1;
        const ne = runEnd(text, ns, n, URI_PNAME_CH, false);
        if (ne === ns) return undefined;
        i = ne;
        let value: string | null = null;
        if (i < n && text.charCodeAt(i) === 61) {
          const ve = runEnd(text, i + 1, n, URI_PVALUE_CH, true);
          if (ve === i + 1) return undefined;
          value = text.slice(i + 1, ve);
          i = ve;
        }
        addParam(kv, paramName(text, ns, ne), value);
      }
      params = new ParamMap<string | null>(kv);
    }
    return new SipUri(scheme, user, undefined, host, port, params, EMPTY_HEADERS);
  }

  /** The general parser behind {@link SipUri.parse}: every shape, every check, every error. */
  static #parseGeneral(text: string): SipUri {
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
    if (scheme === 'tel') return SipUri.#parseTel(text, text.slice(i));
    const hasPct = text.indexOf('%', i) >= 0;
    const at = text.indexOf('@', i);
    let user: string | undefined;
    let password: string | undefined;
    if (at >= 0) {
      let pc = text.indexOf(':', i);
      if (pc > at) pc = -1;
      if (pc >= 0) {
        user = hasPct ? unesc(text, text.slice(i, pc)) : text.slice(i, pc);
        password = hasPct ? unesc(text, text.slice(pc + 1, at)) : text.slice(pc + 1, at);
      } else user = hasPct ? unesc(text, text.slice(i, at)) : text.slice(i, at);
      if (user.length === 0) throw badUri(text, 'empty user');
      i = at + 1;
    }
    let host: string;
    const ipv6 = text.charCodeAt(i) === 91;
    if (ipv6) {
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
      const ps = ++i;
      let v = 0;
      c = text.charCodeAt(i);
      while (c >= 48 && c <= 57) {
        v = v * 10 + c - 48;
        c = text.charCodeAt(++i);
      }
      if (i === ps || i - ps > 5 || v > 65535 || (i < n && c !== 59 && c !== 63)) throw badUri(text, 'bad port');
      port = v;
    } else if (i < n && c !== 59 && c !== 63) {
      throw badUri(text, 'junk after host');
    }
    if (i >= n) return new SipUri(scheme, user, password, host, port, EMPTY_PARAMS, EMPTY_HEADERS);
    return SipUri.#withRest(text, text, i, hasPct, scheme, user, password, host, port);
  }

  /** Parses the `;params?headers` part of `rest` from `start` and builds the URI. */
  static #withRest(
    text: string,
    rest: string,
    start: number,
    hasPct: boolean,
    scheme: SipUriScheme,
    user: string | undefined,
    password: string | undefined,
    host: string,
    port: number | undefined,
  ): SipUri {
    let params: ReadonlyMap<string, string | null> = EMPTY_PARAMS;
    let headers: ReadonlyMap<string, string> = EMPTY_HEADERS;
    const n = rest.length;
    let i = start;
    if (i < n && rest.charCodeAt(i) === 59) {
      const kv: unknown[] = [];
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
        addParam(kv, name, eq < 0 ? null : hasPct ? unesc(text, rest.slice(eq + 1, j)) : rest.slice(eq + 1, j));
        i = j;
      }
      params = new ParamMap<string | null>(kv);
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
    return new SipUri(scheme, user, password, host, port, params, headers);
  }

  /** The tel: URI after its scheme (RFC 3966): number, then parameters and headers. */
  static #parseTel(text: string, rest: string): SipUri {
    let end = rest.indexOf(';');
    const q = rest.indexOf('?');
    if (q >= 0 && (end < 0 || q < end)) end = q;
    if (end < 0) end = rest.length;
    const number = unesc(text, rest.slice(0, end));
    if (number.length === 0) throw badUri(text, 'empty telephone number');
    const u = SipUri.#withRest(text, rest, end, rest.indexOf('%', end) >= 0, 'tel', number, undefined, '', undefined);
    return SipUri.create({ scheme: 'tel', user: number, host: '', params: u.params, headers: u.headers });
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
    return urisEqual(this, other);
  }
}
