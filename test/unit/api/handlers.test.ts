import { describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src/api/session-manager.js';
import {
  capacityLimitHandler, composeHandlers, loggingHandler, metricsHandler,
} from '../../../src/index.js';
import type { CallHandler, CallLogFields, QualityEvent } from '../../../src/index.js';
import { SessionState } from '../../../src/session/index.js';
import { InvalidArgumentError } from '../../../src/util/index.js';
import { FakeEngine } from './fake-engine.js';
import type { FakeCall } from './fake-engine.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

function setup(): { engine: FakeEngine; manager: SessionManager } {
  const engine = new FakeEngine();
  return { engine, manager: new SessionManager(engine) };
}

function qualityEvent(type: 'alert' | 'recovered'): QualityEvent {
  return {
    type, metrics: ['loss'],
    sample: { at: Date.now(), intervalMs: 1000, mos: 2.9, loss: 0.2, jitterMs: 3, rttMs: undefined, packetsReceived: 40, breached: type === 'alert' ? ['loss'] : [] },
  };
}

function emitQuality(call: FakeCall, event: QualityEvent): void {
  for (const l of call.listeners) l.quality?.(event);
}

describe('composeHandlers', () => {
  it('lets the first handler that decides win and never asks the handlers after it', async () => {
    const { engine, manager } = setup();
    const asked: string[] = [];
    manager.setCallHandler(composeHandlers(
      { onIncomingCall: () => { asked.push('first'); } },
      { onIncomingCall: (call) => { asked.push('second'); return call.reject(603); } },
      { onIncomingCall: (call) => { asked.push('third'); return call.answer(); } },
    ));
    const inc = engine.invite();
    await tick();
    expect(asked).toEqual(['first', 'second']);
    expect(inc.responses.map((r) => r.status)).toEqual([603]);
  });

  it('sends no 180 when synchronous handlers pass the call on and a later one decides at once', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler(composeHandlers(capacityLimitHandler({ maxConcurrent: 3 }), { onIncomingCall: () => undefined }, { onIncomingCall: (call) => call.answer() }));
    const inc = engine.invite();
    await tick(5);
    expect(inc.responses.map((r) => r.status)).toEqual([200]);
  });

  it('passes a call on when a handler returns without deciding, even after awaiting', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler(composeHandlers(
      { onIncomingCall: async () => { await tick(5); } },
      { onIncomingCall: async (call) => { await tick(1); await call.answer(); } },
    ));
    const inc = engine.invite();
    await tick(30);
    expect(inc.responses.map((r) => r.status)).toContain(200);
    expect(inc.call.state).toBe(SessionState.Connected);
  });

  it('keeps the caller ringing when no handler decides', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler(composeHandlers({ onIncomingCall: () => undefined }, loggingHandler({ logger: { info: () => undefined } })));
    const inc = engine.invite();
    await tick(5);
    expect(inc.responses.map((r) => r.status)).toEqual([180]);
    expect(inc.call.state).toBe(SessionState.Ringing);
  });

  it('answers like a manager without handler when only observers and pass-through handlers are composed', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler(composeHandlers(metricsHandler(), capacityLimitHandler({ maxConcurrent: 5 })));
    const inc = engine.invite();
    await tick(5);
    expect(inc.responses.map((r) => r.status)).toEqual([200]);
  });

  it('gives every event to every handler in order, whatever the deciding handler did', async () => {
    const { engine, manager } = setup();
    const seen: string[] = [];
    const observer = (name: string): CallHandler => ({
      onCallStarted: () => { seen.push(`${name}:started`); },
      onStateChanged: (_s, c) => { seen.push(`${name}:${c.to}`); },
      onCallEnded: (_s, reason) => { seen.push(`${name}:ended:${reason}`); },
    });
    manager.setCallHandler(composeHandlers(
      observer('a'),
      { onIncomingCall: (call) => call.reject(486) },
      observer('b'),
    ));
    engine.invite();
    await tick(5);
    expect(seen).toEqual(['a:started', 'b:started', 'a:terminated', 'b:terminated', 'a:ended:rejected', 'b:ended:rejected']);
  });

  it('still gives an event to the later handlers when one throws, and reports the error once', async () => {
    const { engine, manager } = setup();
    const errors: unknown[] = [];
    const seen: string[] = [];
    manager.setCallHandler(composeHandlers(
      { onCallStarted: () => { throw new Error('boom'); } },
      { onCallStarted: () => { seen.push('second'); }, onError: (err) => { errors.push(err); } },
    ));
    engine.invite();
    await tick(5);
    expect(seen).toEqual(['second']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });

  it('delivers quality alerts and recoveries to onQualityAlert and onQualityRecovered of every handler', async () => {
    const { engine, manager } = setup();
    const seen: string[] = [];
    manager.setCallHandler(composeHandlers(
      { onQualityAlert: (_s, e) => { seen.push(`a:${e.type}:${e.metrics.join()}`); } },
      { onQualityAlert: (_s, e) => { seen.push(`b:${e.type}`); }, onQualityRecovered: (_s, e) => { seen.push(`b:${e.type}`); } },
    ));
    const inc = engine.invite();
    await tick();
    emitQuality(inc.call, qualityEvent('alert'));
    emitQuality(inc.call, qualityEvent('recovered'));
    await tick();
    expect(seen).toEqual(['a:alert:loss', 'b:alert', 'b:recovered']);
  });

  it('rejects arguments that are not handler objects', () => {
    expect(() => composeHandlers({}, null as unknown as CallHandler)).toThrow(TypeError);
  });
});

describe('capacityLimitHandler', () => {
  it('refuses the call past maxConcurrent with 503 and Retry-After, and admits again once a call ends', async () => {
    const { engine, manager } = setup();
    const limit = capacityLimitHandler({ maxConcurrent: 2, status: 503, retryAfter: 30 });
    manager.setCallHandler(composeHandlers(limit, { onIncomingCall: (call) => call.answer() }));
    const first = engine.invite();
    const second = engine.invite();
    await tick(5);
    const third = engine.invite();
    await tick(5);
    expect(first.responses.map((r) => r.status)).toEqual([200]);
    expect(second.responses.map((r) => r.status)).toEqual([200]);
    expect(third.responses).toEqual([{ status: 503, reason: undefined, headers: { 'Retry-After': '30' } }]);
    expect(limit.active).toBe(2);
    expect(limit.refused).toBe(1);
    await first.call.end('remote-hangup');
    await tick(5);
    expect(limit.active).toBe(1);
    const fourth = engine.invite();
    await tick(5);
    expect(fourth.responses.map((r) => r.status)).toEqual([200]);
  });

  it('refuses with 486 by default and counts outgoing calls too', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler(capacityLimitHandler({ maxConcurrent: 1 }));
    await manager.makeCall('sip:bob@127.0.0.1');
    await tick(5);
    const inc = engine.invite();
    await tick(5);
    expect(inc.responses.map((r) => r.status)).toEqual([486]);
  });

  it('rejects impossible options', () => {
    expect(() => capacityLimitHandler({ maxConcurrent: -1 })).toThrow(InvalidArgumentError);
    expect(() => capacityLimitHandler({ maxConcurrent: 1, status: 480 as 486 })).toThrow(InvalidArgumentError);
    expect(() => capacityLimitHandler({ maxConcurrent: 1, status: 486, retryAfter: 5 })).toThrow(InvalidArgumentError);
  });
});

describe('metricsHandler', () => {
  it('counts calls by direction and outcome with talk time, in the snapshot and the Prometheus text', async () => {
    const { engine, manager } = setup();
    let now = Date.now();
    const metrics = metricsHandler({ now: () => now, buckets: [1, 10] });
    manager.setCallHandler(composeHandlers(metrics, {
      onIncomingCall: (call) => (call.caller.uri.includes('remote') && metrics.snapshot().started.incoming > 1 ? call.reject(486) : call.answer()),
    }));
    const answered = engine.invite();
    await tick(5);
    const busy = engine.invite();
    await tick(5);
    expect(busy.call.state).toBe(SessionState.Terminated);
    now += 5000;
    await answered.call.end('remote-hangup');
    await tick(5);
    await manager.makeCall('sip:bob@127.0.0.1');
    await tick(5);
    const s = metrics.snapshot();
    expect(s.started).toEqual({ incoming: 2, outgoing: 1 });
    expect(s.active).toBe(1);
    expect(s.answered).toBe(1);
    expect(s.ended['rejected']?.count).toBe(1);
    expect(s.ended['rejected']?.answered).toBe(0);
    const hangup = s.ended['remote-hangup'];
    expect(hangup?.count).toBe(1);
    expect(hangup?.durationSecondsSum).toBeGreaterThan(4.9);
    expect(hangup?.durationSecondsSum).toBeLessThan(5.1);
    expect(hangup?.buckets).toEqual([{ le: 1, count: 0 }, { le: 10, count: 1 }]);
    const text = metrics.prometheus();
    expect(text).toContain('# TYPE sipline_calls_started_total counter');
    expect(text).toContain('sipline_calls_started_total{direction="incoming"} 2');
    expect(text).toContain('sipline_calls_active 1');
    expect(text).toContain('sipline_calls_ended_total{outcome="remote-hangup"} 1');
    expect(text).toContain('sipline_call_duration_seconds_bucket{outcome="remote-hangup",le="1"} 0');
    expect(text).toContain('sipline_call_duration_seconds_bucket{outcome="remote-hangup",le="10"} 1');
    expect(text).toContain('sipline_call_duration_seconds_bucket{outcome="remote-hangup",le="+Inf"} 1');
    expect(text).toContain('sipline_call_duration_seconds_count{outcome="rejected"} 1');
    expect(text.endsWith('\n')).toBe(true);
    // Every non-comment line is `name{labels} value` or `name value`.
    for (const line of text.trim().split('\n')) {
      if (!line.startsWith('#')) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [0-9.+Inf-]+$/);
    }
  });

  it('counts quality alerts and RTP timeouts', async () => {
    const { engine, manager } = setup();
    const metrics = metricsHandler();
    manager.setCallHandler(metrics);
    const inc = engine.invite();
    await tick(5);
    emitQuality(inc.call, qualityEvent('alert'));
    emitQuality(inc.call, qualityEvent('recovered'));
    for (const l of inc.call.listeners) l.mediaTimeout?.({ silentForMs: 3000, timeoutMs: 3000, action: 'event' });
    await tick(5);
    expect(metrics.snapshot().qualityAlerts).toBe(1);
    expect(metrics.snapshot().mediaTimeouts).toBe(1);
    expect(metrics.prometheus()).toContain('sipline_quality_alerts_total 1');
  });

  it('rejects buckets that are not ascending', () => {
    expect(() => metricsHandler({ buckets: [5, 1] })).toThrow(TypeError);
  });
});

describe('loggingHandler', () => {
  it('logs the lifecycle of a call to the application logger with the correlation id and fields', async () => {
    const { engine, manager } = setup();
    const lines: { level: string; message: string; fields: CallLogFields }[] = [];
    const logger = {
      info: (message: string, fields: CallLogFields) => { lines.push({ level: 'info', message, fields }); },
      warn: (message: string, fields: CallLogFields) => { lines.push({ level: 'warn', message, fields }); },
    };
    manager.setCallHandler(composeHandlers(loggingHandler({ logger }), { onIncomingCall: (call) => call.answer() }));
    const inc = engine.invite();
    await tick(5);
    emitQuality(inc.call, qualityEvent('alert'));
    await inc.call.end('remote-hangup');
    await tick(5);
    expect(lines.map((l) => l.fields.event)).toEqual(['started', 'state', 'established', 'quality', 'state', 'ended']);
    const session = manager.sessions()[0] ?? undefined;
    expect(session).toBeUndefined();
    expect(lines[0]?.message).toMatch(/incoming call sip:remote@127\.0\.0\.1 -> sip:local@127\.0\.0\.1/);
    expect(lines[0]?.fields.callId).toBe(inc.call.callId);
    expect(lines.every((l) => l.message.startsWith(`${inc.call.id} [`))).toBe(true);
    expect(lines[3]?.level).toBe('warn');
    expect(lines[3]?.message).toContain('quality alert: loss');
    expect(lines[5]?.fields.reason).toBe('remote-hangup');
  });

  it('rejects a logger without info()', () => {
    expect(() => loggingHandler({ logger: {} as never })).toThrow(TypeError);
  });
});
