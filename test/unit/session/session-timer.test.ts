import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseMessage } from '../../../src/sip/index.js';
import type { SipRequest, SipResponse } from '../../../src/sip/index.js';
import { systemClock } from '../../../src/util/index.js';
import { ConfigError, resolveConfig } from '../../../src/session/index.js';
import { resolveSessionTimers } from '../../../src/session/session-timer-config.js';
import { SessionTimer } from '../../../src/session/session-timer.js';
import {
  expiryDelaySeconds, retryIntervalAfter422, uacTimerHeaders, uacTimerTerms, uasTimerDecision, withHeaders,
} from '../../../src/session/session-timer-rules.js';

const on = { enabled: true, expires: 1800, minSE: 90 } as const;

function invite(extra: string[]): SipRequest {
  return parseMessage([
    'INVITE sip:bob@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1', 'Max-Forwards: 70',
    'From: <sip:a@127.0.0.1>;tag=1', 'To: <sip:bob@127.0.0.1>', 'Call-ID: c1', 'CSeq: 1 INVITE', ...extra,
    'Content-Length: 0', '', '',
  ].join('\r\n')) as SipRequest;
}

function response(status: number, extra: string[]): SipResponse {
  return parseMessage([
    `SIP/2.0 ${status} X`, 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1',
    'From: <sip:a@127.0.0.1>;tag=1', 'To: <sip:bob@127.0.0.1>;tag=2', 'Call-ID: c1', 'CSeq: 1 INVITE', ...extra,
    'Content-Length: 0', '', '',
  ].join('\r\n')) as SipResponse;
}

describe('RFC 4028 negotiation rules', () => {
  it('asks for the configured interval and Min-SE as UAC, and nothing when disabled', () => {
    expect(uacTimerHeaders(on)).toEqual({ Supported: 'timer', 'Session-Expires': '1800', 'Min-SE': '90' });
    expect(uacTimerHeaders(on, 120, 120, 'uac')).toEqual({ Supported: 'timer', 'Session-Expires': '120;refresher=uac', 'Min-SE': '120' });
    expect(uacTimerHeaders({ ...on, enabled: false })).toEqual({});
  });

  it('answers 422 with our Min-SE when the requested interval is below it', () => {
    expect(uasTimerDecision(on, invite(['Supported: timer', 'Session-Expires: 30']))).toEqual({ reject: { 'Min-SE': '90' } });
  });

  it('keeps a shorter interval the UAC asked for and lets it refresh when it supports timers', () => {
    const d = uasTimerDecision(on, invite(['Supported: timer', 'Session-Expires: 600', 'Min-SE: 90']));
    expect(d).toEqual({ headers: { 'Session-Expires': '600;refresher=uac', Require: 'timer' }, terms: { interval: 600, weRefresh: false } });
  });

  it('lowers a longer interval to ours but never below the UAC Min-SE', () => {
    const d = uasTimerDecision(on, invite(['Supported: timer', 'Session-Expires: 7200', 'Min-SE: 3600']));
    expect(d.reject).toBeUndefined();
    expect(d).toMatchObject({ terms: { interval: 3600 } });
  });

  it('honours the refresher the UAC chose', () => {
    const d = uasTimerDecision(on, invite(['Supported: timer', 'Session-Expires: 900;refresher=uas']));
    expect(d).toMatchObject({ headers: { 'Session-Expires': '900;refresher=uas' }, terms: { interval: 900, weRefresh: true } });
  });

  it('refreshes itself for a UAC that knows nothing of session timers, without Require', () => {
    const d = uasTimerDecision(on, invite([]));
    expect(d).toEqual({ headers: { 'Session-Expires': '1800;refresher=uas' }, terms: { interval: 1800, weRefresh: true } });
  });

  it('reads the terms of a 2xx as UAC: refresher uac or absent means us', () => {
    expect(uacTimerTerms(on, response(200, ['Session-Expires: 300;refresher=uac']))).toEqual({ interval: 300, weRefresh: true });
    expect(uacTimerTerms(on, response(200, ['Session-Expires: 300;refresher=uas']))).toEqual({ interval: 300, weRefresh: false });
    expect(uacTimerTerms(on, response(200, []))).toBeUndefined();
  });

  it('retries after 422 only with a larger Min-SE', () => {
    expect(retryIntervalAfter422(response(422, ['Min-SE: 120']), 60)).toBe(120);
    expect(retryIntervalAfter422(response(422, ['Min-SE: 60']), 60)).toBeUndefined();
    expect(retryIntervalAfter422(response(422, []), 60)).toBeUndefined();
  });

  it('expires a session min(32 s, a third) before its interval ends', () => {
    expect(expiryDelaySeconds(1800)).toBe(1768);
    expect(expiryDelaySeconds(90)).toBe(60);
  });

  it('appends headers to either form of extra headers', () => {
    expect(withHeaders(undefined, {})).toBeUndefined();
    expect(withHeaders({ 'X-A': ['1', '2'] }, { 'Min-SE': '90' })).toEqual([
      { name: 'X-A', value: '1' }, { name: 'X-A', value: '2' }, { name: 'Min-SE', value: '90' },
    ]);
  });
});

describe('sessionTimers configuration', () => {
  it('defaults to enabled, 1800 s, Min-SE 90', () => {
    expect(resolveConfig({}).sessionTimers).toEqual({ enabled: true, expires: 1800, minSE: 90 });
  });

  it('rejects an interval below Min-SE, unknown keys and wrong types', () => {
    expect(() => resolveSessionTimers({ expires: 60, minSE: 90 })).toThrow(ConfigError);
    expect(() => resolveConfig({ sessionTimers: { expire: 60 } as never })).toThrow(/sessionTimers/);
    expect(() => resolveSessionTimers({ enabled: 'yes' })).toThrow(/sessionTimers.enabled/);
    expect(() => resolveSessionTimers({ minSE: 0 })).toThrow(/sessionTimers.minSE/);
  });

  it('raises the default interval to a larger configured Min-SE', () => {
    expect(resolveSessionTimers({ minSE: 3600 })).toEqual({ enabled: true, expires: 3600, minSE: 3600 });
  });
});

describe('SessionTimer on fake time', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('refreshes at half the interval as the refresher and expires at the full interval without success', () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const timer = new SessionTimer(systemClock, { refresh: () => log.push('refresh'), expire: () => log.push('expire') }, 't');
    timer.start({ interval: 100, weRefresh: true });
    vi.advanceTimersByTime(49_999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['refresh']);
    vi.advanceTimersByTime(50_000);
    expect(log).toEqual(['refresh', 'expire']);
  });

  it('expires the session when the far end does not refresh in time, and a refresh re-arms it', () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const timer = new SessionTimer(systemClock, { refresh: () => log.push('refresh'), expire: () => log.push('expire') }, 't');
    timer.start({ interval: 90, weRefresh: false });
    vi.advanceTimersByTime(59_000);
    timer.refreshed({ interval: 90, weRefresh: false });
    expect(timer.refreshes).toBe(1);
    vi.advanceTimersByTime(59_999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['expire']);
  });

  it('does nothing after stop', () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const timer = new SessionTimer(systemClock, { refresh: () => log.push('refresh'), expire: () => log.push('expire') }, 't');
    timer.start({ interval: 10, weRefresh: true });
    timer.stop();
    vi.advanceTimersByTime(60_000);
    expect(log).toEqual([]);
    expect(timer.terms).toEqual({ interval: 10, weRefresh: true });
  });
});
