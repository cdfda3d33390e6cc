import { describe, expect, it } from 'vitest';
import { RtpSession } from '../../../src/media/index.js';
import type { RtpCodec } from '../../../src/media/index.js';
import { parseMessage } from '../../../src/sip/index.js';
import type { SipRequest, SipResponse } from '../../../src/sip/index.js';
import { CallTrace, SipMessageRouter } from '../../../src/session/call-trace.js';
import { ConfigError, resolveConfig } from '../../../src/session/index.js';
import { correlationIdFor, isCorrelationId } from '../../../src/session/correlation.js';
import type { MediaStats } from '../../../src/session/media-pipeline.js';
import { QualityMonitor, evaluate } from '../../../src/session/quality-monitor.js';
import type { QualityEvent, QualityMetric } from '../../../src/session/quality-monitor.js';
import { RtpTimeoutWatch } from '../../../src/session/rtp-timeout.js';
import type { Clock, TimerHandle } from '../../../src/util/index.js';

/** A clock whose time moves only when told. */
class ManualClock implements Clock {
  #now = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  now(): number { return this.#now; }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + ms, fn });
    return id as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle): void { this.#timers.delete(handle as unknown as number); }
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.#now = end;
  }
  get pending(): number { return this.#timers.size; }
}

const THRESHOLDS = resolveConfig({}).quality;

function stats(over: { expected: number; received: number; packetsIn?: number; rtcpIn?: number; jitterMs?: number; rttMs?: number }): MediaStats {
  return {
    codec: 'PCMU', ssrc: 1, remoteSsrc: 2, packetsOut: 0, bytesOut: 0, packetsIn: over.packetsIn ?? over.received, bytesIn: 0,
    rtcpOut: 0, rtcpIn: over.rtcpIn ?? 0, garbage: 0, unknownPayloadType: 0, collisions: 0,
    receive: {
      ssrc: 2, valid: true, received: over.received, extendedHighestSequence: over.expected, expected: over.expected,
      cumulativeLost: over.expected - over.received, jitter: 0, jitterMs: over.jitterMs ?? 1,
    } as MediaStats['receive'],
    fractionLost: 0, rttMs: over.rttMs, remoteReport: undefined, mos: undefined, jitterBuffer: undefined,
  } as MediaStats;
}

describe('quality evaluation with hysteresis', () => {
  it('crosses a metric once and clears it only back inside the threshold by the margin', () => {
    const breached = new Set<QualityMetric>();
    expect(evaluate(breached, { loss: 0.10 }, THRESHOLDS)).toEqual({ crossed: ['loss'], cleared: [] });
    expect(evaluate(breached, { loss: 0.20 }, THRESHOLDS)).toEqual({ crossed: [], cleared: [] });
    // 0.045 is under 5 % but not under 80 % of it: still breached.
    expect(evaluate(breached, { loss: 0.045 }, THRESHOLDS)).toEqual({ crossed: [], cleared: [] });
    expect(evaluate(breached, { loss: 0.01 }, THRESHOLDS)).toEqual({ crossed: [], cleared: ['loss'] });
    expect(evaluate(breached, { mos: 3.4, rtt: 500 }, THRESHOLDS)).toEqual({ crossed: ['mos', 'rtt'], cleared: [] });
    expect(evaluate(breached, { mos: 3.55 }, THRESHOLDS)).toEqual({ crossed: [], cleared: [] });
    expect(evaluate(breached, { mos: 3.7 }, THRESHOLDS)).toEqual({ crossed: [], cleared: ['mos'] });
    expect([...breached]).toEqual(['rtt']);
  });
});

describe('QualityMonitor', () => {
  it('samples every interval, raises an alert on loss and a recovery when it stops, and skips while on hold', () => {
    const clock = new ManualClock();
    let current = stats({ expected: 0, received: 0 });
    let active = true;
    const events: QualityEvent[] = [];
    const monitor = new QualityMonitor({
      thresholds: { ...THRESHOLDS, intervalMs: 1000 }, clock, stats: () => current, ptimeMs: 20,
      active: () => active, onEvent: (e) => events.push(e),
    });
    monitor.start();
    current = stats({ expected: 50, received: 50 });
    clock.advance(1000);
    expect(monitor.last?.loss).toBe(0);
    expect(monitor.last?.mos).toBeGreaterThan(4.3);
    current = stats({ expected: 100, received: 80 });
    clock.advance(1000);
    expect(events.map((e) => `${e.type}:${e.metrics.join()}`)).toEqual(['alert:mos,loss']);
    expect(events[0]!.sample.loss).toBeCloseTo(0.4);
    current = stats({ expected: 150, received: 120 });
    clock.advance(1000);
    expect(events).toHaveLength(1);
    active = false;
    current = stats({ expected: 200, received: 120 });
    clock.advance(1000);
    expect(events).toHaveLength(1);
    active = true;
    current = stats({ expected: 250, received: 170 });
    clock.advance(1000);
    expect(events.map((e) => `${e.type}:${e.metrics.join()}`)).toEqual(['alert:mos,loss', 'recovered:mos,loss']);
    expect(events[1]!.sample.breached).toEqual([]);
    monitor.stop();
    expect(clock.pending).toBe(0);
  });

  it('reports no MOS and no loss for an interval without RTP', () => {
    const clock = new ManualClock();
    const current = stats({ expected: 0, received: 0 });
    const monitor = new QualityMonitor({
      thresholds: { ...THRESHOLDS, intervalMs: 500 }, clock, stats: () => current, ptimeMs: 20, active: () => true, onEvent: () => undefined,
    });
    const sample = monitor.sample();
    expect(sample?.mos).toBeUndefined();
    expect(sample?.loss).toBeUndefined();
  });
});

describe('RtpTimeoutWatch', () => {
  it('fires once after the timeout without RTP or RTCP, and not while nothing is expected', () => {
    const clock = new ManualClock();
    let current = stats({ expected: 10, received: 10 });
    let expecting = true;
    const fired: number[] = [];
    const watch = new RtpTimeoutWatch({ timeoutMs: 2000, clock, stats: () => current, expecting: () => expecting, onTimeout: (ms) => fired.push(ms) });
    watch.start();
    clock.advance(1500);
    current = stats({ expected: 20, received: 20 });
    clock.advance(1500);
    expect(fired).toEqual([]);
    expecting = false; // on hold: silence does not count
    clock.advance(5000);
    expect(fired).toEqual([]);
    expecting = true;
    clock.advance(1500);
    expect(fired).toEqual([]);
    current = stats({ expected: 20, received: 20, rtcpIn: 1 }); // RTCP counts as life too
    clock.advance(1500);
    expect(fired).toEqual([]);
    clock.advance(2500);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(2000);
    clock.advance(10_000);
    expect(fired).toHaveLength(1);
    expect(watch.fired).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('does nothing when the timeout is 0', () => {
    const clock = new ManualClock();
    const watch = new RtpTimeoutWatch({ timeoutMs: 0, clock, stats: () => undefined, expecting: () => true, onTimeout: () => { throw new Error('fired'); } });
    watch.start();
    expect(clock.pending).toBe(0);
  });
});

function message(text: string): SipRequest | SipResponse {
  return parseMessage(Buffer.from(text.replace(/\n/g, '\r\n')));
}

const INVITE = `INVITE sip:bob@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1
From: <sip:a@127.0.0.1>;tag=1
To: <sip:bob@127.0.0.1>
Call-ID: call-1
CSeq: 1 INVITE
Max-Forwards: 70
Content-Length: 0

`;
const TRYING = INVITE.replace('INVITE sip:bob@127.0.0.1 SIP/2.0', 'SIP/2.0 100 Trying').replace('Max-Forwards: 70\n', '');
const OTHER = INVITE.replace('call-1', 'call-2');
const target = { protocol: 'UDP' as const, address: '127.0.0.1', port: 5070 };
const inbound = (m: SipRequest | SipResponse) => ({ message: m, protocol: 'UDP' as const, source: { address: '127.0.0.1', port: 5070 }, local: { address: '127.0.0.1', port: 5060 } });

describe('SipMessageRouter and CallTrace', () => {
  it('adopts the messages of a Call-ID seen before its call was observed, in order', () => {
    const router = new SipMessageRouter();
    router.inbound(inbound(message(INVITE)));
    router.inbound(inbound(message(OTHER)));
    router.outbound(message(TRYING), target);
    const trace = new CallTrace({ maxMessages: 10, maxBytes: 10_000 });
    router.observe('call-1', { trace });
    const snap = trace.snapshot();
    expect(snap.messages.map((m) => `${m.direction} ${m.firstLine}`)).toEqual(['in INVITE sip:bob@127.0.0.1 SIP/2.0', 'out SIP/2.0 100 Trying']);
    expect(snap.messages[0]!.raw()).toContain('Call-ID: call-1\r\n');
    expect(snap.messages[0]!.size).toBe(Buffer.byteLength(snap.messages[0]!.raw()));
  });

  it('adds the correlation header to requests of the call only, and routes late messages after release', () => {
    const router = new SipMessageRouter();
    const trace = new CallTrace({ maxMessages: 10, maxBytes: 10_000 });
    router.observe('call-1', { trace, header: { name: 'X-Correlation-ID', value: 'abc' } });
    const sent = router.outbound(message(INVITE), target);
    expect(sent.get('X-Correlation-ID')).toBe('abc');
    expect(router.outbound(message(TRYING), target).has('X-Correlation-ID')).toBe(false);
    expect(router.outbound(message(OTHER), target).has('X-Correlation-ID')).toBe(false);
    router.release('call-1');
    router.inbound(inbound(message(TRYING)));
    expect(trace.snapshot().messages.map((m) => m.direction)).toEqual(['out', 'out', 'in']);
  });

  it('drops the oldest messages past maxMessages or maxBytes and counts them', () => {
    const byCount = new CallTrace({ maxMessages: 2, maxBytes: 100_000 });
    const size = message(INVITE).serialize().length;
    const bySize = new CallTrace({ maxMessages: 100, maxBytes: size * 2 + 10 });
    const router = new SipMessageRouter();
    router.observe('call-1', { trace: byCount });
    for (let i = 0; i < 5; i++) router.inbound(inbound(message(INVITE.replace('CSeq: 1', `CSeq: ${i + 1}`))));
    expect(byCount.snapshot().dropped).toBe(3);
    expect(byCount.snapshot().messages.map((m) => /CSeq: (\d+)/.exec(m.raw())?.[1])).toEqual(['4', '5']);
    router.observe('call-1', { trace: bySize });
    for (let i = 0; i < 4; i++) router.inbound(inbound(message(INVITE)));
    expect(bySize.snapshot().messages).toHaveLength(2);
    expect(bySize.snapshot().dropped).toBe(2);
    const off = new CallTrace({ maxMessages: 0, maxBytes: 1000 });
    off.push(byCount.snapshot().messages[0]!);
    expect(off.snapshot()).toEqual({ messages: [], dropped: 1 });
  });
});

describe('observability configuration', () => {
  it('fills in the defaults', () => {
    const c = resolveConfig({});
    expect(c.quality).toEqual({ intervalMs: 5000, mosBelow: 3.5, lossAbove: 0.05, jitterAboveMs: 60, rttAboveMs: 400 });
    expect(c.trace).toEqual({ maxMessages: 200, maxBytes: 262144 });
    expect(c.correlation.header).toBe(false);
    expect(typeof c.correlation.generate).toBe('function');
    expect(c.media.rtpTimeoutMs).toBe(30_000);
    expect(c.media.rtpTimeoutAction).toBe('event');
  });

  it('names the offending option of a bad value', () => {
    const bad: [unknown, string][] = [
      [{ quality: { mosBelow: 5 } }, 'quality.mosBelow'],
      [{ quality: { lossAbove: '5%' } }, 'quality.lossAbove'],
      [{ quality: { intervalMs: 50 } }, 'quality.intervalMs'],
      [{ quality: { mosbelow: 3 } }, 'quality.mosbelow'],
      [{ trace: { maxMessages: -1 } }, 'trace.maxMessages'],
      [{ correlation: { header: 'Bad Header' } }, 'correlation.header'],
      [{ correlation: { header: 'Call-ID' } }, 'correlation.header'],
      [{ correlation: { generate: 'x' } }, 'correlation.generate'],
      [{ media: { rtpTimeoutMs: 500 } }, 'media.rtpTimeoutMs'],
      [{ media: { rtpTimeoutAction: 'bye' } }, 'media.rtpTimeoutAction'],
    ];
    for (const [config, option] of bad) {
      let err: unknown;
      try { resolveConfig(config); } catch (e) { err = e; }
      expect(err, option).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).option, JSON.stringify(config)).toBe(option);
    }
  });
});

describe('correlation ids', () => {
  const config = (header: string | false, generate = (): string => 'generated-1') => ({ header, generate });

  it('reuses a valid id from the configured header of an incoming INVITE', () => {
    const req = message(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 70\nX-Correlation-ID: from-peer-9')) as SipRequest;
    expect(correlationIdFor(config('X-Correlation-ID'), req)).toBe('from-peer-9');
    expect(correlationIdFor(config(false), req)).toBe('generated-1');
  });

  it('generates an id when the header is missing or unusable, and survives a throwing generator', () => {
    const req = message(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 70\nX-Correlation-ID: has "quotes"')) as SipRequest;
    expect(correlationIdFor(config('X-Correlation-ID'), req)).toBe('generated-1');
    const id = correlationIdFor(config(false, () => { throw new Error('no'); }));
    expect(isCorrelationId(id)).toBe(true);
    expect(id).toHaveLength(16);
    expect(isCorrelationId('x'.repeat(129))).toBe(false);
  });
});

describe('MOS without packets', () => {
  it('is undefined until an RTP packet was received, not the 4.4 of a perfect line', async () => {
    const codec: RtpCodec = {
      payloadType: 0, rtpClockRate: 8000, sampleRate: 8000, name: 'PCMU',
      encode: (pcm) => Uint8Array.from(pcm, (s) => (s >> 8) & 0xff),
      decode: (p) => Int16Array.from(p, (b) => ((b << 24) >> 16)),
    };
    const s = await RtpSession.create({ codec, rtcp: false });
    try {
      expect(s.stats().packetsIn).toBe(0);
      expect(s.stats().mos).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
