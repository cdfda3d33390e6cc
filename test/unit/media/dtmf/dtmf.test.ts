import { describe, expect, it } from 'vitest';
import {
  DtmfReceiver, dtmfDigitOf, dtmfEventCode, parseTelephoneEvent, planDtmfEvent, serializeTelephoneEvent,
} from '../../../../src/media/index.js';
import type { DtmfDigitEvent } from '../../../../src/media/index.js';

describe('RFC 4733 telephone-event payload', () => {
  it('maps digits to event codes and back', () => {
    expect([...'0123456789*#ABCD'].map(dtmfEventCode)).toEqual([...Array(16).keys()]);
    expect(dtmfEventCode('a')).toBe(12);
    expect(dtmfDigitOf(11)).toBe('#');
    expect(dtmfDigitOf(16)).toBeUndefined();
    expect(() => dtmfEventCode('E')).toThrow(/DTMF/);
  });

  it('encodes event, E bit, volume and duration as §2.3 lays them out', () => {
    const b = serializeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
    expect(Buffer.from(b).toString('hex')).toBe('0b8a0320');
    expect(parseTelephoneEvent(b)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
  });
});

describe('DTMF sender plan', () => {
  it('marks the first packet, updates the duration every interval and sends the end three times', () => {
    const plan = planDtmfEvent('5', { durationMs: 100, volume: 7 });
    const evs = plan.map((p) => parseTelephoneEvent(p.payload));
    expect(plan.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(evs.map((e) => e.duration)).toEqual([160, 320, 480, 640, 800, 800, 800]);
    expect(evs.map((e) => e.end)).toEqual([false, false, false, false, true, true, true]);
    expect(evs.every((e) => e.event === 5 && e.volume === 7)).toBe(true);
    expect(plan.map((p) => p.atMs)).toEqual([0, 20, 40, 60, 80, 100, 120]);
  });

  it('refuses bad digits and durations', () => {
    expect(() => planDtmfEvent('x')).toThrow();
    expect(() => planDtmfEvent('1', { durationMs: 10 })).toThrow(/durationMs/);
    expect(() => planDtmfEvent('1', { volume: 64 })).toThrow(/volume/);
  });
});

describe('DTMF receiver', () => {
  const feed = (rx: DtmfReceiver, digit: string, ts: number, opts: { dropFirst?: number; dropEnds?: boolean } = {}) => {
    const out: DtmfDigitEvent[] = [];
    const plan = planDtmfEvent(digit, { durationMs: 120 });
    plan.forEach((p, i) => {
      if (i < (opts.dropFirst ?? 0)) return;
      if (opts.dropEnds && p.end) return;
      out.push(...rx.push(ts, p.payload, i * 20));
    });
    return out;
  };

  it('reports one digit per event with its duration, ignoring the retransmitted ends', () => {
    const rx = new DtmfReceiver();
    const got = [...feed(rx, '1', 1000), ...feed(rx, '#', 5000)];
    expect(got.map((e) => [e.digit, e.durationMs, e.ended])).toEqual([['1', 120, true], ['#', 120, true]]);
    expect(rx.duplicates).toBe(4);
  });

  it('still reports a digit whose start packets were lost', () => {
    const rx = new DtmfReceiver();
    const got = feed(rx, '9', 3000, { dropFirst: 3 });
    expect(got.map((e) => e.digit)).toEqual(['9']);
    expect(got[0]!.durationMs).toBe(120);
  });

  it('completes an event whose end packets were all lost, when the next one starts or on timeout', () => {
    const rx = new DtmfReceiver(8000, 300);
    expect(feed(rx, '4', 100, { dropEnds: true })).toEqual([]);
    const next = feed(rx, '7', 9000);
    expect(next.map((e) => [e.digit, e.ended])).toEqual([['4', false], ['7', true]]);
    feed(rx, '2', 20000, { dropEnds: true });
    expect(rx.expire(100)).toEqual([]);
    expect(rx.expire(1000).map((e) => e.digit)).toEqual(['2']);
  });

  it('ignores a payload too short to hold an event', () => {
    expect(new DtmfReceiver().push(1, new Uint8Array(2))).toEqual([]);
  });
});
