/**
 * The Via header (RFC 3261 §20.42, §18.2.1; RFC 3581 rport).
 */
import { SipParseError } from './errors.js';
import { isToken, isWsp, parseParams, parseParamsFast, splitList } from './chars.js';
import { parsePort } from './uri.js';
import { EMPTY_PARAM_MAP } from './param-map.js';
import { HOST_CH, runEnd, scanPort } from './scan.js';

/** Host-name and IPv4 characters: alphanumerics, `-`, `.`, `_`. */
const HOST = new Uint8Array(128);
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._') HOST[ch.charCodeAt(0)] = 1;

/** Fields of a {@link Via}. */
export interface ViaFields {
  /** Protocol name and version, normally `SIP/2.0`. */
  readonly protocol: string;
  /** Transport, upper-cased: `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS` or another token. */
  readonly transport: string;
  /** sent-by host, IPv6 without brackets. */
  readonly host: string;
  /** sent-by port, if present. */
  readonly port?: number | undefined;
  /** Every parameter in order: names lower-cased, values as written, null without value. */
  readonly params: ReadonlyMap<string, string | null>;
}

function bad(detail: string): SipParseError {
  return new SipParseError('bad-header', `Invalid Via header: ${detail}`, {
    header: 'Via',
    status: 400,
    responseReason: 'Bad Request - Invalid Via',
  });
}

/**
 * The two parsers behind {@link Via.parse}, for the property test that checks that the fast
 * path and the general (reference) path agree. Internal: not exported by the layer's index.
 */
export const viaParsers: {
  fast: (text: string) => Via | undefined;
  general: (text: string) => Via;
} = {
  fast: () => undefined,
  general: () => {
    throw new Error('not initialised');
  },
};

/**
 * One immutable Via header value: `SIP/2.0/UDP host:port;branch=z9hG4bK...;rport`.
 */
export class Via implements ViaFields {
  /** @inheritDoc */
  readonly protocol: string;
  /** @inheritDoc */
  readonly transport: string;
  /** @inheritDoc */
  readonly host: string;
  /** @inheritDoc */
  readonly port: number | undefined;
  /** @inheritDoc */
  readonly params: ReadonlyMap<string, string | null>;

  /** @param f - the fields */
  constructor(f: Partial<ViaFields> & { host: string; transport: string }) {
    this.protocol = f.protocol ?? 'SIP/2.0';
    const t = f.transport;
    this.transport = t === 'UDP' || t === 'TCP' || t === 'TLS' ? t : t.toUpperCase();
    this.host = f.host;
    this.port = f.port;
    this.params = f.params ?? EMPTY_PARAM_MAP;
  }

  static {
    viaParsers.fast = (text) => Via.#parseFast(text);
    viaParsers.general = (text) => Via.#parseGeneral(text);
  }

  /**
   * Parses one Via value (no commas). LWS is allowed around `/`, `;`, `=` and `:` (§25.1 SLASH,
   * SEMI, EQUAL, COLON).
   * @throws SipParseError (`bad-header`, header `Via`)
   */
  static parse(text: string): Via {
    return Via.#parseFast(text) ?? Via.#parseGeneral(text);
  }

  /**
   * The common shape `SIP/2.0/<transport> host[:port][;name[=value]]...` (transport UDP, TCP, TLS,
   * SCTP, WSS or WS; no LWS other than the one gap after the transport, no IPv6 reference, no
   * quoted values), read by one character-class scan. Returns undefined for anything else: the
   * general parser is the reference.
   */
  static #parseFast(s: string): Via | undefined {
    const n = s.length;
    if (!s.startsWith('SIP/2.0/')) return undefined;
    let transport: string;
    let i = 12;
    const t = s.charCodeAt(8);
    if (t === 85 && s.startsWith('UDP ', 8)) transport = 'UDP';
    else if (t === 84 && s.startsWith('TCP ', 8)) transport = 'TCP';
    else if (t === 84 && s.startsWith('TLS ', 8)) transport = 'TLS';
    else if (t === 87 && s.startsWith('WSS ', 8)) transport = 'WSS';
    else if (t === 87 && s.startsWith('WS ', 8)) {
      transport = 'WS';
      i = 11;
    } else if (t === 83 && s.startsWith('SCTP ', 8)) {
      transport = 'SCTP';
      i = 13;
    } else return undefined;
    const he = runEnd(s, i, n, HOST_CH, false);
    if (he === i) return undefined;
    const host = s.slice(i, he);
    i = he;
    let port: number | undefined;
    if (i < n && s.charCodeAt(i) === 58) {
      const p = scanPort(s, i + 1, n);
      if (p < 0) return undefined;
      port = p >> 3;
      i += 1 + (p & 7);
    }
    const params = parseParamsFast(s, i, n);
    if (params === undefined) return undefined;
    const v = new Via({ protocol: 'SIP/2.0', transport, host, port, params });
    v.#check();
    return v;
  }

  /** The general parser behind {@link Via.parse}: every shape, every check, every error. */
  static #parseGeneral(text: string): Via {
    const s = text;
    const n = s.length;
    let i = 0;
    let protocol: string;
    let transport: string;
    const fast = s.startsWith('SIP/2.0/') ? s.indexOf(' ', 8) : -1;
    const fastTransport = fast > 8 ? commonTransport(s, 8, fast) : '';
    if (isToken(fastTransport)) {
      // common spelling: `SIP/2.0/UDP host...`
      protocol = 'SIP/2.0';
      transport = fastTransport;
      i = fast;
    } else {
      const parts: string[] = [];
      for (let k = 0; k < 3; k++) {
        while (i < n && isWsp(s.charCodeAt(i))) i++;
        const st = i;
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c === 47 || isWsp(c) || c === 59) break;
          i++;
        }
        const tok = s.slice(st, i);
        if (!isToken(tok)) throw bad(`bad sent-protocol in "${s.slice(0, 60)}"`);
        parts.push(tok);
        while (i < n && isWsp(s.charCodeAt(i))) i++;
        if (k < 2) {
          if (s.charCodeAt(i) !== 47) throw bad(`expected "/" in "${s.slice(0, 60)}"`);
          i++;
        }
      }
      protocol = parts[0] === 'SIP' && parts[1] === '2.0' ? 'SIP/2.0' : `${parts[0]}/${parts[1]}`;
      transport = parts[2]!;
    }
    let host: string | undefined;
    let port: number | undefined;
    let e = i;
    // common shape: ` host[:port]` then `;` or the end, host a name or IPv4 address
    let c = s.charCodeAt(e);
    while (c === 32 || c === 9) c = s.charCodeAt(++e);
    const hs = e;
    while (e < n && c < 128 && HOST[c] === 1) c = s.charCodeAt(++e);
    if (e > hs && (e === n || c === 58 || c === 59 || c === 32 || c === 9)) {
      const he = e;
      let ok = true;
      if (c === 58) {
        const ps = ++e;
        let v = 0;
        c = s.charCodeAt(e);
        while (c >= 48 && c <= 57) {
          v = v * 10 + c - 48;
          c = s.charCodeAt(++e);
        }
        if (e === ps || e - ps > 5 || v > 65535) ok = false;
        port = v;
      }
      while (c === 32 || c === 9) c = s.charCodeAt(++e);
      if (ok && (e === n || c === 59)) host = s.slice(hs, he);
      else port = undefined;
    }
    if (host === undefined) {
      const st = i;
      e = s.indexOf(';', i);
      if (e < 0) e = n;
      const sentBy = s.slice(st, e).trim();
      if (sentBy.length === 0) throw bad('missing sent-by');
      let portText: string | undefined;
      if (sentBy.charCodeAt(0) === 91) {
        const close = sentBy.indexOf(']');
        if (close < 0) throw bad('unterminated IPv6 reference');
        host = sentBy.slice(1, close);
        const after = sentBy.slice(close + 1).trim();
        if (after.length > 0) {
          if (after.charCodeAt(0) !== 58) throw bad('junk after IPv6 reference');
          portText = after.slice(1).trim();
        }
        if (!/^[0-9a-fA-F:.]+$/.test(host) || host.indexOf(':') < 0) throw bad('bad IPv6 reference');
      } else {
        const colon = sentBy.indexOf(':');
        host = colon < 0 ? sentBy : sentBy.slice(0, colon).trim();
        if (colon >= 0) portText = sentBy.slice(colon + 1).trim();
        for (let j = 0; j < host.length; j++) {
          const c = host.charCodeAt(j);
          const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95;
          if (!ok) throw bad(`bad host "${host.slice(0, 40)}"`);
        }
        if (host.length === 0) throw bad('empty host');
      }
      if (portText !== undefined) {
        port = parsePort(portText);
        if (port === undefined) throw bad('bad port');
      }
    }
    const params = parseParams(s, 'Via', e);
    const v = new Via({ protocol, transport, host, port, params });
    v.#check();
    return v;
  }

  #check(): void {
    const r = this.params.get('rport');
    if (r != null && parsePort(r) === undefined) throw bad('bad rport');
    const t = this.params.get('ttl');
    if (t != null && !(/^\d{1,3}$/.test(t) && Number(t) <= 255)) throw bad('bad ttl');
    if (this.params.get('branch') === null) throw bad('branch without value');
  }

  /** The branch parameter (RFC 3261 §8.1.1.7), if present. */
  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }

  /** The `received` parameter (§18.2.1), if present. */
  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }

  /** RFC 3581 rport: undefined = absent, null = present without value, else the port. */
  get rport(): number | null | undefined {
    if (!this.params.has('rport')) return undefined;
    const v = this.params.get('rport');
    return v == null ? null : Number(v);
  }

  /** The `maddr` parameter, if present. */
  get maddr(): string | undefined {
    return this.params.get('maddr') ?? undefined;
  }

  /** The `ttl` parameter, if present. */
  get ttl(): number | undefined {
    const v = this.params.get('ttl');
    return v == null ? undefined : Number(v);
  }

  /** True when the host is an IPv6 address. */
  get isIPv6(): boolean {
    return this.host.indexOf(':') >= 0;
  }

  /** True when the branch starts with the RFC 3261 magic cookie `z9hG4bK` (§8.1.1.7). */
  get hasMagicCookie(): boolean {
    return this.branch?.startsWith('z9hG4bK') ?? false;
  }

  /** sent-by as `host[:port]` with brackets around IPv6. */
  sentBy(): string {
    const h = this.isIPv6 ? `[${this.host}]` : this.host;
    return this.port === undefined ? h : `${h}:${this.port}`;
  }

  /**
   * A copy with fields changed. `params` replaces all parameters; the shortcuts `branch`,
   * `received` and `rport` set one parameter each (rport: null = without value, undefined in the
   * object = leave unchanged).
   */
  with(changes: Partial<ViaFields> & { branch?: string; received?: string; rport?: number | null }): Via {
    const params = new Map(changes.params ?? this.params);
    if (changes.branch !== undefined) params.set('branch', changes.branch);
    if (changes.received !== undefined) params.set('received', changes.received);
    if ('rport' in changes && changes.rport !== undefined) {
      params.set('rport', changes.rport === null ? null : String(changes.rport));
    }
    return new Via({
      protocol: changes.protocol ?? this.protocol,
      transport: changes.transport ?? this.transport,
      host: changes.host ?? this.host,
      port: 'port' in changes ? changes.port : this.port,
      params,
    });
  }

  /** Serializes as `SIP/2.0/UDP host:port;params`. */
  toString(): string {
    let s = `${this.protocol}/${this.transport} ${this.sentBy()}`;
    for (const [k, v] of this.params) s += v === null ? `;${k}` : `;${k}=${v}`;
    return s;
  }
}

/** The transport token in `s[a, b)`, as a shared constant for the usual ones. */
function commonTransport(s: string, a: number, b: number): string {
  if (b - a === 3) {
    if (s.startsWith('UDP', a)) return 'UDP';
    if (s.startsWith('TCP', a)) return 'TCP';
    if (s.startsWith('TLS', a)) return 'TLS';
  }
  return s.slice(a, b);
}

/** True for the characters `splitList` trims: SP, HTAB, CR, LF. */
function isLws(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** Parses a Via header value that may hold several comma-separated vias. */
export function parseVia(text: string): Via[] {
  if (text.indexOf(',') < 0 && text.length > 0 && !isLws(text.charCodeAt(0)) && !isLws(text.charCodeAt(text.length - 1))) {
    return [Via.parse(text)];
  }
  const parts = splitList(text);
  if (parts.length === 0) throw bad('empty value');
  return parts.map((p) => Via.parse(p));
}

/** Serializes one Via value. */
export function formatVia(via: Via): string {
  return via.toString();
}
