/**
 * Parsers for the simple structured headers: CSeq, Max-Forwards, Content-Length, Expires and other
 * delta-seconds, option-tag lists, RSeq/RAck (RFC 3262), Session-Expires/Min-SE (RFC 4028),
 * Retry-After, Event and Subscription-State (RFC 6665).
 */
import { badHeader } from '../errors.js';
import { isToken, isWsp, parseParams, splitList, trimLws } from '../chars.js';

/** CSeq (RFC 3261 §20.16). */
export interface CSeq {
  /** Sequence number, 0 to 2^32-1. */
  readonly seq: number;
  /** Method, case-sensitive. */
  readonly method: string;
}

const MAX_U32 = 4294967295;

/** Parses an unsigned decimal of at most `max`; undefined if not digits or too large. */
export function parseUint(s: string, max = MAX_U32): number | undefined {
  const n = s.length;
  if (n === 0 || n > 10) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v <= max ? v : undefined;
}

/** Parses `CSeq: 4711 INVITE` (LWS between, §25.1). */
export function parseCSeq(value: string): CSeq {
  const s = trimLws(value);
  let i = 0;
  while (i < s.length && !isWsp(s.charCodeAt(i))) i++;
  const seq = parseUint(s.slice(0, i));
  if (seq === undefined) throw badHeader('CSeq', `bad sequence number in "${s.slice(0, 40)}"`);
  const method = trimLws(s.slice(i));
  if (!isToken(method)) throw badHeader('CSeq', 'bad method');
  return { seq, method };
}

/** Parses Max-Forwards (0-255, §20.22). */
export function parseMaxForwards(value: string): number {
  const v = parseUint(trimLws(value), 255);
  if (v === undefined) throw badHeader('Max-Forwards', `"${value.slice(0, 20)}" is not 0-255`);
  return v;
}

/** Parses Content-Length (§20.14). */
export function parseContentLength(value: string): number {
  const v = parseUint(trimLws(value));
  if (v === undefined) throw badHeader('Content-Length', `"${value.slice(0, 20)}" is not a length`);
  return v;
}

/** Parses delta-seconds (Expires §20.19, Min-Expires, Min-SE): 0 to 2^32-1. */
export function parseDeltaSeconds(value: string, header: string): number {
  const v = parseUint(trimLws(value));
  if (v === undefined) throw badHeader(header, `"${value.slice(0, 20)}" is not delta-seconds`);
  return v;
}

/** Parses a comma-separated token list (Allow, Supported, Require, Unsupported, Proxy-Require...). */
export function parseTokenList(values: readonly string[], header: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const t of splitList(v)) {
      if (!isToken(t)) throw badHeader(header, `"${t.slice(0, 20)}" is not a token`);
      out.push(t);
    }
  }
  return out;
}

/** RAck (RFC 3262 §7.2). */
export interface RAck {
  /** RSeq of the provisional response being acknowledged. */
  readonly rseq: number;
  /** CSeq number of the request. */
  readonly cseq: number;
  /** CSeq method. */
  readonly method: string;
}

/** Parses RAck: `776656 1 INVITE`. */
export function parseRAck(value: string): RAck {
  const parts = trimLws(value).split(/[ \t]+/);
  const rseq = parseUint(parts[0] ?? '');
  const cseq = parseUint(parts[1] ?? '');
  const method = parts[2] ?? '';
  if (parts.length !== 3 || rseq === undefined || cseq === undefined || !isToken(method)) {
    throw badHeader('RAck', `"${value.slice(0, 40)}"`);
  }
  return { rseq, cseq, method };
}

/** Session-Expires (RFC 4028 §4). */
export interface SessionExpires {
  /** Session interval in seconds. */
  readonly delta: number;
  /** Who refreshes: `uac` or `uas`, when stated. */
  readonly refresher: 'uac' | 'uas' | undefined;
  /** All parameters. */
  readonly params: ReadonlyMap<string, string | null>;
}

function splitValueParams(value: string): [string, string] {
  const s = trimLws(value);
  const semi = s.indexOf(';');
  return semi < 0 ? [s, ''] : [trimLws(s.slice(0, semi)), s.slice(semi)];
}

/** Parses `Session-Expires: 1800;refresher=uac`. */
export function parseSessionExpires(value: string): SessionExpires {
  const [d, p] = splitValueParams(value);
  const delta = parseUint(d);
  if (delta === undefined) throw badHeader('Session-Expires', 'bad delta-seconds');
  const params = parseParams(p, 'Session-Expires');
  const r = params.get('refresher')?.toLowerCase();
  return { delta, refresher: r === 'uac' || r === 'uas' ? r : undefined, params };
}

/** Retry-After (RFC 3261 §20.33). */
export interface RetryAfter {
  /** Seconds to wait. */
  readonly delta: number;
  /** Free-text comment in parentheses, if any. */
  readonly comment: string | undefined;
  /** The `duration` parameter, if any. */
  readonly duration: number | undefined;
  /** All parameters. */
  readonly params: ReadonlyMap<string, string | null>;
}

/** Parses `Retry-After: 18000;duration=3600` or `Retry-After: 120 (I'm in a meeting)`. */
export function parseRetryAfter(value: string): RetryAfter {
  let s = trimLws(value);
  let comment: string | undefined;
  const open = s.indexOf('(');
  if (open >= 0) {
    const close = s.lastIndexOf(')');
    if (close < open) throw badHeader('Retry-After', 'unbalanced comment');
    comment = s.slice(open + 1, close);
    s = s.slice(0, open) + s.slice(close + 1);
  }
  const [d, p] = splitValueParams(s);
  const delta = parseUint(d);
  if (delta === undefined) throw badHeader('Retry-After', 'bad delta-seconds');
  const params = parseParams(p, 'Retry-After');
  const dur = params.get('duration');
  const duration = dur == null ? undefined : parseUint(dur);
  return { delta, comment, duration, params };
}

/** A token with parameters: Event (RFC 6665 §8.2.1) or Subscription-State (§8.2.3). */
export interface TokenWithParams {
  /** The token (event package or subscription state), lower-cased. */
  readonly value: string;
  /** Parameters (`id`, `expires`, `reason`, `retry-after`...). */
  readonly params: ReadonlyMap<string, string | null>;
}

/** Parses `Event: presence;id=1` or `Subscription-State: active;expires=600`. */
export function parseTokenWithParams(value: string, header: string): TokenWithParams {
  const [v, p] = splitValueParams(value);
  if (!isToken(v)) throw badHeader(header, `"${v.slice(0, 20)}" is not a token`);
  return { value: v.toLowerCase(), params: parseParams(p, header) };
}
