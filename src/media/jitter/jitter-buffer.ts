/**
 * An adaptive jitter buffer for fixed-duration audio frames.
 *
 * Packets go in as they arrive ({@link JitterBuffer.push}); one frame of PCM
 * comes out per playout tick ({@link JitterBuffer.pull}, typically every
 * 20 ms). Ordering is by RTP sequence number (RFC 3550 §5.1); the buffer
 * measures interarrival jitter the way RFC 3550 §A.8 does and keeps its
 * playout depth within `[minDepthMs, maxDepthMs]` at about
 * `frame + 3 x jitter`: it grows by waiting (re-buffering after an underrun)
 * and shrinks by discarding one frame now and then while it is too deep.
 *
 * Payloads are decoded at playout time, in sequence order, so stateful
 * decoders (G.722 ADPCM) see their frames in order even when the network
 * reorders them. Gaps are concealed by repeating the last frame with falling
 * gain (for up to {@link MAX_REPEAT_FRAMES} frames) or by silence.
 *
 * @module
 */
import { InvalidArgumentError, seqDiff16 } from '../../util/index.js';

/** How a missing frame is filled. */
export type ConcealmentMode = 'repeat' | 'silence';

/** Consecutive concealed frames that repeat the last frame before turning to silence. */
export const MAX_REPEAT_FRAMES = 5;
const REPEAT_GAIN = 0.6;
/** Consecutive underruns after which the buffer stops and re-buffers. */
const REBUFFER_AFTER = 3;
/** Minimum pulls between two frames discarded to shrink the depth. */
const SHRINK_EVERY = 4;

/** Options of a {@link JitterBuffer}. */
export interface JitterBufferOptions {
  /** Decoder from payload to PCM, called at playout time in sequence order. */
  readonly decode: (payload: Uint8Array) => Int16Array;
  /** Samples in one output frame (e.g. 160 for 20 ms at 8 kHz). */
  readonly frameSamples: number;
  /** RTP clock rate (Hz) of the timestamps pushed, for the jitter estimate. */
  readonly clockRate: number;
  /** Frame duration in ms (default 20). */
  readonly frameMs?: number;
  /** Smallest playout depth in ms (default 40). */
  readonly minDepthMs?: number;
  /** Largest playout depth in ms (default 200). */
  readonly maxDepthMs?: number;
  /** Concealment of missing frames (default `'repeat'`). */
  readonly concealment?: ConcealmentMode;
}

/** One frame of playout. */
export interface JitterFrame {
  /** `audio`: a received frame; `concealed`: a gap filled in; `buffering`: silence while (re)filling. */
  readonly kind: 'audio' | 'concealed' | 'buffering';
  /** The PCM samples (a new array, owned by the caller). */
  readonly pcm: Int16Array;
  /** RTP sequence number played, or -1 when none. */
  readonly sequenceNumber: number;
}

/** What {@link JitterBuffer.push} did with a packet. */
export type JitterPushResult = 'queued' | 'duplicate' | 'late' | 'reset';

/** Counters of a {@link JitterBuffer}. */
export interface JitterBufferStats {
  /** Packets queued. */
  readonly queued: number;
  /** Frames played from received packets. */
  readonly played: number;
  /** Duplicates dropped. */
  readonly duplicates: number;
  /** Packets that arrived after their playout time, dropped. */
  readonly late: number;
  /** Frames concealed (lost or not yet arrived at playout time). */
  readonly concealed: number;
  /** Frames discarded to shrink the depth. */
  readonly discarded: number;
  /** Times the buffer ran dry and re-buffered. */
  readonly rebuffers: number;
  /** Current target depth in ms. */
  readonly targetDepthMs: number;
  /** Frames currently held, in ms. */
  readonly depthMs: number;
  /** Interarrival jitter estimate in ms (§A.8 filter). */
  readonly jitterMs: number;
}

interface Slot {
  seq: number;
  payload: Uint8Array | undefined;
}

/** See the module documentation. */
export class JitterBuffer {
  readonly #decode: (payload: Uint8Array) => Int16Array;
  readonly #frameSamples: number;
  readonly #clockRate: number;
  readonly #frameMs: number;
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #mode: ConcealmentMode;
  readonly #slots: Slot[];
  readonly #mask: number;
  readonly #played: Int32Array;
  #count = 0;
  #playing = false;
  #nextSeq = -1;
  #lastPlayed = -1;
  #targetMs: number;
  #jitterMs = 0;
  #transit = 0;
  #haveTransit = false;
  #lastPcm: Int16Array | undefined;
  #concealRun = 0;
  #emptyRun = 0;
  #sinceShrink = 0;
  #stats = { queued: 0, played: 0, duplicates: 0, late: 0, concealed: 0, discarded: 0, rebuffers: 0 };

  /** @throws InvalidArgumentError on impossible bounds */
  constructor(options: JitterBufferOptions) {
    this.#decode = options.decode;
    this.#frameSamples = options.frameSamples;
    this.#clockRate = options.clockRate;
    this.#frameMs = options.frameMs ?? 20;
    this.#minMs = options.minDepthMs ?? 40;
    this.#maxMs = options.maxDepthMs ?? 200;
    this.#mode = options.concealment ?? 'repeat';
    if (!(this.#frameSamples > 0) || !(this.#clockRate > 0) || !(this.#frameMs > 0)) {
      throw new InvalidArgumentError('jitterBuffer', 'frameSamples, clockRate and frameMs must be positive');
    }
    if (!(this.#minMs >= this.#frameMs) || !(this.#maxMs >= this.#minMs)) {
      throw new InvalidArgumentError('jitterBuffer', 'need frameMs <= minDepthMs <= maxDepthMs');
    }
    let cap = 64;
    while (cap < 2 * Math.ceil(this.#maxMs / this.#frameMs) + 4) cap *= 2;
    this.#mask = cap - 1;
    this.#slots = Array.from({ length: cap }, () => ({ seq: -1, payload: undefined }));
    this.#played = new Int32Array(cap).fill(-1);
    this.#targetMs = this.#minMs;
  }

  /**
   * Queue a received packet.
   * @param seq - RTP sequence number
   * @param timestamp - RTP timestamp (for the jitter estimate)
   * @param payload - encoded frame (kept by reference until played)
   * @param arrivalMs - local arrival time in ms
   */
  push(seq: number, timestamp: number, payload: Uint8Array, arrivalMs: number): JitterPushResult {
    this.#observe(timestamp, arrivalMs);
    const ref = this.#playing ? this.#nextSeq : this.#lastPlayed >= 0 ? (this.#lastPlayed + 1) & 0xffff : -1;
    if (ref >= 0) {
      const d = seqDiff16(seq, ref);
      if (d < 0) {
        if (this.#played[seq & this.#mask] === seq) this.#stats.duplicates++;
        else this.#stats.late++;
        return this.#played[seq & this.#mask] === seq ? 'duplicate' : 'late';
      }
      if (d > this.#mask) {
        // The stream jumped far ahead: start over from this packet.
        this.#clear();
        this.#store(seq, payload);
        return 'reset';
      }
    }
    const slot = this.#slots[seq & this.#mask]!;
    if (slot.payload !== undefined) {
      if (slot.seq === seq) {
        this.#stats.duplicates++;
        return 'duplicate';
      }
      // Before playout starts, a wrap of the ring drops the older packet.
      this.#count--;
    }
    this.#store(seq, payload);
    return 'queued';
  }

  #store(seq: number, payload: Uint8Array): void {
    const slot = this.#slots[seq & this.#mask]!;
    slot.seq = seq;
    slot.payload = payload;
    this.#count++;
    this.#stats.queued++;
  }

  #clear(): void {
    for (const s of this.#slots) { s.payload = undefined; s.seq = -1; }
    this.#count = 0;
    this.#playing = false;
    this.#nextSeq = -1;
    this.#lastPlayed = -1;
    this.#played.fill(-1);
  }

  /** §A.8-style jitter estimate in ms, and the target depth derived from it. */
  #observe(timestamp: number, arrivalMs: number): void {
    const transit = arrivalMs - (timestamp * 1000) / this.#clockRate;
    if (this.#haveTransit) {
      let d = transit - this.#transit;
      const wrapMs = (0x1_0000_0000 * 1000) / this.#clockRate;
      if (d > wrapMs / 2) d -= wrapMs;
      else if (d < -wrapMs / 2) d += wrapMs;
      this.#jitterMs += (Math.abs(d) - this.#jitterMs) / 16;
    }
    this.#transit = transit;
    this.#haveTransit = true;
    const wanted = Math.ceil((this.#frameMs + 3 * this.#jitterMs) / this.#frameMs) * this.#frameMs;
    this.#targetMs = Math.max(this.#minMs, Math.min(this.#maxMs, wanted));
  }

  /** Produce the next frame of playout (call once per frame period). */
  pull(): JitterFrame {
    if (!this.#playing) {
      if (this.#count * this.#frameMs < this.#targetMs) return this.#fill('buffering');
      this.#start();
    }
    // Shrink: discard one frame now and then while far deeper than the target.
    this.#sinceShrink++;
    if (this.#count * this.#frameMs > this.#targetMs + 2 * this.#frameMs && this.#sinceShrink >= SHRINK_EVERY) {
      const s = this.#slots[this.#nextSeq & this.#mask]!;
      if (s.payload !== undefined && s.seq === this.#nextSeq) {
        this.#take(s);
        this.#stats.discarded++;
        this.#sinceShrink = 0;
      }
    }
    const slot = this.#slots[this.#nextSeq & this.#mask]!;
    if (slot.payload !== undefined && slot.seq === this.#nextSeq) {
      const seq = this.#nextSeq;
      const payload = this.#take(slot);
      const pcm = this.#decode(payload);
      this.#lastPcm = pcm;
      this.#concealRun = 0;
      this.#emptyRun = 0;
      this.#stats.played++;
      return { kind: 'audio', pcm, sequenceNumber: seq };
    }
    // Missing frame: lost, or not arrived yet. Either way its time has come.
    this.#skip();
    if (this.#count === 0 && ++this.#emptyRun >= REBUFFER_AFTER) {
      // Ran dry: stop and re-buffer up to the (by now larger) target.
      this.#playing = false;
      this.#emptyRun = 0;
      this.#stats.rebuffers++;
    }
    this.#stats.concealed++;
    return this.#fill('concealed');
  }

  #start(): void {
    let best = -1;
    for (const s of this.#slots) {
      if (s.payload === undefined) continue;
      if (best < 0 || seqDiff16(s.seq, best) < 0) best = s.seq;
    }
    if (this.#lastPlayed >= 0 && seqDiff16(best, this.#lastPlayed) > 0) {
      // Re-buffering: resume right after the last frame played.
      const next = (this.#lastPlayed + 1) & 0xffff;
      best = seqDiff16(best, next) <= this.#mask ? next : best;
    }
    this.#nextSeq = best;
    this.#playing = true;
    this.#sinceShrink = 0;
  }

  #take(slot: Slot): Uint8Array {
    const p = slot.payload!;
    slot.payload = undefined;
    this.#count--;
    this.#markPlayed(slot.seq);
    return p;
  }

  #skip(): void {
    this.#markPlayed(this.#nextSeq, false);
  }

  #markPlayed(seq: number, played = true): void {
    this.#played[seq & this.#mask] = played ? seq : -1;
    this.#lastPlayed = seq;
    this.#nextSeq = (seq + 1) & 0xffff;
  }

  #fill(kind: 'concealed' | 'buffering'): JitterFrame {
    const pcm = new Int16Array(this.#frameSamples);
    if (kind === 'concealed' && this.#mode === 'repeat' && this.#lastPcm !== undefined && this.#concealRun < MAX_REPEAT_FRAMES) {
      this.#concealRun++;
      const gain = REPEAT_GAIN ** this.#concealRun;
      const src = this.#lastPcm;
      const n = Math.min(src.length, pcm.length);
      for (let i = 0; i < n; i++) pcm[i] = Math.round(src[i]! * gain);
    } else if (kind === 'concealed') {
      this.#concealRun++;
    }
    return { kind, pcm, sequenceNumber: -1 };
  }

  /** Current target playout depth in ms. */
  get targetDepthMs(): number {
    return this.#targetMs;
  }

  /** Counters and the current depth. */
  stats(): JitterBufferStats {
    return { ...this.#stats, targetDepthMs: this.#targetMs, depthMs: this.#count * this.#frameMs, jitterMs: this.#jitterMs };
  }
}
