/**
 * The RTCP transmission interval of RFC 3550 §6.2 and §6.3.1, following the
 * reference code of §A.7 (`rtcp_interval`).
 *
 * @module
 */

/** Inputs of {@link rtcpIntervalMs}. */
export interface RtcpIntervalInput {
  /** Session members, including ourselves (at least 2 in a call). */
  readonly members: number;
  /** Members that sent RTP recently, including ourselves if we did. */
  readonly senders: number;
  /** RTCP bandwidth in octets per second (5% of the session bandwidth, §6.2). */
  readonly rtcpBandwidth: number;
  /** Whether we sent RTP since the last report. */
  readonly weSent: boolean;
  /** Average compound RTCP size in octets, including UDP/IP overhead. */
  readonly avgRtcpSize: number;
  /** True before the first report: the minimum is halved (§6.2). */
  readonly initial: boolean;
  /** Minimum interval in ms (RFC 3550 recommends 5000). */
  readonly minIntervalMs: number;
  /** A uniform random number in [0, 1) (injectable for tests). */
  readonly random?: number;
}

/**
 * The randomised interval until the next compound RTCP packet, in ms:
 * the deterministic interval `max(Tmin, n * avg_size / bw)` with the sender
 * share of §6.2 (25% of the bandwidth for senders when they are at most a
 * quarter of the members), multiplied by a uniform factor in [0.5, 1.5].
 *
 * The §A.7 code also divides by `e - 3/2` to compensate for timer
 * reconsideration (§6.3.3), which only matters when membership changes fast
 * in large sessions. A call has two members and this engine does not
 * reconsider, so the factor is not applied: the average interval stays at
 * the configured minimum (5 s by default) instead of dropping to 4.1 s.
 */
export function rtcpIntervalMs(input: RtcpIntervalInput): number {
  let tmin = input.minIntervalMs / 1000;
  if (input.initial) tmin /= 2;
  let n = Math.max(1, input.members);
  let bw = Math.max(1, input.rtcpBandwidth);
  if (input.senders <= input.members * 0.25) {
    if (input.weSent) {
      bw *= 0.25;
      n = Math.max(1, input.senders);
    } else {
      bw *= 0.75;
      n = Math.max(1, n - input.senders);
    }
  }
  let t = (input.avgRtcpSize * n) / bw;
  if (t < tmin) t = tmin;
  const r = input.random ?? Math.random();
  t *= r + 0.5;
  return t * 1000;
}
