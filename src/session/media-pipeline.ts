/**
 * The media side of one session: RTP ports reserved for the SDP, then an `RtpSession` with the
 * negotiated codec (RFC 3264 offer/answer result), a frame pacer pulling audio from the current
 * source every ptime (silence when nothing plays, so RTP flows from the first moment and symmetric
 * RTP latching, RFC 4961, works behind NAT), and received audio decoded and fanned out to sinks.
 *
 * @module
 */
import createDebug from 'debug';
import { FramePacer, RtpSession, createCodec } from '../media/index.js';
import type {
  AudioCodec, AudioSink, AudioSource, DtmfDigitEvent, PortPair, RtpSessionStats, SendDtmfOptions,
} from '../media/index.js';
import type { NegotiatedMedia } from '../sdp/index.js';
import { InvalidStateError, TypedEmitter } from '../util/index.js';
import type { Clock, SiplineError } from '../util/index.js';
import { MediaTap } from './media-tap.js';
import { canSend } from '../sdp/index.js';
import { ReservedPorts } from './reserved-ports.js';
import { nextSrtpTransform } from './srtp-keys.js';
import { SwitchableRtpCodec } from './switchable-codec.js';

const debug = createDebug('sipline:session');

/** What the media of a session runs with, once started. */
export interface MediaInfo {
  /** Encoding name of the codec we send with, e.g. `PCMU`. */
  readonly codec: string;
  /** Its RTP payload type. */
  readonly payloadType: number;
  /** Where our RTP goes (from the remote SDP; symmetric RTP may latch elsewhere later). */
  readonly remote: { readonly address: string; readonly port: number };
  /** Our RTP address and port. */
  readonly local: { readonly address: string; readonly port: number };
}

/** Counters and quality of a session's media: the RTP session's statistics plus the codec. */
export interface MediaStats extends RtpSessionStats {
  /** Encoding name of the codec in use. */
  readonly codec: string;
  /** The SRTP crypto suite protecting the media (RFC 4568), or undefined for plain RTP. */
  readonly srtp: string | undefined;
}

/** Events of a {@link MediaPipeline}. */
export type MediaPipelineEvents = {
  /** A completed RFC 4733 DTMF digit. */
  dtmf: [event: DtmfDigitEvent];
  /** A socket error of the RTP session (media keeps running where it can). */
  error: [error: SiplineError];
};

/** Options of a {@link MediaPipeline}. */
export interface MediaPipelineOptions {
  /** The RTP/RTCP ports, bound in advance (they are in our SDP). */
  readonly ports: PortPair;
  /** Packetization time, ms. */
  readonly ptime: number;
  /** Clock for the pacer and RTCP timers. */
  readonly clock: Clock;
  /** Minimum RTCP interval, ms (RFC 3550 §6.2: 5000 by default). */
  readonly rtcpIntervalMs?: number;
  /** Label for debug logs (the session id). */
  readonly label?: string;
}

interface Playing {
  readonly source: AudioSource;
  readonly resolve: () => void;
}

const silenceFrames = new Map<number, Int16Array>();
function silence(samples: number): Int16Array {
  let s = silenceFrames.get(samples);
  if (s === undefined) {
    s = new Int16Array(samples);
    silenceFrames.set(samples, s);
  }
  return s;
}


/**
 * One session's media: reserved ports until {@link MediaPipeline.start}, then RTP both ways.
 * Play, record and DTMF work before the start too (they take effect when media flows).
 * {@link MediaPipeline.close} stops everything, closes the sinks and releases the ports.
 */
export class MediaPipeline extends TypedEmitter<MediaPipelineEvents> {
  readonly #ports: PortPair;
  readonly #ptime: number;
  readonly #clock: Clock;
  readonly #rtcpIntervalMs: number | undefined;
  readonly #label: string;
  readonly #sinks = new Set<AudioSink>();
  #rtp: RtpSession | undefined;
  #codec: AudioCodec | undefined;
  /** The codec the RTP session runs with; replaceable by a re-INVITE (see media-update.ts). */
  #rtpCodec: SwitchableRtpCodec | undefined;
  /** False while the negotiated direction forbids sending (held by the far end, inactive). */
  #sending = true;
  /** Muted: silence goes out instead of what plays. */
  #muted = false;
  #pacer: FramePacer | undefined;
  #playing: Playing | undefined;
  #info: MediaInfo | undefined;
  #starting: Promise<MediaInfo> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Raw RTP access for bridges (see media-tap.ts). @internal */
  readonly tap = new MediaTap();
  readonly #onAudio = (pcm: Int16Array): void => {
    const codec = this.#codec;
    if (codec !== undefined) this.#deliver(pcm, codec.sampleRate);
  };

  /** @param options - reserved ports, ptime, clock */
  constructor(options: MediaPipelineOptions) {
    super();
    this.#ports = options.ports;
    this.#ptime = options.ptime;
    this.#clock = options.clock;
    this.#rtcpIntervalMs = options.rtcpIntervalMs;
    this.#label = options.label ?? 'media';
    // Until the RTP session takes the sockets over, an error on them must not crash the process.
    const ignore = (err: Error): void => debug('%s: RTP socket error before start: %s', this.#label, err.message);
    this.#ports.rtpSocket.on('error', ignore);
    this.#ports.rtcpSocket?.on('error', ignore);
    this.setListenerErrorHandler((err, event) => debug('%s: media %s listener threw: %O', this.#label, event, err));
  }

  /** Our RTP address (what the SDP advertises unless a public address overrides it). */
  get localAddress(): string {
    return this.#ports.address;
  }

  /** Our RTP port (even). */
  get localRtpPort(): number {
    return this.#ports.rtpPort;
  }

  /** Our RTCP port. */
  get localRtcpPort(): number {
    return this.#ports.rtcpPort;
  }

  /** Codec, remote and local address once started; `undefined` before. */
  get info(): MediaInfo | undefined {
    return this.#info;
  }

  /** True once {@link MediaPipeline.start} completed and until {@link MediaPipeline.close}. */
  get running(): boolean {
    return this.#info !== undefined && !this.#closed;
  }

  /** True after {@link MediaPipeline.close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Start RTP with the result of offer/answer: codec, payload types and remote address. A second
   * call only updates the remote address (e.g. the 2xx after early media in a 183).
   * @throws InvalidStateError after close
   * @throws CodecError when the negotiated codec is not one the media engine implements
   */
  start(media: NegotiatedMedia): Promise<MediaInfo> {
    if (this.#closed) return Promise.reject(new InvalidStateError('start on closed media'));
    if (this.#starting !== undefined) {
      return this.#starting.then((info) => {
        this.#syncSrtp(media);
        return this.#updateRemote(media, info);
      });
    }
    this.#starting = this.#start(media);
    return this.#starting;
  }

  async #start(media: NegotiatedMedia): Promise<MediaInfo> {
    const codec = createCodec(media.codec.name);
    const remote = usableRemote(media);
    const rtp = await RtpSession.create({
      codec: (this.#rtpCodec = new SwitchableRtpCodec(codec, media.codec.payloadType)),
      ports: new ReservedPorts(this.#ports),
      rtcpMux: media.rtcpMux,
      ...(remote ? { remote: { address: media.remoteAddress, rtpPort: media.remotePort, rtcpPort: media.remoteRtcpPort } } : {}),
      ...(media.telephoneEvent ? { telephoneEventPayloadType: media.telephoneEvent.payloadType } : {}),
      ...(this.#rtcpIntervalMs !== undefined ? { rtcpIntervalMs: this.#rtcpIntervalMs } : {}),
      ...(media.srtp !== undefined ? { srtp: nextSrtpTransform(media.srtp, undefined)! } : {}),
      clock: this.#clock,
    });
    this.#rtp = rtp;
    this.#codec = codec;
    this.#sending = canSend(media.direction);
    this.#syncDecoding();
    rtp.on('dtmf', (event) => this.safeEmit('dtmf', event));
    rtp.on('error', (err) => this.safeEmit('error', err));
    if (this.#closed) {
      await rtp.close();
      throw new InvalidStateError('media closed while starting');
    }
    const frameSamples = codec.frameSamples(this.#ptime);
    const pacer = new FramePacer({ intervalMs: this.#ptime, clock: this.#clock });
    this.#pacer = pacer;
    pacer.start(() => this.#tick(rtp, frameSamples, codec.sampleRate));
    const info: MediaInfo = Object.freeze({
      codec: codec.name,
      payloadType: media.codec.payloadType,
      remote: Object.freeze({ address: media.remoteAddress, port: media.remotePort }),
      local: Object.freeze({ address: this.#ports.address, port: this.#ports.rtpPort }),
    });
    this.#info = info;
    this.tap.attach(rtp, codec, media.codec.payloadType, media.telephoneEvent?.payloadType, () => this.#sending);
    debug('%s: media started, %s to %s:%d', this.#label, codec.name, media.remoteAddress, media.remotePort);
    return info;
  }

  /** SDES keys of a new exchange: kept when unchanged, re-keyed when a side changed its key (RFC 4568 §7.1.4). */
  #syncSrtp(media: NegotiatedMedia): void {
    const rtp = this.#rtp;
    if (rtp === undefined || rtp.closed) return;
    const srtp = nextSrtpTransform(media.srtp, rtp.srtp);
    if (srtp !== rtp.srtp) {
      rtp.setSrtp(srtp);
      debug('%s: SRTP %s', this.#label, srtp === undefined ? 'off' : `keyed (${srtp.profile})`);
    }
  }

  #updateRemote(media: NegotiatedMedia, info: MediaInfo): MediaInfo {
    const rtp = this.#rtp;
    if (rtp === undefined || rtp.closed || !usableRemote(media)) return info;
    if (media.remoteAddress === info.remote.address && media.remotePort === info.remote.port) return info;
    rtp.setRemote({ address: media.remoteAddress, rtpPort: media.remotePort, rtcpPort: media.remoteRtcpPort });
    const next: MediaInfo = Object.freeze({ ...info, remote: Object.freeze({ address: media.remoteAddress, port: media.remotePort }) });
    this.#info = next;
    return next;
  }

  #tick(rtp: RtpSession, frameSamples: number, sampleRate: number): void {
    if (rtp.closed || this.tap.pacerSuspended) return;
    let frame: Int16Array | null = null;
    const playing = this.#playing;
    if (playing !== undefined) {
      try {
        frame = playing.source.read(frameSamples, sampleRate);
      } catch (err) {
        debug('%s: audio source threw, playback ends: %O', this.#label, err);
        frame = null;
      }
      if (frame === null) this.#endPlayback(playing);
    }
    if (!this.#sending) return;
    rtp.sendFrame(this.#muted ? silence(frameSamples) : frame ?? silence(frameSamples));
  }

  #deliver(pcm: Int16Array, sampleRate: number): void {
    for (const sink of this.#sinks) {
      try {
        sink.write(pcm, sampleRate);
      } catch (err) {
        debug('%s: audio sink threw, detached: %O', this.#label, err);
        this.#sinks.delete(sink);
        this.#syncDecoding();
        void sink.close().catch(() => undefined);
      }
    }
  }

  #endPlayback(playing: Playing): void {
    if (this.#playing === playing) this.#playing = undefined;
    try {
      playing.source.close();
    } catch (err) {
      debug('%s: audio source close threw: %O', this.#label, err);
    }
    playing.resolve();
  }

  /**
   * Play `source` instead of whatever plays now (which ends: its promise resolves). Resolves when
   * the source ends, is replaced, or the media closes; silence follows.
   */
  play(source: AudioSource): Promise<void> {
    if (this.#closed) return Promise.reject(new InvalidStateError('play on closed media'));
    const previous = this.#playing;
    return new Promise<void>((resolve) => {
      this.#playing = { source, resolve };
      if (previous !== undefined) this.#endPlayback(previous);
    });
  }

  /** Stop what plays (its promise resolves); silence follows. */
  stopPlayback(): void {
    const playing = this.#playing;
    if (playing !== undefined) this.#endPlayback(playing);
  }

  /** Deliver every received frame to `sink` from now on. */
  addSink(sink: AudioSink): void {
    if (this.#closed) throw new InvalidStateError('record on closed media');
    this.#sinks.add(sink);
    this.#syncDecoding();
  }

  /** Decode received audio only while a sink wants it (a relayed call decodes nothing). */
  #syncDecoding(): void {
    const rtp = this.#rtp;
    if (rtp === undefined) return;
    const decoding = rtp.listenerCount('audio') > 0;
    if (this.#sinks.size > 0 && !decoding) rtp.on('audio', this.#onAudio);
    else if (this.#sinks.size === 0 && decoding) rtp.off('audio', this.#onAudio);
  }

  /** Stop delivering to `sink` and close it. Does nothing for a sink not attached. */
  async removeSink(sink: AudioSink): Promise<void> {
    if (!this.#sinks.delete(sink)) return;
    this.#syncDecoding();
    await sink.close();
  }

  /**
   * Send DTMF digits as RFC 4733 telephone-events.
   * @throws InvalidStateError before media started or after close
   */
  sendDtmf(digits: string, options?: SendDtmfOptions): Promise<void> {
    const rtp = this.#rtp;
    if (rtp === undefined || this.#closed) return Promise.reject(new InvalidStateError('sendDtmf: media is not running'));
    return rtp.sendDtmf(digits, options);
  }

  /** True while muted: silence is sent instead of what plays (no renegotiation). */
  get muted(): boolean {
    return this.#muted;
  }

  /** Send silence instead of what plays (`true`), or the audio again (`false`). */
  setMuted(muted: boolean): void {
    this.#muted = muted;
  }

  /** True while the negotiated direction lets us send RTP. */
  get sending(): boolean {
    return this.#sending;
  }

  /**
   * Apply the result of a new offer/answer exchange to the running media (RFC 3264 §8): the
   * remote address and port, the direction (RTP sending stops while the far end does not want
   * it, and restarts), and the codec when it changed. Before media started, it starts it.
   * @returns false (nothing changed) when the new codec cannot replace the running one in place
   *   (a different sample rate); check first with {@link MediaPipeline.canSwitchCodec}
   * @throws InvalidStateError after close
   */
  async update(media: NegotiatedMedia): Promise<boolean> {
    if (this.#closed) throw new InvalidStateError('update on closed media');
    if (this.#starting === undefined) {
      await this.start(media);
      return true;
    }
    const info = await this.#starting;
    const rtpCodec = this.#rtpCodec;
    this.#syncSrtp(media);
    let next = this.#updateRemote(media, this.#info ?? info);
    if (rtpCodec !== undefined && (media.codec.payloadType !== rtpCodec.payloadType || media.codec.name.toUpperCase() !== rtpCodec.name.toUpperCase())) {
      const codec = createCodec(media.codec.name);
      if (!rtpCodec.switchTo(codec, media.codec.payloadType)) return false;
      this.#codec = codec;
      this.tap.retune(codec, media.codec.payloadType);
      next = Object.freeze({ ...next, codec: codec.name, payloadType: media.codec.payloadType });
      debug('%s: codec switched to %s/%d', this.#label, codec.name, media.codec.payloadType);
    }
    this.#info = next;
    this.#sending = canSend(media.direction);
    return true;
  }

  /** True when media may switch to codec `name` in place (not started yet, or the same rates). */
  canSwitchCodec(name: string): boolean {
    const rtpCodec = this.#rtpCodec;
    if (rtpCodec === undefined) return true;
    try {
      return rtpCodec.compatible(createCodec(name));
    } catch {
      return false;
    }
  }

  /** RTP statistics and MOS, or `undefined` before media started. */
  stats(): MediaStats | undefined {
    const rtp = this.#rtp;
    const codec = this.#codec;
    if (rtp === undefined || codec === undefined) return undefined;
    return { ...rtp.stats(), codec: codec.name, srtp: rtp.srtp?.profile };
  }

  /**
   * Stop the pacer, end playback, close the RTP session (RTCP BYE) or release the reserved
   * ports, and close every sink. Idempotent; never rejects.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#pacer?.stop();
    this.tap.detach();
    this.stopPlayback();
    try {
      await this.#starting;
    } catch {
      /* a failed start left nothing running */
    }
    const rtp = this.#rtp;
    try {
      if (rtp !== undefined) await rtp.close();
      else await this.#ports.release();
    } catch (err) {
      debug('%s: closing RTP failed: %O', this.#label, err);
    }
    await this.#ports.release();
    const sinks = [...this.#sinks];
    this.#sinks.clear();
    await Promise.all(sinks.map((s) => s.close().catch((err: unknown) => debug('%s: sink close failed: %O', this.#label, err))));
    this.removeAllListeners();
    debug('%s: media closed', this.#label);
  }
}

function usableRemote(media: NegotiatedMedia): boolean {
  return media.remotePort > 0 && media.remoteAddress !== '0.0.0.0' && media.remoteAddress !== '::';
}
