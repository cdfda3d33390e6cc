/**
 * Two sessions joined directly, without a mixer: each RTP payload one leg receives is sent on by
 * the other, with the other leg's own SSRC, sequence numbers and timestamps (RFC 3550 §7.1, a
 * translator keeping one SSRC per leg). Same codec on both legs: the payload is relayed as it is,
 * never decoded. Different codecs (G.711 mu-law, A-law, G.722): decoded, resampled when the rates
 * differ (8 and 16 kHz), and encoded again. DTMF digits received as RFC 4733 events are sent on as
 * RFC 4733 events. Both legs' own frame pacers are suspended meanwhile.
 *
 * @module
 * @internal
 */
import createDebug from 'debug';
import { createResampler } from '../media/index.js';
import type { AudioCodec, Resampler } from '../media/index.js';
import { tsAdd32, tsDiff32 } from '../util/index.js';
import type { SessionDtmfEvent, TapCodec, TappedPacket } from '../session/index.js';
import type { BridgeLeg } from './bridge-leg.js';
import type { BridgeCounters } from './bridge-types.js';

const debug = createDebug('sipline:advanced');

/** RTP timestamp ticks covered by a payload of the codecs we implement (RFC 3551 §4.5). */
function ticksOf(codec: TapCodec, payload: Uint8Array): number {
  // PCMU and PCMA: one byte per 8 kHz sample; G.722: one byte per two 16 kHz samples, and its RTP
  // clock is 8000 (RFC 3551 §4.5.2), so one byte per tick too.
  return codec.name === 'PCMU' || codec.name === 'PCMA' || codec.name === 'G722' ? payload.length : Math.round(codec.rtpClockRate / 50);
}

/** Saturate a float sample into 16 bits. */
function clamp16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
}

/** One direction: packets from `from` go to `to`. */
class Direction {
  readonly #from: BridgeLeg;
  readonly #to: BridgeLeg;
  readonly #inCodec: TapCodec;
  readonly #outCodec: TapCodec;
  readonly #counters: BridgeCounters;
  readonly #decoder: AudioCodec | undefined;
  readonly #encoder: AudioCodec | undefined;
  readonly #resampler: Resampler | undefined;
  readonly #stop: () => void;
  /** Timestamp the next packet of the sender should carry (its last timestamp plus duration). */
  #expectedTs: number | undefined;

  constructor(from: BridgeLeg, to: BridgeLeg, counters: BridgeCounters, transcode: boolean) {
    this.#from = from;
    this.#to = to;
    this.#counters = counters;
    this.#inCodec = from.codec!;
    this.#outCodec = to.codec!;
    if (transcode) {
      this.#decoder = this.#inCodec.create();
      this.#encoder = this.#outCodec.create();
      if (this.#inCodec.sampleRate !== this.#outCodec.sampleRate) {
        this.#resampler = createResampler(this.#inCodec.sampleRate, this.#outCodec.sampleRate);
      }
    }
    this.#stop = from.tap!.onPacket((p) => this.#onPacket(p));
  }

  #onPacket(p: TappedPacket): void {
    if (p.payloadType !== this.#inCodec.payloadType || this.#from.muted) return;
    const out = this.#to.tap;
    if (out === undefined) return;
    // The other leg's timestamps run on without the sender's gaps (lost packets, silence
    // suppression, a DTMF event): mark the packet after a gap as the start of a talkspurt
    // (RFC 3551 §4.1) so the receiver re-syncs its playout.
    const gap = this.#expectedTs !== undefined && tsDiff32(p.timestamp, this.#expectedTs) > 0;
    this.#expectedTs = tsAdd32(p.timestamp, ticksOf(this.#inCodec, p.payload));
    const marker = p.marker || gap;
    const decoder = this.#decoder;
    const encoder = this.#encoder;
    if (decoder === undefined || encoder === undefined) {
      if (out.send(p.payload, ticksOf(this.#outCodec, p.payload), marker)) this.#counters.relayedPackets++;
      return;
    }
    try {
      let pcm = decoder.decode(p.payload);
      const gain = this.#from.gain;
      if (gain !== 1) {
        const scaled = new Int16Array(pcm.length);
        for (let i = 0; i < pcm.length; i++) scaled[i] = clamp16(pcm[i]! * gain);
        pcm = scaled;
      }
      if (this.#resampler !== undefined) pcm = this.#resampler.process(pcm);
      if (pcm.length === 0) return;
      const payload = encoder.encode(pcm);
      const ticks = Math.round((pcm.length * this.#outCodec.rtpClockRate) / this.#outCodec.sampleRate);
      if (out.send(payload, ticks, marker)) this.#counters.transcodedPackets++;
    } catch (err) {
      debug('transcoding a packet of %s failed: %O', this.#from.id, err);
    }
  }

  stop(): void {
    this.#stop();
  }
}

/** Two legs joined by relay or transcoding. @internal */
export class PairRelay {
  /** `relay` when both legs run the same codec, else `transcode`. */
  readonly mode: 'relay' | 'transcode';
  readonly #legs: readonly [BridgeLeg, BridgeLeg];
  readonly #directions: readonly Direction[];
  readonly #resume: readonly (() => void)[];
  readonly #dtmf: readonly [(e: SessionDtmfEvent) => void, (e: SessionDtmfEvent) => void];
  #stopped = false;

  /**
   * Start relaying between `a` and `b` (both must have running media).
   * @param counters - the bridge's counters, updated per packet
   */
  constructor(a: BridgeLeg, b: BridgeLeg, counters: BridgeCounters) {
    const ca = a.codec!;
    const cb = b.codec!;
    this.mode = ca.name === cb.name && a.gain === 1 && b.gain === 1 ? 'relay' : 'transcode';
    this.#legs = [a, b];
    const transcode = this.mode === 'transcode';
    this.#resume = [a.tap!.suspendPacer(), b.tap!.suspendPacer()];
    this.#directions = [new Direction(a, b, counters, transcode), new Direction(b, a, counters, transcode)];
    const forward = (to: BridgeLeg, from: BridgeLeg) => (e: SessionDtmfEvent): void => {
      if (this.#stopped || from.muted) return;
      const tap = to.tap;
      if (tap === undefined || !tap.running) return;
      counters.dtmfForwarded++;
      const durationMs = Math.min(5000, Math.max(80, Math.round(e.duration)));
      tap.sendDtmf(e.digit, { durationMs }).catch((err: unknown) => debug('forwarding DTMF to %s failed: %O', to.id, err));
    };
    this.#dtmf = [forward(b, a), forward(a, b)];
    a.engine.on('dtmf', this.#dtmf[0]);
    b.engine.on('dtmf', this.#dtmf[1]);
    debug('%s <-> %s: %s (%s / %s)', a.id, b.id, this.mode, ca.name, cb.name);
  }

  /** True when this relay joins exactly `a` and `b`. */
  joins(a: BridgeLeg, b: BridgeLeg): boolean {
    const [x, y] = this.#legs;
    return (x === a && y === b) || (x === b && y === a);
  }

  /** Stop relaying; both legs' pacers run again. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const d of this.#directions) d.stop();
    for (const r of this.#resume) r();
    this.#legs[0].engine.off('dtmf', this.#dtmf[0]);
    this.#legs[1].engine.off('dtmf', this.#dtmf[1]);
  }
}
