import { describe, expect, it } from 'vitest';
import { ReceiveStats } from '../../../../src/media/stats/receive-stats.js';
import { rttFromReportMs, ntpMiddle32FromUnixMs, dlsrFromMs } from '../../../../src/media/rtcp/ntp.js';
import { RtcpReporter } from '../../../../src/media/session/rtcp-reporter.js';
import { RtcpReceiverReport, RtcpSenderReport } from '../../../../src/media/index.js';
import { estimateMos, mosFromR, rFactor, delayImpairment, effectiveEquipmentImpairment } from '../../../../src/media/stats/e-model.js';

function run(seqs: number[]): ReceiveStats {
  const s = new ReceiveStats(1234, seqs[0]!, 8000);
  for (const q of seqs) s.update(q);
  return s;
}

describe('RFC 3550 Appendix A sequence accounting', () => {
  it('counts 65534, 65535, 0, 1 as nothing lost across the wrap', () => {
    const s = run([65534, 65535, 0, 1]);
    expect(s.cumulativeLost).toBe(0);
    expect(s.expected).toBe(4);
    expect(s.extendedHighestSequence).toBe(65536 + 1);
  });

  it('counts 65534, 0, 1 as one packet lost', () => {
    const s = run([65534, 0, 1]);
    expect(s.cumulativeLost).toBe(1);
    expect(s.extendedHighestSequence).toBe(65537);
  });

  it('counts 1, 2, 8, 9, 10 as five packets lost', () => {
    const s = run([1, 2, 8, 9, 10]);
    expect(s.expected).toBe(10);
    expect(s.received).toBe(5);
    expect(s.cumulativeLost).toBe(5);
  });

  it('loses nothing when packets are reordered', () => {
    const s = run([10, 11, 13, 12, 15, 14, 16]);
    expect(s.cumulativeLost).toBe(0);
    expect(s.extendedHighestSequence).toBe(16);
  });

  it('lets duplicates make the loss count negative, as §A.3 says they do', () => {
    const s = run([10, 11, 12, 12, 13]);
    expect(s.received).toBe(5);
    expect(s.cumulativeLost).toBe(-1);
  });

  it('keeps a source on probation until two packets arrive in sequence (§A.1)', () => {
    const s = new ReceiveStats(1, 100, 8000);
    expect(s.update(100)).toBe('probation');
    expect(s.valid).toBe(false);
    expect(s.expected).toBe(0);
    expect(s.update(101)).toBe('valid');
    expect(s.valid).toBe(true);
  });

  it('ignores one wild jump but restarts on two sequential packets after it (§A.1 bad_seq)', () => {
    const s = run([1, 2, 3]);
    expect(s.update(40000)).toBe('bad');
    expect(s.extendedHighestSequence).toBe(3);
    expect(s.update(40001)).toBe('valid');
    expect(s.extendedHighestSequence).toBe(40001);
    expect(s.cumulativeLost).toBe(0);
  });

  it('reports the fraction lost per interval as an 8-bit fixed point number (§A.3)', () => {
    const s = run([1, 2, 3, 4]);
    expect(s.takeFractionLost()).toBe(0);
    for (const q of [6, 8]) s.update(q); // 5..8 expected, 5 and 7 lost
    expect(s.takeFractionLost()).toBe(128);
    expect(s.takeFractionLost()).toBe(0);
  });

  it('computes interarrival jitter as the hand-worked §A.8 filter gives it', () => {
    // ts step 160 (20 ms at 8 kHz); arrivals 0, 20, 45, 60, 80 ms.
    // transit (ts units): 0, 0, 40, 0, 0 -> |D| = 0, 40, 40, 0.
    // J: 0 -> 0 -> 2.5 -> 2.5 + 37.5/16 = 4.84375 -> 4.84375 * 15/16 = 4.541015625
    const s = new ReceiveStats(1, 0, 8000);
    const arrivals = [0, 20, 45, 60, 80];
    arrivals.forEach((a, i) => { s.update(i); s.updateJitter(1000 + i * 160, a); });
    expect(s.jitter).toBeCloseTo(4.541015625, 9);
    expect(s.jitterMs).toBeCloseTo(4.541015625 / 8, 9);
    expect(s.reportBlock(0, 0).jitter).toBe(5);
  });

  it('handles a timestamp wrap without a jitter spike', () => {
    const s = new ReceiveStats(1, 0, 8000);
    [0, 1, 2].forEach((i) => { s.update(i); s.updateJitter((0xffffff60 + i * 160) >>> 0, i * 20); });
    expect(s.jitter).toBe(0);
  });
});

describe('round-trip time from SR/RR (RFC 3550 §6.4.1)', () => {
  it('computes A - LSR - DLSR from the middle 32 bits', () => {
    // LSR 1.0 s, DLSR 0.5 s, arrival 1.6 s: RTT 100 ms.
    expect(rttFromReportMs(0x00019999, 0x00010000, 0x00008000)).toBeCloseTo(100, 0);
    expect(rttFromReportMs(0x00019999, 0, 0)).toBeUndefined();
    expect(rttFromReportMs(0x00010000, 0x00020000, 0)).toBeUndefined();
  });

  it('measures the RTT of a hand-built SR/RR exchange through the session reporter', () => {
    let now = 1000;
    const rep = new RtcpReporter(() => now, 'me@test', 8000);
    const [sr] = rep.build(0xaaaa, { rtpTimestamp: 0, packetCount: 1, octetCount: 160 }, undefined);
    expect(sr).toBeInstanceOf(RtcpSenderReport);
    const lsr = (sr as RtcpSenderReport).ntpMiddle32;
    expect(lsr).toBe(ntpMiddle32FromUnixMs(rep.unixNowMs()));
    // The peer holds it 250 ms, and its RR reaches us 400 ms after we sent: RTT 150 ms.
    now = 1400;
    const rr = new RtcpReceiverReport({ ssrc: 0xbbbb, reports: [{
      ssrc: 0xaaaa, fractionLost: 0, cumulativeLost: 0, highestSequence: 1, jitter: 0, lastSr: lsr, delaySinceLastSr: dlsrFromMs(250),
    }] });
    rep.handle([rr], 0xaaaa);
    expect(rep.rttMs).toBeGreaterThan(149.9);
    expect(rep.rttMs).toBeLessThan(150.1);
  });

  it('echoes the peer SR as LSR with the delay since it in our RR', () => {
    let now = 0;
    const rep = new RtcpReporter(() => now, 'me@test', 8000);
    const peerSr = new RtcpSenderReport({ ssrc: 77, ntpSeconds: 0x1234abcd, ntpFraction: 0x56780000, rtpTimestamp: 0, packetCount: 0, octetCount: 0 });
    rep.handle([peerSr], 1);
    now = 500;
    const src = new ReceiveStats(77, 0, 8000);
    src.update(0); src.update(1);
    const [rr] = rep.build(1, undefined, src);
    const b = (rr as RtcpReceiverReport).reports[0]!;
    expect(b.lastSr).toBe(0xabcd5678);
    expect(b.delaySinceLastSr).toBe(32768);
  });
});

describe('simplified E-model MOS', () => {
  it('rates a clean short call at the top of the narrowband scale', () => {
    expect(rFactor({ oneWayDelayMs: 0, lossPercent: 0 })).toBeCloseTo(93.2);
    expect(estimateMos({ oneWayDelayMs: 0, lossPercent: 0 })).toBeCloseTo(4.41, 2);
  });

  it('applies the delay knee at 177.3 ms and the loss formula of G.107 §7.6', () => {
    expect(delayImpairment(100)).toBeCloseTo(2.4);
    expect(delayImpairment(277.3)).toBeCloseTo(0.024 * 277.3 + 11);
    expect(effectiveEquipmentImpairment(5, { ie: 0, bpl: 25.1 })).toBeCloseTo(95 * 5 / 30.1);
  });

  it('falls as loss and delay grow and stays within 1..4.5', () => {
    const a = estimateMos({ oneWayDelayMs: 50, lossPercent: 0 });
    const b = estimateMos({ oneWayDelayMs: 50, lossPercent: 5 });
    const c = estimateMos({ oneWayDelayMs: 400, lossPercent: 5 });
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(5)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
  });
});
