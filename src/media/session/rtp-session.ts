/**
 * One call's RTP session (RFC 3550): a UDP socket pair, our random SSRC,
 * sequence number and timestamp (§5.1), symmetric RTP (RFC 4961), RTCP
 * reports at the §6.2 interval, SSRC collision handling (§8.2), rtcp-mux
 * (RFC 5761) and RFC 4733 DTMF.
 *
 * @module
 */
import type { RemoteInfo } from 'node:dgram';
import createDebug from 'debug';
import {
  InvalidArgumentError, InvalidStateError, TypedEmitter, randomIntBetween, randomToken, randomUint32, systemClock, tsAdd32, tsDiff32,
} from '../../util/index.js';
import type { Clock, TimerHandle } from '../../util/index.js';
import { DtmfReceiver } from '../dtmf/dtmf-receiver.js';
import { JitterBuffer } from '../jitter/jitter-buffer.js';
import { looksLikeRtcp, parseRtcpCompound, serializeRtcpCompound } from '../rtcp/rtcp-compound.js';
import type { RtcpPacket } from '../rtcp/rtcp-compound.js';
import { rtcpIntervalMs } from '../rtcp/rtcp-interval.js';
import { PortAllocator } from '../rtp/port-allocator.js';
import type { PortPair } from '../rtp/port-allocator.js';
import { RtpSocketError } from '../rtp/rtp-errors.js';
import { allocPacketBuffer } from '../rtp/packet-slab.js';
import { RtpPacket, writeRtpPacket } from '../rtp/rtp-packet.js';
import { CODEC_IMPAIRMENTS, estimateMos } from '../stats/e-model.js';
import { MIN_SEQUENTIAL, ReceiveStats } from '../stats/receive-stats.js';
import { DtmfSendQueue } from './dtmf-send-queue.js';
import type { SendDtmfOptions } from './dtmf-send-queue.js';
import { RtcpReporter } from './rtcp-reporter.js';
import { SourceLock } from './source-lock.js';
import { SrtpAuthenticationError, SrtpReplayError } from '../srtp/srtp-errors.js';
import type { SrtpTransform } from './srtp-transform.js';
import { SymmetricLatch } from './symmetric-latch.js';
import type { RtpAddress, RtpCodec, RtpRemote, RtpSessionEvents, RtpSessionOptions, RtpSessionStats } from './session-types.js';

const log = createDebug('sipline:media');
const FRAME_MS = 20;

/**
 * An RTP session for one call. Create with {@link RtpSession.create}, point it
 * at the peer with {@link RtpSession.setRemote} (or the `remote` option), send
 * PCM with {@link RtpSession.sendFrame}, listen to `audio`, `dtmf`, `rtcp`,
 * `ssrc-change`, `latch` and `error`, and {@link RtpSession.close} it to send
 * BYE and release the ports. Garbage on the ports is counted and dropped.
 */
export class RtpSession extends TypedEmitter<RtpSessionEvents> {
  readonly #ports: PortPair;
  readonly #codec: RtpCodec;
  readonly #clock: Clock;
  readonly #mux: boolean;
  readonly #symmetric: boolean;
  readonly #latchRtp: SymmetricLatch;
  readonly #latchRtcp: SymmetricLatch;
  readonly #lock: SourceLock;
  readonly #dtmfTx: DtmfSendQueue;
  readonly #tePt: number;
  readonly #minSequential: number;
  readonly #rtcpEnabled: boolean;
  readonly #rtcpMinMs: number;
  readonly #rtcpBw: number;
  readonly #reporter: RtcpReporter;
  readonly #dtmfRx = new DtmfReceiver(8000);
  readonly #jb: JitterBuffer | undefined;
  readonly #samplesToTs: number;
  #ssrc = randomUint32();
  #seq = randomIntBetween(0, 0x10000);
  #ts = randomUint32();
  #firstPacket = true;
  #remoteRtp: RtpAddress | undefined;
  #remoteRtcp: RtpAddress | undefined;
  #sources = new Map<number, ReceiveStats>();
  #primary: ReceiveStats | undefined;
  #sentSinceReport = false;
  #rtcpTimer: TimerHandle | undefined;
  #rtcpInitial = true;
  #avgRtcpSize = 128;
  #playoutTimer: TimerHandle | undefined;
  #playoutStart = 0;
  #playoutTicks = 0;
  #dtmfBusy = false;
  #closed = false;
  /** SRTP (RFC 3711) when the call negotiated it: protect on send, unprotect on receive. */
  #srtp: SrtpTransform | undefined;
  #c = { packetsOut: 0, bytesOut: 0, payloadOut: 0, packetsIn: 0, bytesIn: 0, rtcpOut: 0, rtcpIn: 0, garbage: 0, unknownPt: 0, foreign: 0, collisions: 0, srtpAuth: 0, srtpReplay: 0 };
  readonly #onSent = (err: Error | null): void => {
    if (err) this.#error('send failed', err);
  };

  private constructor(ports: PortPair, options: RtpSessionOptions) {
    super();
    this.#ports = ports;
    this.#codec = options.codec;
    this.#clock = options.clock ?? systemClock;
    this.#mux = options.rtcpMux ?? false;
    this.#symmetric = options.symmetric ?? true;
    this.#latchRtp = new SymmetricLatch(options.latchAfterPackets ?? 2);
    this.#latchRtcp = new SymmetricLatch(options.latchAfterPackets ?? 2);
    this.#lock = new SourceLock(options.sourceRelockMs ?? 2000);
    this.#dtmfTx = new DtmfSendQueue({
      clock: this.#clock,
      clockRate: 8000,
      closed: () => this.#closed,
      timestamp: () => this.#ts,
      send: (marker, ts, payload) => { this.#sendRtp(this.#tePt, marker, ts, payload); },
      setBusy: (busy, end) => {
        this.#dtmfBusy = busy;
        // Audio resumes after the event; its timestamp is past the tone.
        if (end !== undefined && tsDiff32(end, this.#ts) > 0) this.#ts = end;
      },
    });
    this.#tePt = options.telephoneEventPayloadType ?? 101;
    this.#srtp = options.srtp;
    this.#minSequential = options.minSequential ?? MIN_SEQUENTIAL;
    this.#rtcpEnabled = options.rtcp ?? true;
    this.#rtcpMinMs = options.rtcpIntervalMs ?? 5000;
    this.#rtcpBw = ((options.sessionBandwidthKbps ?? 80) * 1000 * 0.05) / 8;
    this.#samplesToTs = this.#codec.rtpClockRate / this.#codec.sampleRate;
    const cname = options.cname ?? `${randomToken(12)}@${ports.address}`;
    this.#reporter = new RtcpReporter(() => this.#clock.now(), cname, this.#codec.rtpClockRate);
    this.setListenerErrorHandler((err, event) => log('listener of %s threw: %O', event, err));
    if (options.jitterBuffer) {
      const codec = this.#codec;
      this.#jb = new JitterBuffer({
        decode: (p) => codec.decode(p),
        frameSamples: Math.round((codec.sampleRate * FRAME_MS) / 1000),
        clockRate: codec.rtpClockRate,
        frameMs: FRAME_MS,
        ...options.jitterBuffer,
      });
    }
    ports.rtpSocket.on('message', (msg, rinfo) => this.#onRtpDatagram(msg, rinfo));
    ports.rtpSocket.on('error', (err) => this.#error('RTP socket error', err));
    ports.rtcpSocket?.on('message', (msg, rinfo) => this.#onRtcpDatagram(msg, rinfo));
    ports.rtcpSocket?.on('error', (err) => this.#error('RTCP socket error', err));
    if (options.remote) this.setRemote(options.remote);
    if (this.#rtcpEnabled) this.#scheduleRtcp();
  }

  /**
   * Bind the ports and start the session (RTCP timer running).
   * @throws PortRangeExhaustedError when no port pair is free
   * @throws InvalidArgumentError on bad options
   */
  static async create(options: RtpSessionOptions): Promise<RtpSession> {
    const c = options.codec;
    if (!(c.rtpClockRate > 0) || !(c.sampleRate > 0) || !(c.payloadType >= 0 && c.payloadType <= 127)) {
      throw new InvalidArgumentError('codec', 'needs a payload type 0-127 and positive clock and sample rates');
    }
    const ports = await (options.ports ?? new PortAllocator({ address: options.localAddress ?? '127.0.0.1' })).allocate(options.rtcpMux ?? false);
    return new RtpSession(ports, options);
  }

  /** Our current SSRC. */
  get ssrc(): number {
    return this.#ssrc;
  }

  /** The local bound address. */
  get localAddress(): string {
    return this.#ports.address;
  }

  /** Local RTP port (even). */
  get localRtpPort(): number {
    return this.#ports.rtpPort;
  }

  /** Local RTCP port (`localRtpPort + 1`, or the same port when muxed). */
  get localRtcpPort(): number {
    return this.#ports.rtcpPort;
  }

  /** Where RTP currently goes (after latching, where it comes from). */
  get remoteRtp(): RtpAddress | undefined {
    return this.#remoteRtp;
  }

  /** True after {@link RtpSession.close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The SRTP transform in use, if any. */
  get srtp(): SrtpTransform | undefined {
    return this.#srtp;
  }

  /**
   * Start, change (re-keying after a re-INVITE, RFC 4568 §7.1.4) or stop (`undefined`) SRTP.
   * Takes effect with the next packet sent or received.
   */
  setSrtp(srtp: SrtpTransform | undefined): void {
    this.#srtp = srtp;
  }

  /** Set (or change, after a re-INVITE) the peer's addresses. */
  setRemote(remote: RtpRemote): void {
    const before = this.#remoteRtp;
    if (before === undefined || before.address !== remote.address || before.port !== remote.rtpPort) this.#lock.reset();
    this.#remoteRtp = { address: remote.address, port: remote.rtpPort };
    this.#remoteRtcp = { address: remote.address, port: remote.rtcpPort ?? (this.#mux ? remote.rtpPort : remote.rtpPort + 1) };
  }

  // ---------------------------------------------------------------- sending

  /**
   * Encode one frame of PCM and send it. During a DTMF event the audio is not
   * sent (RFC 4733 §2.5.1.1) but the timestamp still advances.
   * @returns false when there is no remote yet or DTMF is playing
   * @throws InvalidStateError after close
   */
  sendFrame(pcm: Int16Array): boolean {
    if (this.#closed) throw new InvalidStateError('sendFrame on a closed RTP session');
    const advance = Math.round(pcm.length * this.#samplesToTs);
    if (this.#dtmfBusy || this.#remoteRtp === undefined) {
      this.#ts = tsAdd32(this.#ts, advance);
      return false;
    }
    return this.sendPayload(this.#codec.encode(pcm), advance);
  }

  /**
   * Send an already encoded payload with the codec's payload type, then
   * advance the timestamp (RFC 3550 §5.1: by the samples the payload covers).
   * @returns false when there is no remote yet
   * @throws InvalidStateError after close
   */
  sendPayload(payload: Uint8Array, timestampAdvance: number, marker = false): boolean {
    if (this.#closed) throw new InvalidStateError('sendPayload on a closed RTP session');
    const ok = this.#sendRtp(this.#codec.payloadType, marker || this.#firstPacket, this.#ts, payload);
    this.#ts = tsAdd32(this.#ts, timestampAdvance);
    return ok;
  }

  #sendRtp(pt: number, marker: boolean, ts: number, payload: Uint8Array): boolean {
    const to = this.#remoteRtp;
    if (to === undefined) return false;
    this.#firstPacket = false;
    // A fresh region per datagram: dgram may queue it (socket buffer full) and send later.
    const buf = allocPacketBuffer(12 + payload.length);
    writeRtpPacket(buf, marker, pt, this.#seq, ts, this.#ssrc, payload);
    this.#seq = (this.#seq + 1) & 0xffff;
    const out = this.#srtp === undefined ? buf : this.#srtp.protectRtp(buf);
    // No callback: send errors arrive as the socket's 'error' event, and the
    // datagram skips a completion callback per packet.
    this.#ports.rtpSocket.send(out, to.port, to.address);
    this.#c.packetsOut++;
    this.#c.bytesOut += out.length;
    this.#c.payloadOut += payload.length;
    this.#sentSinceReport = true;
    return true;
  }

  /**
   * Send DTMF digits as RFC 4733 telephone-events, one after the other
   * (calls queue behind each other). Resolves when the last end packet is sent.
   * @throws InvalidArgumentError for a character that is not a DTMF digit
   */
  sendDtmf(digits: string, options?: SendDtmfOptions): Promise<void> {
    return this.#dtmfTx.send(digits, options);
  }

  // -------------------------------------------------------------- receiving

  #onRtpDatagram(datagram: Buffer, rinfo: RemoteInfo): void {
    if (this.#closed) return;
    if (this.#mux && looksLikeRtcp(datagram)) {
      this.#onRtcpDatagram(datagram, rinfo);
      return;
    }
    const msg = this.#srtp === undefined ? datagram : this.#unprotect(datagram, false);
    if (msg === undefined) return;
    let pkt: RtpPacket;
    try {
      pkt = RtpPacket.parse(msg);
    } catch {
      this.#c.garbage++;
      return;
    }
    if (pkt.ssrc === this.#ssrc && this.#collision(rinfo, this.#ports.rtpPort)) return;
    const pt = pkt.payloadType;
    const isAudio = pt === this.#codec.payloadType;
    if (!isAudio && pt !== this.#tePt) {
      this.#c.unknownPt++;
      return;
    }
    const now = this.#clock.now();
    if (!this.#lock.admits(rinfo.address, rinfo.port, now)) {
      this.#c.foreign++;
      return;
    }
    const src = this.#source(pkt.ssrc, pkt.sequenceNumber);
    if (src.update(pkt.sequenceNumber) === 'bad') return;
    this.#lock.accepted(rinfo.address, rinfo.port, now);
    this.#c.packetsIn++;
    this.#c.bytesIn += msg.length;
    this.#primary = src;
    if (this.#symmetric) this.#latch('rtp', rinfo);
    if (this.listenerCount('packet') > 0) this.safeEmit('packet', pkt);
    if (isAudio) {
      src.updateJitter(pkt.timestamp, now);
      // Audio after an event whose end packets were all lost completes it (RFC 4733 §2.5.2).
      if (this.#dtmfRx.pending) for (const ev of this.#dtmfRx.expire(now)) this.safeEmit('dtmf', ev);
      if (this.#jb !== undefined) {
        this.#jb.push(pkt.sequenceNumber, pkt.timestamp, pkt.payload, now);
        if (this.#playoutTimer === undefined) this.#startPlayout();
      } else if (this.listenerCount('audio') > 0) {
        this.safeEmit('audio', this.#codec.decode(pkt.payload), { kind: 'audio', sequenceNumber: pkt.sequenceNumber, ssrc: pkt.ssrc });
      }
    } else {
      for (const ev of this.#dtmfRx.push(pkt.timestamp, pkt.payload, now)) this.safeEmit('dtmf', ev);
    }
  }

  #source(ssrc: number, seq: number): ReceiveStats {
    const p = this.#primary;
    if (p !== undefined && p.ssrc === ssrc) return p;
    let s = this.#sources.get(ssrc);
    if (s === undefined) {
      s = new ReceiveStats(ssrc, seq, this.#codec.rtpClockRate, this.#minSequential);
      this.#sources.set(ssrc, s);
      if (this.#sources.size > 8) this.#sources.delete(this.#sources.keys().next().value as number);
    }
    return s;
  }

  /** RFC 4961 latching: follow the address the peer's packets actually come from. */
  #latch(kind: 'rtp' | 'rtcp', rinfo: RemoteInfo): void {
    const addr = kind === 'rtp'
      ? this.#latchRtp.observe(this.#remoteRtp, rinfo.address, rinfo.port)
      : this.#latchRtcp.observe(this.#remoteRtcp, rinfo.address, rinfo.port);
    if (addr === undefined) return;
    if (kind === 'rtp') {
      this.#remoteRtp = addr;
      if (this.#mux) this.#remoteRtcp = addr;
    } else {
      this.#remoteRtcp = addr;
    }
    log('latched %s onto %s:%d', kind, addr.address, addr.port);
    this.safeEmit('latch', kind, addr);
  }

  #startPlayout(): void {
    this.#playoutStart = this.#clock.now();
    this.#playoutTicks = 0;
    const tick = (): void => {
      if (this.#closed || this.#jb === undefined) return;
      const f = this.#jb.pull();
      this.safeEmit('audio', f.pcm, { kind: f.kind, sequenceNumber: f.sequenceNumber, ssrc: this.#primary?.ssrc ?? 0 });
      this.#playoutTicks++;
      // Drift-free: aim at start + n * 20 ms, not "20 ms after the last tick".
      const due = this.#playoutStart + this.#playoutTicks * FRAME_MS - this.#clock.now();
      this.#playoutTimer = this.#clock.setTimeout(tick, Math.max(0, due));
    };
    this.#playoutTimer = this.#clock.setTimeout(tick, FRAME_MS);
  }

  /**
   * SRTP / SRTCP receive processing (RFC 3711 §3.3): the clear packet, or undefined when it is
   * dropped: a tag mismatch (tampered, injected, wrong key) or a replay is counted as such,
   * anything else as garbage.
   */
  #unprotect(datagram: Buffer, rtcp: boolean): Buffer | undefined {
    try {
      return rtcp ? this.#srtp!.unprotectRtcp(datagram) : this.#srtp!.unprotectRtp(datagram);
    } catch (err) {
      if (err instanceof SrtpAuthenticationError) this.#c.srtpAuth++;
      else if (err instanceof SrtpReplayError) this.#c.srtpReplay++;
      else this.#c.garbage++;
      return undefined;
    }
  }

  #onRtcpDatagram(datagram: Buffer, rinfo: RemoteInfo): void {
    if (this.#closed) return;
    const msg = this.#srtp === undefined ? datagram : this.#unprotect(datagram, true);
    if (msg === undefined) return;
    let packets: RtcpPacket[];
    try {
      packets = parseRtcpCompound(msg);
    } catch {
      this.#c.garbage++;
      return;
    }
    this.#c.rtcpIn++;
    this.#avgRtcpSize += (msg.length + 28 - this.#avgRtcpSize) / 16; // §6.3.3, with UDP/IPv4 overhead
    const first = packets[0]!;
    const sender = first.type === 'sr' || first.type === 'rr' ? first.ssrc : undefined;
    if (sender === this.#ssrc && this.#collision(rinfo, this.#ports.rtcpPort)) return;
    if (this.#symmetric && !this.#mux) this.#latch('rtcp', rinfo);
    this.#reporter.handle(packets, this.#ssrc);
    this.safeEmit('rtcp', packets);
  }

  /**
   * A packet carries our SSRC (§8.2). From our own socket it is a loop and is
   * dropped; from anywhere else it is a collision: BYE for the old SSRC, then
   * a new random one.
   * @returns true when the packet must be dropped
   */
  #collision(rinfo: RemoteInfo, ownPort: number): boolean {
    if (rinfo.address === this.#ports.address && rinfo.port === ownPort) return true;
    const previous = this.#ssrc;
    this.#sendRtcp(this.#reporter.build(previous, undefined, this.#primary, { reason: 'SSRC collision' }));
    let next = randomUint32();
    while (next === previous) next = randomUint32();
    this.#ssrc = next;
    this.#c.collisions++;
    log('SSRC collision: %d -> %d', previous, next);
    this.safeEmit('ssrc-change', { previous, current: next, reason: 'collision' });
    return true;
  }

  // ------------------------------------------------------------------- RTCP

  #scheduleRtcp(): void {
    const t = rtcpIntervalMs({
      members: 2, senders: this.#sentSinceReport ? 2 : 1, rtcpBandwidth: this.#rtcpBw, weSent: this.#sentSinceReport,
      avgRtcpSize: this.#avgRtcpSize, initial: this.#rtcpInitial, minIntervalMs: this.#rtcpMinMs,
    });
    this.#rtcpInitial = false;
    this.#rtcpTimer = this.#clock.setTimeout(() => {
      if (this.#closed) return;
      this.sendReport();
      this.#scheduleRtcp();
    }, t);
  }

  /** Send a compound SR/RR + SDES now (normally the RTCP timer does it, §6.2). */
  sendReport(): void {
    if (this.#closed) throw new InvalidStateError('sendReport on a closed RTP session');
    this.#sendRtcp(this.#reporter.build(this.#ssrc, this.#senderInfo(), this.#primary));
    this.#sentSinceReport = false;
  }

  #senderInfo(): { rtpTimestamp: number; packetCount: number; octetCount: number } | undefined {
    if (!this.#sentSinceReport) return undefined;
    return { rtpTimestamp: this.#ts, packetCount: this.#c.packetsOut, octetCount: this.#c.payloadOut };
  }

  /** Send a compound packet; the promise settles when the datagram left (or failed). */
  #sendRtcp(packets: RtcpPacket[]): Promise<void> | undefined {
    const to = this.#remoteRtcp;
    if (to === undefined) return undefined;
    const clear = serializeRtcpCompound(packets);
    const buf = this.#srtp === undefined ? clear : this.#srtp.protectRtcp(clear);
    const sock = this.#mux ? this.#ports.rtpSocket : this.#ports.rtcpSocket!;
    const sent = new Promise<void>((resolve) => {
      sock.send(buf, to.port, to.address, (err) => {
        if (err) this.#onSent(err);
        resolve();
      });
    });
    this.#c.rtcpOut++;
    this.#avgRtcpSize += (buf.length + 28 - this.#avgRtcpSize) / 16;
    return sent;
  }

  #error(what: string, err: unknown): void {
    if (this.#closed) return;
    this.safeEmit('error', new RtpSocketError(what, err));
  }

  // ------------------------------------------------------------ stats, close

  /** Counters, receive statistics, RTT and the MOS estimate. */
  stats(): RtpSessionStats {
    const c = this.#c;
    const recv = this.#primary?.snapshot();
    const rtt = this.#reporter.rttMs;
    const jb = this.#jb?.stats();
    const lossPercent = recv !== undefined && recv.expected > 0 ? Math.max(0, (recv.cumulativeLost / recv.expected) * 100) : 0;
    const bufferMs = jb !== undefined ? jb.targetDepthMs : 2 * (recv?.jitterMs ?? 0);
    const impairment = CODEC_IMPAIRMENTS[(this.#codec.name ?? 'pcmu').toLowerCase()];
    return {
      ssrc: this.#ssrc,
      remoteSsrc: this.#primary?.ssrc,
      packetsOut: c.packetsOut,
      bytesOut: c.bytesOut,
      packetsIn: c.packetsIn,
      bytesIn: c.bytesIn,
      rtcpOut: c.rtcpOut,
      rtcpIn: c.rtcpIn,
      garbage: c.garbage,
      unknownPayloadType: c.unknownPt,
      foreign: c.foreign,
      collisions: c.collisions,
      srtpAuthFailures: c.srtpAuth,
      srtpReplays: c.srtpReplay,
      receive: recv,
      fractionLost: this.#reporter.lastFractionLost,
      rttMs: rtt,
      remoteReport: this.#reporter.peerReport,
      // No packet received: there is no quality to estimate (not the 4.4 of a perfect line).
      mos: c.packetsIn === 0 ? undefined : estimateMos({ oneWayDelayMs: (rtt ?? 0) / 2 + bufferMs + FRAME_MS, lossPercent, ...(impairment ? { codec: impairment } : {}) }),
      jitterBuffer: jb,
    };
  }

  /**
   * Send RTCP BYE (§6.6), stop the timers and release both ports. Idempotent.
   * @param reason - optional BYE reason text
   */
  async close(reason?: string): Promise<void> {
    if (this.#closed) return;
    let bye: Promise<void> | undefined;
    try {
      bye = this.#sendRtcp(this.#reporter.build(this.#ssrc, this.#senderInfo(), this.#primary, reason === undefined ? {} : { reason }));
    } catch (err) {
      log('BYE not sent: %O', err);
    }
    this.#closed = true;
    // Let the BYE leave before the socket closes (dgram resolves the address on the next tick).
    if (bye !== undefined) {
      let guard: TimerHandle | undefined;
      await Promise.race([bye, new Promise<void>((r) => { guard = this.#clock.setTimeout(r, 100); })]);
      if (guard !== undefined) this.#clock.clearTimeout(guard);
    }
    if (this.#rtcpTimer !== undefined) this.#clock.clearTimeout(this.#rtcpTimer);
    if (this.#playoutTimer !== undefined) this.#clock.clearTimeout(this.#playoutTimer);
    await this.#ports.release();
  }

  /** `await using` support: same as {@link RtpSession.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

