import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { RtpSession, parseRtcpCompound } from '../../../../src/media/index.js';
import type { RtpCodec } from '../../../../src/media/index.js';
import type { Clock, TimerHandle } from '../../../../src/util/index.js';

const codec: RtpCodec = {
  payloadType: 0, rtpClockRate: 8000, sampleRate: 8000,
  encode: (pcm) => new Uint8Array(pcm.length), decode: (p) => new Int16Array(p.length),
};

/** A hand-driven clock: timers fire only when the test advances time. */
class ManualClock implements Clock {
  t = 0;
  timers: { at: number; fn: () => void; id: number }[] = [];
  #id = 0;
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#id;
    this.timers.push({ at: this.t + ms, fn, id });
    return id as unknown as TimerHandle;
  }
  clearTimeout(h: TimerHandle): void { this.timers = this.timers.filter((x) => x.id !== (h as unknown as number)); }
  /** Fire the next timer; returns the delay it was scheduled for. */
  fireNext(): number {
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers.shift()!;
    const waited = next.at - this.t;
    this.t = next.at;
    next.fn();
    return waited;
  }
}

describe('RtpSession timers', () => {
  it('sends RTCP at the §6.2 interval: first after 1.25-3.75 s, then 2.5-7.5 s apart', async () => {
    const clock = new ManualClock();
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    const got: Buffer[] = [];
    sink.on('message', (m) => got.push(m));
    const s = await RtpSession.create({ codec, clock });
    s.setRemote({ address: '127.0.0.1', rtpPort: 9, rtcpPort: sink.address().port });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) waits.push(clock.fireNext());
    expect(waits[0]).toBeGreaterThanOrEqual(1250);
    expect(waits[0]).toBeLessThanOrEqual(3750);
    for (const w of waits.slice(1)) {
      expect(w).toBeGreaterThanOrEqual(2500);
      expect(w).toBeLessThanOrEqual(7500);
    }
    // Randomised, not constant.
    expect(new Set(waits.slice(1).map(Math.round)).size).toBeGreaterThan(1);
    const end = Date.now() + 2000;
    while (got.length < 8 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(got.length).toBe(8);
    const first = parseRtcpCompound(got[0]!);
    expect(first.map((p) => p.type)).toEqual(['rr', 'sdes']);
    await s.close();
    sink.close();
  });

  it('uses a configured minimum interval when the bandwidth share allows it', async () => {
    const clock = new ManualClock();
    const s = await RtpSession.create({ codec, clock, rtcpIntervalMs: 100, sessionBandwidthKbps: 10_000 });
    clock.fireNext();
    const w = clock.fireNext();
    expect(w).toBeGreaterThanOrEqual(50);
    expect(w).toBeLessThanOrEqual(150);
    await s.close();
    expect(clock.timers.filter((t) => t.at > clock.t + 1000)).toEqual([]);
  });

  it('stretches the interval past the minimum when the RTCP bandwidth share is small (§6.2)', async () => {
    const clock = new ManualClock();
    const s = await RtpSession.create({ codec, clock, rtcpIntervalMs: 100, sessionBandwidthKbps: 80 });
    clock.fireNext();
    expect(clock.fireNext()).toBeGreaterThan(150);
    await s.close();
  });

  it('works over IPv6 loopback when the host has it', async () => {
    let a: RtpSession;
    let b: RtpSession;
    try {
      a = await RtpSession.create({ codec, localAddress: '::1', rtcp: false });
      b = await RtpSession.create({ codec, localAddress: '::1', rtcp: false });
    } catch {
      return; // no IPv6 loopback on this host
    }
    a.setRemote({ address: '::1', rtpPort: b.localRtpPort });
    const got: number[] = [];
    b.on('packet', (p) => got.push(p.payload.length));
    a.sendFrame(new Int16Array(160));
    const end = Date.now() + 2000;
    while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([160]);
    expect(b.remoteRtp).toEqual({ address: '::1', port: a.localRtpPort });
    await Promise.all([a.close(), b.close()]);
  });
});
