/**
 * Packet index estimation (RFC 3711 §3.3.1 and Appendix A): the receiver keeps the
 * highest sequence number s_l and the rollover counter ROC, and guesses the ROC of each
 * arriving packet so that its 48-bit index `i = 2^16 * ROC + SEQ` is closest to s_l.
 *
 * @module
 */

/** The guessed rollover counter v and the packet index. */
export interface IndexGuess {
  /** Guessed ROC of the packet. */
  readonly roc: number;
  /** 48-bit packet index 2^16 * roc + seq. */
  readonly index: number;
}

/**
 * Appendix A: if s_l < 32768 and SEQ - s_l > 32768 the packet belongs to the previous
 * roll (v = ROC - 1); if s_l >= 32768 and s_l - 32768 > SEQ it belongs to the next
 * (v = ROC + 1); otherwise v = ROC.
 *
 * @param highestSeq - s_l, the highest sequence number received so far
 * @param roc - the current rollover counter
 * @param seq - the arriving packet's sequence number
 */
export function guessPacketIndex(highestSeq: number, roc: number, seq: number): IndexGuess {
  let v = roc;
  if (highestSeq < 0x8000) {
    if (seq - highestSeq > 0x8000) v = roc - 1;
  } else if (highestSeq - 0x8000 > seq) v = roc + 1;
  if (v < 0) v = 0; // before the first roll there is no previous one (the index would be negative)
  if (v > 0xffffffff) v = 0xffffffff;
  return { roc: v, index: v * 0x10000 + seq };
}
