/**
 * Parsers for Content-Type (RFC 3261 §20.15), Reason (RFC 3326), Warning (§20.43), Replaces
 * (RFC 3891) and Date (§20.17).
 */
import { badHeader } from '../errors.js';
import { isQuotedString, isToken, isWsp, parseParams, splitList, trimLws, unquote } from '../chars.js';
import { EMPTY_PARAM_MAP, ParamMap } from '../param-map.js';

/** A media type with parameters, e.g. `application/sdp` or `multipart/mixed;boundary=x`. */
export interface MediaType {
  /** Type, lower-cased (`application`). */
  readonly type: string;
  /** Subtype, lower-cased (`sdp`). */
  readonly subtype: string;
  /** `type/subtype`, lower-cased. */
  readonly mime: string;
  /** Parameters (names lower-cased, quoted values unquoted). */
  readonly params: ReadonlyMap<string, string | null>;
}

/** Parses a media-type (Content-Type, or one element of Accept). */
export function parseMediaType(value: string, header = 'Content-Type'): MediaType {
  const s = trimLws(value);
  const semi = s.indexOf(';');
  const mt = semi < 0 ? s : s.slice(0, semi);
  const slash = mt.indexOf('/');
  const type = trimLws(mt.slice(0, slash < 0 ? 0 : slash)).toLowerCase();
  const subtype = trimLws(mt.slice(slash + 1)).toLowerCase();
  if (slash < 0 || !isToken(type) || !isToken(subtype)) throw badHeader(header, `bad media type "${mt.slice(0, 40)}"`);
  const raw = semi < 0 ? EMPTY_PARAM_MAP : parseParams(s, header, semi);
  let params: ReadonlyMap<string, string | null> = raw;
  if (raw.size > 0) {
    const kv: unknown[] = [];
    for (const [k, v] of raw) kv.push(k, v === null ? null : unquote(v));
    params = new ParamMap<string | null>(kv);
  }
  return { type, subtype, mime: `${type}/${subtype}`, params };
}

/** One Reason value (RFC 3326): `SIP ;cause=200 ;text="Call completed elsewhere"`. */
export interface ReasonValue {
  /** Protocol, e.g. `SIP` or `Q.850`. */
  readonly protocol: string;
  /** The cause code, if present and numeric. */
  readonly cause: number | undefined;
  /** The text, unquoted, if present. */
  readonly text: string | undefined;
  /** All parameters. */
  readonly params: ReadonlyMap<string, string | null>;
}

/** Parses one Reason element. */
export function parseReason(value: string): ReasonValue {
  const s = trimLws(value);
  const semi = s.indexOf(';');
  const protocol = trimLws(semi < 0 ? s : s.slice(0, semi));
  if (!isToken(protocol)) throw badHeader('Reason', 'bad protocol');
  const params = parseParams(semi < 0 ? '' : s.slice(semi), 'Reason');
  const c = params.get('cause');
  const cause = c != null && /^\d{1,9}$/.test(c) ? Number(c) : undefined;
  const t = params.get('text');
  return { protocol, cause, text: t == null ? undefined : unquote(t), params };
}

/** One Warning value (§20.43): `307 isi.edu "Session parameter 'foo' not understood"`. */
export interface WarningValue {
  /** Three-digit warn-code. */
  readonly code: number;
  /** warn-agent (host[:port] or pseudonym). */
  readonly agent: string;
  /** warn-text, unquoted. */
  readonly text: string;
}

/** Parses one Warning element. */
export function parseWarning(value: string): WarningValue {
  const s = trimLws(value);
  const m = /^(\d{3})[ \t]+([^ \t"]+)[ \t]+(".*")$/s.exec(s);
  if (m === null || !isQuotedString(m[3]!)) throw badHeader('Warning', `"${s.slice(0, 40)}"`);
  return { code: Number(m[1]), agent: m[2]!, text: unquote(m[3]!) };
}

/** Replaces (RFC 3891 §6.1). */
export interface ReplacesValue {
  /** Call-ID of the dialog to replace. */
  readonly callId: string;
  /** to-tag parameter. */
  readonly toTag: string;
  /** from-tag parameter. */
  readonly fromTag: string;
  /** True when `early-only` is present. */
  readonly earlyOnly: boolean;
  /** All parameters. */
  readonly params: ReadonlyMap<string, string | null>;
}

/** Parses `Replaces: 98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff`. */
export function parseReplaces(value: string): ReplacesValue {
  const s = trimLws(value);
  const semi = s.indexOf(';');
  const callId = trimLws(semi < 0 ? s : s.slice(0, semi));
  if (callId.length === 0) throw badHeader('Replaces', 'empty call-id');
  const params = parseParams(semi < 0 ? '' : s.slice(semi), 'Replaces');
  const toTag = params.get('to-tag');
  const fromTag = params.get('from-tag');
  if (toTag == null || fromTag == null) throw badHeader('Replaces', 'to-tag and from-tag are required');
  return { callId, toTag, fromTag, earlyOnly: params.has('early-only'), params };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Parses a SIP-date (RFC 1123 form, always GMT, §20.17), e.g. `Sat, 13 Nov 2010 23:29:00 GMT`.
 */
export function parseSipDate(value: string): Date {
  const m = /^[A-Za-z]{3},[ \t]+(\d{1,2})[ \t]+([A-Za-z]{3})[ \t]+(\d{4})[ \t]+(\d{2}):(\d{2}):(\d{2})[ \t]+GMT$/.exec(
    trimLws(value),
  );
  const month = m === null ? -1 : MONTHS.indexOf(m[2]!);
  if (m === null || month < 0) throw badHeader('Date', `"${value.slice(0, 40)}" is not an RFC 1123 GMT date`);
  const d = new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(d.getTime())) throw badHeader('Date', 'invalid date');
  return d;
}

/** Splits a comma list and parses each element (helper for list headers). */
export function parseEach<T>(values: readonly string[], parse: (v: string) => T): T[] {
  const out: T[] = [];
  for (const v of values) for (const e of splitList(v)) out.push(parse(e));
  return out;
}

/** True if a value is non-empty and contains no SP or HTAB (Call-ID `word["@"word]`, liberal on other characters). */
export function isWord(s: string): boolean {
  return s.length > 0 && s.indexOf(' ') < 0 && s.indexOf('\t') < 0;
}
