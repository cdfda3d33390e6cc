/**
 * The RTCP side of an RTP session: building compound reports (RFC 3550 §6.1,
 * §6.4: SR when we sent since the last report, RR otherwise, plus SDES CNAME)
 * and digesting received ones (LSR/DLSR bookkeeping and round-trip time,
 * §6.4.1).
 *
 * @module
 */
import type { ReportBlock } from '../rtcp/rtcp-common.js';
import type { RtcpPacket } from '../rtcp/rtcp-compound.js';
import { RtcpBye } from '../rtcp/rtcp-bye.js';
import { RtcpReceiverReport, RtcpSenderReport } from '../rtcp/rtcp-reports.js';
import { RtcpSdes } from '../rtcp/rtcp-sdes.js';
import { dlsrFromMs, ntpFromUnixMs, ntpMiddle32, rttFromReportMs } from '../rtcp/ntp.js';
import type { ReceiveStats } from '../stats/receive-stats.js';

/** What the sender side reports in an SR. */
export interface SenderInfo {
  /** RTP timestamp matching "now". */
  readonly rtpTimestamp: number;
  /** Packets sent so far. */
  readonly packetCount: number;
  /** Payload octets sent so far. */
  readonly octetCount: number;
}

/** What the peer said about our stream in its last report block. */
export interface PeerReport {
  /** Fraction lost, 0-1. */
  readonly fractionLost: number;
  /** Cumulative lost. */
  readonly cumulativeLost: number;
  /** Jitter in ms. */
  readonly jitterMs: number;
}

/**
 * Builds and digests RTCP for one session. Time: `nowMs()` is the session
 * clock; the NTP timestamps are that clock mapped onto wall time once, so SR
 * timestamps and RTT arithmetic use one consistent clock.
 */
export class RtcpReporter {
  readonly #nowMs: () => number;
  readonly #wallOffsetMs: number;
  readonly #cname: string;
  readonly #clockRate: number;
  /** Per remote SSRC: middle 32 bits of its last SR and our clock when it arrived. */
  readonly #lastSr = new Map<number, { lsr: number; atMs: number }>();
  #rttMs: number | undefined;
  #peer: PeerReport | undefined;
  #lastFractionLost = 0;

  /**
   * @param nowMs - the session clock, ms
   * @param cname - SDES CNAME
   * @param clockRate - RTP clock rate of our stream (for the peer's jitter in ms)
   */
  constructor(nowMs: () => number, cname: string, clockRate: number) {
    this.#nowMs = nowMs;
    this.#wallOffsetMs = Date.now() - nowMs();
    this.#cname = cname;
    this.#clockRate = clockRate;
  }

  /** The NTP-mapped wall time of the session clock, Unix ms. */
  unixNowMs(): number {
    return this.#wallOffsetMs + this.#nowMs();
  }

  /** Last RTT measured, ms. */
  get rttMs(): number | undefined {
    return this.#rttMs;
  }

  /** What the peer last reported about our stream. */
  get peerReport(): PeerReport | undefined {
    return this.#peer;
  }

  /** Fraction lost (0-1) in our last report. */
  get lastFractionLost(): number {
    return this.#lastFractionLost;
  }

  /** The report block about `source` with LSR/DLSR filled in (§6.4.1). */
  #block(source: ReceiveStats): ReportBlock {
    const sr = this.#lastSr.get(source.ssrc);
    const dlsr = sr === undefined ? 0 : dlsrFromMs(this.#nowMs() - sr.atMs);
    const b = source.reportBlock(sr?.lsr ?? 0, dlsr);
    this.#lastFractionLost = b.fractionLost / 256;
    return b;
  }

  /**
   * A compound report: SR (if `sender` is given) or RR, then SDES CNAME, then
   * an optional BYE (§6.1: every compound packet has a report and a CNAME).
   */
  build(ssrc: number, sender: SenderInfo | undefined, source: ReceiveStats | undefined, bye?: { reason?: string }): RtcpPacket[] {
    const reports = source !== undefined && source.valid ? [this.#block(source)] : [];
    const out: RtcpPacket[] = [];
    if (sender !== undefined) {
      const ntp = ntpFromUnixMs(this.unixNowMs());
      out.push(new RtcpSenderReport({
        ssrc, ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: sender.rtpTimestamp >>> 0,
        packetCount: sender.packetCount >>> 0, octetCount: sender.octetCount >>> 0, reports,
      }));
    } else {
      out.push(new RtcpReceiverReport({ ssrc, reports }));
    }
    out.push(RtcpSdes.cname(ssrc, this.#cname));
    if (bye !== undefined) out.push(new RtcpBye([ssrc], bye.reason));
    return out;
  }

  /**
   * Digest a received compound packet: remember SRs for our LSR/DLSR, and
   * compute the RTT from report blocks about `ownSsrc` (`A - LSR - DLSR`).
   */
  handle(packets: readonly RtcpPacket[], ownSsrc: number): void {
    const now = this.#nowMs();
    for (const p of packets) {
      if (p.type === 'sr') this.#lastSr.set(p.ssrc, { lsr: p.ntpMiddle32, atMs: now });
      if (p.type !== 'sr' && p.type !== 'rr') continue;
      for (const b of p.reports) {
        if (b.ssrc !== ownSsrc) continue;
        this.#peer = { fractionLost: b.fractionLost / 256, cumulativeLost: b.cumulativeLost, jitterMs: (b.jitter * 1000) / this.#clockRate };
        const a = ntpMiddle32(ntpFromUnixMs(this.unixNowMs()));
        const rtt = rttFromReportMs(a, b.lastSr, b.delaySinceLastSr);
        if (rtt !== undefined) this.#rttMs = rtt;
      }
    }
    if (this.#lastSr.size > 16) {
      const first = this.#lastSr.keys().next().value as number;
      this.#lastSr.delete(first);
    }
  }
}
