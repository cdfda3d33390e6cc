/**
 * RFC 4028 negotiation rules, as pure functions over SIP messages: what a UAC puts in its
 * INVITE or refresh, what a UAS answers (or 422), and what a 2xx or a 422 tells the UAC.
 *
 * @module
 */
import { supportsOption } from '../dialog/index.js';
import type { ExtraHeaders, HeaderLine } from '../dialog/index.js';
import type { SipRequest, SipResponse } from '../sip/index.js';
import type { ResolvedSessionTimers } from './session-timer-config.js';

/** The session timer agreed for a dialog: its interval and whether we are the refresher. */
export interface SessionTimerTerms {
  /** Session interval, seconds. */
  readonly interval: number;
  /** True when we send the refreshes; false when the far end does. */
  readonly weRefresh: boolean;
}

/** What a UAS does with a request that may ask for a session timer (RFC 4028 §9). */
export type UasTimerDecision =
  | {
      /** Answer 422 Session Interval Too Small with this Min-SE header (§9). */
      readonly reject: { readonly 'Min-SE': string };
    }
  | {
      readonly reject?: undefined;
      /** Headers of the 2xx: Session-Expires with the refresher, Require: timer when the UAC supports it. */
      readonly headers: Readonly<Record<string, string>>;
      /** The timer to run, or `undefined` when none applies. */
      readonly terms: SessionTimerTerms | undefined;
    };

/** Seconds of a `Min-SE` header value, or `undefined`. */
function minSeOf(message: SipRequest | SipResponse): number | undefined {
  try {
    return message.minSE;
  } catch {
    return undefined;
  }
}

function sessionExpiresOf(message: SipRequest | SipResponse): { delta: number; refresher: 'uac' | 'uas' | undefined } | undefined {
  try {
    return message.sessionExpires;
  } catch {
    return undefined;
  }
}

/**
 * Headers of an INVITE or refresh we send as UAC (RFC 4028 §7.1, §7.4): `Supported: timer`,
 * `Session-Expires` (with `refresher=uac` when we refresh an existing timer), `Min-SE`. Empty when
 * timers are disabled.
 *
 * @param interval - the interval to ask for; default `config.expires`
 * @param minSE - the Min-SE to state; default `config.minSE` (after a 422, the peer's)
 * @param refresher - `uac` for a refresh we send as the refresher
 */
export function uacTimerHeaders(
  config: ResolvedSessionTimers, interval = config.expires, minSE = config.minSE, refresher?: 'uac',
): Record<string, string> {
  if (!config.enabled) return {};
  return {
    Supported: 'timer',
    'Session-Expires': refresher === undefined ? String(interval) : `${interval};refresher=${refresher}`,
    'Min-SE': String(minSE),
  };
}

/**
 * The UAS side (RFC 4028 §9): a Session-Expires below our Min-SE gets 422 with our Min-SE;
 * otherwise the 2xx states the interval (the request's, lowered to our `expires` but never below
 * either Min-SE) and the refresher (the request's choice, else the UAC when it supports timers,
 * else us), with `Require: timer` when the UAC supports it. A request without Session-Expires from a
 * UAC that does not support timers still gets one with us as the refresher.
 */
export function uasTimerDecision(config: ResolvedSessionTimers, request: SipRequest): UasTimerDecision {
  if (!config.enabled) return { headers: {}, terms: undefined };
  const se = sessionExpiresOf(request);
  const peerMin = minSeOf(request) ?? 0;
  if (se !== undefined && se.delta < config.minSE) return { reject: { 'Min-SE': String(config.minSE) } };
  const uacSupports = supportsOption(request, 'timer');
  const floor = Math.max(peerMin, config.minSE);
  const interval = se === undefined ? Math.max(config.expires, floor) : Math.min(se.delta, Math.max(config.expires, floor));
  const refresher = se?.refresher ?? (uacSupports ? 'uac' : 'uas');
  const headers: Record<string, string> = { 'Session-Expires': `${interval};refresher=${refresher}` };
  if (uacSupports) headers.Require = 'timer';
  return { headers, terms: { interval, weRefresh: refresher === 'uas' } };
}

/**
 * The UAC side after a 2xx (RFC 4028 §7.2): the response's Session-Expires sets the interval and
 * names the refresher (absent: us). No Session-Expires: no timer.
 */
export function uacTimerTerms(config: ResolvedSessionTimers, response: SipResponse): SessionTimerTerms | undefined {
  if (!config.enabled) return undefined;
  const se = sessionExpiresOf(response);
  if (se === undefined || se.delta <= 0) return undefined;
  return { interval: se.delta, weRefresh: se.refresher !== 'uas' };
}

/**
 * After a 422 (RFC 4028 §7.4): the interval to retry with, the larger Min-SE of the response, or
 * `undefined` when it would not help (no Min-SE, or not larger than what we asked).
 */
export function retryIntervalAfter422(response: SipResponse, asked: number): number | undefined {
  const min = minSeOf(response);
  if (min === undefined || min <= asked) return undefined;
  return min;
}

/**
 * When the session expires without a refresh, seconds after the last one (RFC 4028 §10): the
 * interval minus the smaller of 32 seconds and a third of it.
 */
export function expiryDelaySeconds(interval: number): number {
  return interval - Math.min(32, interval / 3);
}

/**
 * `extra` appended to `headers` (either form of `ExtraHeaders`), as header lines; `headers`
 * unchanged when `extra` is empty.
 */
export function withHeaders(headers: ExtraHeaders | undefined, extra: Readonly<Record<string, string>>): ExtraHeaders | undefined {
  const added = Object.entries(extra).map(([name, value]) => ({ name, value }));
  if (added.length === 0) return headers;
  const lines: HeaderLine[] = headers === undefined ? [] : Array.isArray(headers)
    ? [...(headers as readonly HeaderLine[])]
    : Object.entries(headers as Readonly<Record<string, string | readonly string[]>>).flatMap(([name, v]) =>
      (typeof v === 'string' ? [v] : [...v]).map((value) => ({ name, value })));
  return [...lines, ...added];
}
