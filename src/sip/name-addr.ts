/**
 * name-addr / addr-spec values of From, To, Contact, Route, Record-Route, Refer-To, Referred-By
 * (RFC 3261 §20.10, §20.20, §20.39, §25.1).
 */
import { SipParseError } from './errors.js';
import { SipUri } from './uri.js';
import { EMPTY_PARAM_MAP } from './param-map.js';
import { indexOutsideQuotes, isQuotedString, isWsp, parseParams, quote, trimLws, unquote } from './chars.js';

function bad(header: string, detail: string): SipParseError {
  return new SipParseError('bad-header', `Invalid ${header}: ${detail}`, {
    header,
    status: 400,
    responseReason: `Bad Request - Invalid ${header}`,
  });
}

/**
 * An immutable name-addr or addr-spec with header parameters: `"Alice" <sip:alice@example.com>;tag=1`.
 *
 * Parameter names are lower-cased; values are kept as written (a quoted value keeps its quotes).
 */
export class NameAddr {
  /** Display name, unquoted and unescaped; undefined when absent. */
  readonly displayName: string | undefined;
  /** The URI. */
  readonly uri: SipUri;
  /** Header parameters (after the URI), in order. */
  readonly params: ReadonlyMap<string, string | null>;

  /**
   * @param uri - the URI
   * @param displayName - optional display name (plain text)
   * @param params - header parameters
   */
  constructor(uri: SipUri, displayName?: string, params?: ReadonlyMap<string, string | null>) {
    this.uri = uri;
    this.displayName = displayName;
    this.params = params ?? EMPTY_PARAM_MAP;
  }

  /**
   * Parses a name-addr or addr-spec followed by `;params` (RFC 3261 §20.10).
   * Liberal where RFC 4475 allows it: whitespace inside `< >`, unquoted display names with commas.
   * @param header - header name used in error messages
   * @throws SipParseError
   */
  static parse(text: string, header = 'name-addr'): NameAddr {
    const s = trimLws(text);
    if (s.length === 0) throw bad(header, 'empty value');
    let displayName: string | undefined;
    let uriText: string;
    let restAt: number;
    const c0 = s.charCodeAt(0);
    let lt = -1;
    if (c0 === 34) {
      // common shape `"Display Name" <...` without escapes: no quote-aware scan needed
      const q = s.indexOf('"', 1);
      let next = q + 1;
      if (q > 0 && s.charCodeAt(next) === 32) next++;
      const bs = q > 0 ? s.indexOf('\\', 1) : -1;
      if (q > 0 && s.charCodeAt(next) === 60 && (bs < 0 || bs > q)) {
        displayName = s.slice(1, q);
        lt = next;
      }
    }
    if (lt >= 0) {
      // display name already read
    } else if (c0 === 60) {
      lt = 0;
    } else if (c0 === 34) {
      const endQ = indexOutsideQuotes(s, 60, 0); // first '<' after the quoted string
      if (endQ < 0) throw bad(header, endQ === -2 ? 'unbalanced quote' : 'quoted display name without <URI>');
      const dn = trimLws(s.slice(0, endQ));
      if (!isQuotedString(dn)) throw bad(header, 'bad display name');
      displayName = unquote(dn);
      lt = endQ;
    } else {
      lt = s.indexOf('<');
      if (lt >= 0) {
        if (s.indexOf('"') >= 0 && s.indexOf('"') < lt) throw bad(header, 'unbalanced quote');
        const dn = trimLws(s.slice(0, lt));
        if (dn.length > 0) displayName = dn;
      }
    }
    if (lt >= 0) {
      const gt = s.indexOf('>', lt);
      if (gt < 0) throw bad(header, 'missing ">"');
      uriText = trimLws(s.slice(lt + 1, gt));
      restAt = gt + 1;
    } else {
      if (s.indexOf('"') >= 0 || s.indexOf('>') >= 0) throw bad(header, 'unbalanced quote or bracket');
      let end = s.indexOf(';');
      if (end < 0) end = s.length;
      uriText = trimLws(s.slice(0, end));
      restAt = end;
      for (let i = 0; i < uriText.length; i++) {
        if (isWsp(uriText.charCodeAt(i))) throw bad(header, 'whitespace in addr-spec');
      }
    }
    let uri: SipUri;
    try {
      uri = SipUri.parse(uriText);
    } catch (err) {
      if (err instanceof SipParseError) {
        throw new SipParseError(err.reason, `Invalid ${header}: ${err.message}`, {
          header,
          status: 400,
          responseReason: `Bad Request - Invalid ${header}`,
        });
      }
      throw err;
    }
    const params = parseParams(s, header, restAt);
    return new NameAddr(uri, displayName, params);
  }

  /** The `tag` parameter (RFC 3261 §19.3), if present. */
  get tag(): string | undefined {
    return this.params.get('tag') ?? undefined;
  }

  /** Contact `expires` parameter in seconds (RFC 3261 §20.10), if present and numeric. */
  get expires(): number | undefined {
    const v = this.params.get('expires');
    if (v == null || !/^\d{1,10}$/.test(v)) return undefined;
    return Number(v);
  }

  /** Contact `q` parameter (0-1), if present and valid. */
  get q(): number | undefined {
    const v = this.params.get('q');
    if (v == null || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v)) return undefined;
    return Number(v);
  }

  /** Always false; distinguishes a NameAddr from the Contact `*`. */
  get star(): false {
    return false;
  }

  /** A copy with the tag set. */
  withTag(tag: string): NameAddr {
    return this.withParam('tag', tag);
  }

  /** A copy with a parameter set (null = without value) or removed (undefined). */
  withParam(name: string, value: string | null | undefined): NameAddr {
    const params = new Map(this.params);
    if (value === undefined) params.delete(name.toLowerCase());
    else params.set(name.toLowerCase(), value);
    return new NameAddr(this.uri, this.displayName, params);
  }

  /** A copy with another URI. */
  withUri(uri: SipUri): NameAddr {
    return new NameAddr(uri, this.displayName, this.params);
  }

  /** Serializes as name-addr (always with angle brackets, display name quoted). */
  toString(): string {
    let s = this.displayName !== undefined ? quote(this.displayName) + ' <' : '<';
    s += this.uri.toString() + '>';
    for (const [k, v] of this.params) s += v === null ? `;${k}` : `;${k}=${v}`;
    return s;
  }
}

/** The Contact value `*` (RFC 3261 §20.10, REGISTER removing all bindings). */
export interface ContactStar {
  /** Always true. */
  readonly star: true;
}

/** One Contact header value: `*` or a name-addr. */
export type ContactValue = ContactStar | NameAddr;

/** Parses one Contact element (`*` or name-addr). */
export function parseContact(text: string): ContactValue {
  if (trimLws(text) === '*') return { star: true };
  return NameAddr.parse(text, 'Contact');
}
