/**
 * Per-source receive statistics of RFC 3550 Appendix A: source validation and
 * sequence tracking (§A.1), expected/lost counts and fraction lost (§A.3) and
 * interarrival jitter (§A.8).
 *
 * @module
 */
import type { ReportBlock } from '../rtcp/rtcp-common.js';

/** §A.1: packets in sequence before a new source is valid. */
export const MIN_SEQUENTIAL = 2;
/** §A.1: largest forward jump still taken as the same sequence space. */
export const MAX_DROPOUT = 3000;
/** §A.1: largest backward jump taken as reordering rather than a restart. */
export const MAX_MISORDER = 100;
const SEQ_MOD = 0x10000;

/** What {@link ReceiveStats.update} concluded about one packet. */
export type SequenceVerdict =
  /** A packet of a validated source, counted. */
  | 'valid'
  /** The source is still on probation (§A.1); the packet is remembered, not yet delivered. */
  | 'probation'
  /** A very large jump (§A.1 "bad_seq"): dropped unless the next packet confirms a restart. */
  | 'bad';

/** A snapshot of the statistics of one source. */
export interface ReceiveStatsSnapshot {
  /** SSRC of the source. */
  readonly ssrc: number;
  /** True once the source passed probation (§A.1). */
  readonly valid: boolean;
  /** Packets counted (duplicates included, as §A.3 notes). */
  readonly received: number;
  /** Extended highest sequence number (cycles + max seq). */
  readonly extendedHighestSequence: number;
  /** Packets expected: extended highest - base + 1 (§A.3). */
  readonly expected: number;
  /** Cumulative lost = expected - received (may be negative with duplicates). */
  readonly cumulativeLost: number;
  /** Interarrival jitter in RTP timestamp units (§A.8). */
  readonly jitter: number;
  /** The same jitter in milliseconds. */
  readonly jitterMs: number;
}

/**
 * Receive statistics for one synchronisation source, following the reference
 * code of RFC 3550 Appendix A.
 *
 * One refinement over the §A.1 code: the packets received while the source is
 * on probation are counted once it is validated, with the first of them as the
 * base sequence number, provided the validating packet lies within
 * {@link MAX_DROPOUT} of it. The appendix code drops them from the counts,
 * which would hide a loss right at the start of a stream (65534, 0, 1 is one
 * packet lost, not zero).
 */
export class ReceiveStats {
  /** SSRC of the source. */
  readonly ssrc: number;
  /** RTP clock rate of the source's payload format (Hz). */
  readonly clockRate: number;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = SEQ_MOD + 1;
  #probation: number;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #firstSeq: number;
  #probationReceived = 0;
  #transit = 0;
  #haveTransit = false;
  #jitter = 0;
  readonly #minSequential: number;

  /**
   * @param ssrc - the source
   * @param firstSeq - sequence number of the first packet seen from it
   * @param clockRate - RTP clock rate (Hz), for the jitter conversion
   * @param minSequential - probation length (§A.1 MIN_SEQUENTIAL; 0 or 1 = valid at once)
   */
  constructor(ssrc: number, firstSeq: number, clockRate: number, minSequential = MIN_SEQUENTIAL) {
    this.ssrc = ssrc;
    this.clockRate = clockRate;
    this.#minSequential = minSequential;
    this.#firstSeq = firstSeq;
    // §A.1: on a new source, init_seq(seq); max_seq = seq - 1; probation = MIN_SEQUENTIAL.
    this.#initSeq(firstSeq);
    this.#maxSeq = (firstSeq - 1) & 0xffff;
    this.#probation = minSequential;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /** True once the source is validated (§A.1). */
  get valid(): boolean {
    return this.#probation === 0;
  }

  /**
   * Account for one packet's sequence number (§A.1 `update_seq`).
   * Call {@link ReceiveStats.updateJitter} as well for packets that are kept.
   */
  update(seq: number): SequenceVerdict {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      this.#probationReceived++;
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#validate(seq);
          return 'valid';
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
        if (this.#probation <= 0) {
          this.#probation = 0;
          this.#validate(seq);
          return 'valid';
        }
      }
      return 'probation';
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap.
      if (seq < this.#maxSeq) this.#cycles += SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump.
      if (seq === this.#badSeq) {
        // Two sequential packets: the source restarted without telling us.
        this.#initSeq(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return 'bad';
      }
    }
    // else: duplicate or reordered packet, counted.
    this.#received++;
    return 'valid';
  }

  /** Probation just ended at `seq`: count the probation packets from the first one where possible. */
  #validate(seq: number): void {
    const span = (seq - this.#firstSeq) & 0xffff;
    this.#initSeq(seq);
    if (span < MAX_DROPOUT && this.#probationReceived <= span + 1) {
      this.#baseSeq = this.#firstSeq;
      if (seq < this.#firstSeq) this.#cycles = SEQ_MOD;
      this.#received = this.#probationReceived;
    } else {
      this.#received = 1;
    }
  }

  /**
   * Update the interarrival jitter with one packet (§A.8):
   * `D = (Rj - Ri) - (Sj - Si)`, `J += (|D| - J) / 16`, arrival converted to
   * timestamp units.
   *
   * @param rtpTimestamp - the packet's RTP timestamp
   * @param arrivalMs - local arrival time in milliseconds (any monotonic origin)
   */
  updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    // Work modulo 2^32 on the timestamp; transit differences stay small.
    const transit = arrival - rtpTimestamp;
    if (this.#haveTransit) {
      let d = transit - this.#transit;
      // Undo a timestamp wrap between the two packets.
      if (d > 0x8000_0000) d -= 0x1_0000_0000;
      else if (d < -0x8000_0000) d += 0x1_0000_0000;
      if (d < 0) d = -d;
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#transit = transit;
    this.#haveTransit = true;
  }

  /** Extended highest sequence number received (§A.3). */
  get extendedHighestSequence(): number {
    return this.#cycles + this.#maxSeq;
  }

  /** Packets expected so far (§A.3); 0 before validation. */
  get expected(): number {
    return this.valid ? this.extendedHighestSequence - this.#baseSeq + 1 : 0;
  }

  /** Packets counted so far (0 before validation). */
  get received(): number {
    return this.valid ? this.#received : 0;
  }

  /** Cumulative packets lost (§A.3), clamped to the signed 24-bit range of report blocks. */
  get cumulativeLost(): number {
    const lost = this.expected - this.received;
    return Math.max(-0x800000, Math.min(0x7fffff, lost));
  }

  /** Interarrival jitter in timestamp units (§A.8). */
  get jitter(): number {
    return this.#jitter;
  }

  /** Interarrival jitter in milliseconds. */
  get jitterMs(): number {
    return (this.#jitter * 1000) / this.clockRate;
  }

  /**
   * Fraction lost since the previous call, as the 8-bit fixed point value of
   * a report block (§A.3). Advances the interval: call once per report.
   */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.received - this.#receivedPrior;
    this.#receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
  }

  /**
   * Build the report block about this source (§6.4.1), advancing the
   * fraction-lost interval.
   *
   * @param lastSr - middle 32 bits of the last SR received from it (0 if none)
   * @param delaySinceLastSr - delay since then in 1/65536 s (0 if none)
   */
  reportBlock(lastSr: number, delaySinceLastSr: number): ReportBlock {
    return {
      ssrc: this.ssrc,
      fractionLost: this.takeFractionLost(),
      cumulativeLost: this.cumulativeLost,
      highestSequence: this.extendedHighestSequence >>> 0,
      jitter: Math.min(0xffffffff, Math.round(this.#jitter)) >>> 0,
      lastSr,
      delaySinceLastSr,
    };
  }

  /** A snapshot of the counters. */
  snapshot(): ReceiveStatsSnapshot {
    return {
      ssrc: this.ssrc,
      valid: this.valid,
      received: this.received,
      extendedHighestSequence: this.extendedHighestSequence,
      expected: this.expected,
      cumulativeLost: this.cumulativeLost,
      jitter: this.#jitter,
      jitterMs: this.jitterMs,
    };
  }
}
