/**
 * The SIP message model (RFC 3261 §7, §20): lazily parsed and cached typed accessors on top of
 * the raw header storage of {@link SipMessageBase}.
 * {@link SipRequest} and {@link SipResponse} extend {@link SipMessage}.
 */
import { SipParseError, type RawHeader } from './errors.js';
import { SipMessageBase } from './message-base.js';
import { Via, parseVia } from './via.js';
import { NameAddr, parseContact, type ContactValue } from './name-addr.js';
import {
  parseCSeq,
  parseContentLength,
  parseDeltaSeconds,
  parseMaxForwards,
  parseRAck,
  parseRetryAfter,
  parseSessionExpires,
  parseTokenList,
  parseTokenWithParams,
  parseUint,
  type CSeq,
  type RAck,
  type RetryAfter,
  type SessionExpires,
  type TokenWithParams,
} from './headers/basic.js';
import { parseAuth, type AuthValue } from './headers/auth.js';
import {
  isWord,
  parseEach,
  parseMediaType,
  parseReason,
  parseReplaces,
  parseSipDate,
  parseWarning,
  type MediaType,
  type ReasonValue,
  type ReplacesValue,
  type WarningValue,
} from './headers/misc.js';
import { badHeader } from './errors.js';

/** Marks a cache slot not computed yet. */
const UNSET: unique symbol = Symbol('unset');
/** Number of lazily parsed header slots. */
const SLOTS = 32;

function parseRoute(x: string): NameAddr {
  return NameAddr.parse(x, 'Route');
}

function parseRecordRoute(x: string): NameAddr {
  return NameAddr.parse(x, 'Record-Route');
}

function missing(header: string): SipParseError {
  return new SipParseError('missing-header', `Missing ${header} header`, {
    header,
    status: 400,
    responseReason: `Bad Request - Missing ${header}`,
  });
}

/**
 * A SIP request or response (RFC 3261 §7): immutable. Typed accessors parse their header on first
 * use and cache the result; a malformed header makes its accessor throw {@link SipParseError}
 * (status 400: what a UAS would answer if the message is a request).
 */
export abstract class SipMessage extends SipMessageBase {
  #cache: unknown[] | undefined;
  #via: readonly Via[] | undefined;
  #from: NameAddr | undefined;
  #to: NameAddr | undefined;
  #callId: string | undefined;
  #cseq: CSeq | undefined;
  #contact: readonly ContactValue[] | undefined;
  #maxForwards: number | undefined | typeof UNSET = UNSET;
  #contentType: MediaType | undefined | typeof UNSET = UNSET;
  #contentLength: number | undefined | typeof UNSET = UNSET;
  #route: readonly NameAddr[] | undefined;
  #recordRoute: readonly NameAddr[] | undefined;
  #authorization: readonly AuthValue[] | undefined;
  #wwwAuthenticate: readonly AuthValue[] | undefined;

  /**
   * @param headers - header lines in order
   * @param body - message body
   * @param keys - lookup keys of `headers`, if already known
   */
  protected constructor(headers: readonly RawHeader[], body: Buffer, keys?: readonly string[]) {
    super(headers, body, keys);
  }

  #lazy<T>(slot: number, compute: () => T): T {
    const cache = (this.#cache ??= new Array<unknown>(SLOTS).fill(UNSET));
    const hit = cache[slot];
    if (hit !== UNSET) return hit as T;
    const v = compute();
    cache[slot] = v;
    return v;
  }

  #one<T>(slot: number, key: string, parse: (v: string) => T): T | undefined {
    const cache = (this.#cache ??= new Array<unknown>(SLOTS).fill(UNSET));
    const hit = cache[slot];
    if (hit !== UNSET) return hit as T | undefined;
    const raw = this.firstValue(key);
    const v = raw === undefined ? undefined : parse(raw);
    cache[slot] = v;
    return v;
  }

  /** Every Via value, top first (RFC 3261 §20.42). */
  get via(): readonly Via[] {
    if (this.#via !== undefined) return this.#via;
    const lines = this.lineValues('via');
    if (lines.length === 1) return (this.#via = parseVia(lines[0]!));
    const out: Via[] = [];
    for (const line of lines) for (const x of parseVia(line)) out.push(x);
    return (this.#via = out);
  }

  /** The top Via. @throws SipParseError `missing-header` when there is none */
  get topVia(): Via {
    const v = this.via[0];
    if (v === undefined) throw missing('Via');
    return v;
  }

  /** From (§20.20). @throws SipParseError when missing or malformed */
  get from(): NameAddr {
    if (this.#from !== undefined) return this.#from;
    const v = this.firstValue('from');
    if (v === undefined) throw missing('From');
    return (this.#from = NameAddr.parse(v, 'From'));
  }

  /** To (§20.39). @throws SipParseError when missing or malformed */
  get to(): NameAddr {
    if (this.#to !== undefined) return this.#to;
    const v = this.firstValue('to');
    if (v === undefined) throw missing('To');
    return (this.#to = NameAddr.parse(v, 'To'));
  }

  /** Call-ID (§20.8). @throws SipParseError when missing or malformed */
  get callId(): string {
    if (this.#callId !== undefined) return this.#callId;
    const v = this.firstValue('call-id');
    if (v === undefined) throw missing('Call-ID');
    if (!isWord(v)) throw badHeader('Call-ID', 'empty or contains whitespace');
    return (this.#callId = v);
  }

  /** CSeq (§20.16). @throws SipParseError when missing or malformed */
  get cseq(): CSeq {
    if (this.#cseq !== undefined) return this.#cseq;
    const v = this.firstValue('cseq');
    if (v === undefined) throw missing('CSeq');
    return (this.#cseq = parseCSeq(v));
  }

  /** Max-Forwards (§20.22), undefined when absent. */
  get maxForwards(): number | undefined {
    const hit = this.#maxForwards;
    if (hit !== UNSET) return hit;
    const raw = this.firstValue('max-forwards');
    return (this.#maxForwards = raw === undefined ? undefined : parseMaxForwards(raw));
  }

  /** Contact values (§20.10), `*` included. */
  get contact(): readonly ContactValue[] {
    return (this.#contact ??= parseEach(this.lineValues('contact'), parseContact));
  }

  /** Route values (§20.34), in order. */
  get route(): readonly NameAddr[] {
    return (this.#route ??= parseEach(this.lineValues('route'), parseRoute));
  }

  /** Record-Route values (§20.30), in order. */
  get recordRoute(): readonly NameAddr[] {
    return (this.#recordRoute ??= parseEach(this.lineValues('record-route'), parseRecordRoute));
  }

  /** Content-Type (§20.15), undefined when absent. */
  get contentType(): MediaType | undefined {
    const hit = this.#contentType;
    if (hit !== UNSET) return hit;
    const raw = this.firstValue('content-type');
    return (this.#contentType = raw === undefined ? undefined : parseMediaType(raw));
  }

  /** The Content-Length header value (§20.14), undefined when absent. */
  get contentLength(): number | undefined {
    const hit = this.#contentLength;
    if (hit !== UNSET) return hit;
    const raw = this.firstValue('content-length');
    return (this.#contentLength = raw === undefined ? undefined : parseContentLength(raw));
  }

  /** Content-Encoding codings (§20.12). */
  get contentEncoding(): readonly string[] {
    return this.#lazy(18, () => parseTokenList(this.lineValues('content-encoding'), 'Content-Encoding'));
  }

  /** Expires (§20.19) in seconds, undefined when absent. */
  get expires(): number | undefined {
    return this.#one(3, 'expires', (x) => parseDeltaSeconds(x, 'Expires'));
  }

  /** Min-Expires (§20.23), undefined when absent. */
  get minExpires(): number | undefined {
    return this.#one(4, 'min-expires', (x) => parseDeltaSeconds(x, 'Min-Expires'));
  }

  #tokens(slot: number, key: string, header: string): readonly string[] {
    return this.#lazy(slot, () => parseTokenList(this.lineValues(key), header));
  }

  /** Allow methods (§20.5). */
  get allow(): readonly string[] {
    return this.#tokens(22, 'allow', 'Allow');
  }

  /** Supported option-tags (§20.37). */
  get supported(): readonly string[] {
    return this.#tokens(23, 'supported', 'Supported');
  }

  /** Require option-tags (§20.32). */
  get require(): readonly string[] {
    return this.#tokens(24, 'require', 'Require');
  }

  /** Proxy-Require option-tags (§20.29). */
  get proxyRequire(): readonly string[] {
    return this.#tokens(25, 'proxy-require', 'Proxy-Require');
  }

  /** Unsupported option-tags (§20.40). */
  get unsupported(): readonly string[] {
    return this.#tokens(26, 'unsupported', 'Unsupported');
  }

  /** Allow-Events packages (RFC 6665). */
  get allowEvents(): readonly string[] {
    return this.#tokens(27, 'allow-events', 'Allow-Events');
  }

  /** Accept media ranges (§20.1). */
  get accept(): readonly MediaType[] {
    return this.#lazy(19, () => parseEach(this.lineValues('accept'), (x) => parseMediaType(x, 'Accept')));
  }

  #authValues(key: string, header: string): readonly AuthValue[] {
    const lines = this.lineValues(key);
    const out: AuthValue[] = [];
    for (let i = 0; i < lines.length; i++) out.push(parseAuth(lines[i]!, header));
    return out;
  }

  #auth(slot: number, key: string, header: string): readonly AuthValue[] {
    return this.#lazy(slot, () => this.lineValues(key).map((v) => parseAuth(v, header)));
  }

  /** Authorization credentials (§20.7), one per header line. */
  get authorization(): readonly AuthValue[] {
    return (this.#authorization ??= this.#authValues('authorization', 'Authorization'));
  }

  /** Proxy-Authorization credentials (§20.28). */
  get proxyAuthorization(): readonly AuthValue[] {
    return this.#auth(29, 'proxy-authorization', 'Proxy-Authorization');
  }

  /** WWW-Authenticate challenges (§20.44). */
  get wwwAuthenticate(): readonly AuthValue[] {
    return (this.#wwwAuthenticate ??= this.#authValues('www-authenticate', 'WWW-Authenticate'));
  }

  /** Proxy-Authenticate challenges (§20.27). */
  get proxyAuthenticate(): readonly AuthValue[] {
    return this.#auth(31, 'proxy-authenticate', 'Proxy-Authenticate');
  }

  /** Event (RFC 6665 §8.2.1), undefined when absent. */
  get event(): TokenWithParams | undefined {
    return this.#one(5, 'event', (x) => parseTokenWithParams(x, 'Event'));
  }

  /** Subscription-State (RFC 6665 §8.2.3), undefined when absent. */
  get subscriptionState(): TokenWithParams | undefined {
    return this.#one(6, 'subscription-state', (x) => parseTokenWithParams(x, 'Subscription-State'));
  }

  /** Refer-To (RFC 3515), undefined when absent. */
  get referTo(): NameAddr | undefined {
    return this.#one(7, 'refer-to', (x) => NameAddr.parse(x, 'Refer-To'));
  }

  /** Referred-By (RFC 3892), undefined when absent. */
  get referredBy(): NameAddr | undefined {
    return this.#one(8, 'referred-by', (x) => NameAddr.parse(x, 'Referred-By'));
  }

  /** Replaces (RFC 3891), undefined when absent. */
  get replaces(): ReplacesValue | undefined {
    return this.#one(9, 'replaces', parseReplaces);
  }

  /** Session-Expires (RFC 4028), undefined when absent. */
  get sessionExpires(): SessionExpires | undefined {
    return this.#one(10, 'session-expires', parseSessionExpires);
  }

  /** Min-SE (RFC 4028) in seconds, undefined when absent. */
  get minSE(): number | undefined {
    return this.#one(11, 'min-se', (x) => parseDeltaSeconds(x.split(';')[0]!, 'Min-SE'));
  }

  /** RSeq (RFC 3262), undefined when absent. */
  get rseq(): number | undefined {
    return this.#one(12, 'rseq', (x) => {
      const v = parseUint(x.trim());
      if (v === undefined || v === 0) throw badHeader('RSeq', 'not 1 to 2^32-1');
      return v;
    });
  }

  /** RAck (RFC 3262), undefined when absent. */
  get rack(): RAck | undefined {
    return this.#one(13, 'rack', parseRAck);
  }

  /** Reason values (RFC 3326). */
  get reasons(): readonly ReasonValue[] {
    return this.#lazy(20, () => parseEach(this.lineValues('reason'), parseReason));
  }

  /** Retry-After (§20.33), undefined when absent. */
  get retryAfter(): RetryAfter | undefined {
    return this.#one(14, 'retry-after', parseRetryAfter);
  }

  /** Date (§20.17), undefined when absent. @throws SipParseError for a non-GMT or malformed date */
  get date(): Date | undefined {
    return this.#one(15, 'date', parseSipDate);
  }

  /** Warning values (§20.43). */
  get warnings(): readonly WarningValue[] {
    return this.#lazy(21, () => parseEach(this.lineValues('warning'), parseWarning));
  }

  /** User-Agent (§20.41), raw. */
  get userAgent(): string | undefined {
    return this.get('user-agent');
  }

  /** Server (§20.35), raw. */
  get server(): string | undefined {
    return this.get('server');
  }

  /** Subject (§20.36), raw. */
  get subject(): string | undefined {
    return this.get('subject');
  }

  /** Timestamp (§20.38), raw. */
  get timestamp(): string | undefined {
    return this.get('timestamp');
  }

}
