/**
 * SRTP and SRTCP packet protection (RFC 3711 §3, §4) for the AES-CM / HMAC-SHA1
 * suites: one context per master key, i.e. per direction of an SDES exchange
 * (RFC 4568 §6.1: each side sends with its own key).
 *
 * ```
 * SRTP:  | RTP header | encrypted payload | auth tag (10 or 4) |      tag = HMAC-SHA1(k_a, header | payload | ROC)
 * SRTCP: | RTCP header + SSRC (8) | encrypted rest | E + 31-bit index | auth tag (10) |
 * ```
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '../../util/index.js';
import { AesCmCipher, srtpIv } from './aes-cm.js';
import { deriveSessionKeys, type SrtpSessionKeys } from './key-derivation.js';
import { ReplayWindow } from './replay-window.js';
import { guessPacketIndex } from './rtp-index.js';
import { SrtpAuthenticationError, SrtpKeyExhaustedError, SrtpReplayError, SrtpTooShortError } from './srtp-errors.js';
import { SRTP_PROFILES, isSrtpProfileName, type SrtpProfile, type SrtpProfileName } from './srtp-profile.js';

const MAX_RTP_INDEX = 2 ** 48 - 1;
const MAX_RTCP_INDEX = 0x7fffffff;

/** Options of {@link SrtpContext}. */
export interface SrtpContextOptions {
  /** Crypto suite. */
  readonly profile: SrtpProfileName;
  /** 16-byte master key. */
  readonly masterKey: Uint8Array;
  /** 14-byte master salt. */
  readonly masterSalt: Uint8Array;
  /** Replay window size in packets (default and minimum 64, RFC 3711 §3.3.2). */
  readonly replayWindowSize?: number;
  /** Encrypt SRTCP (default true; false is the `UNENCRYPTED_SRTCP` session parameter of RFC 4568 §6.3.2). */
  readonly encryptRtcp?: boolean;
  /** Most SSRCs with state kept per direction; the least recently used is dropped first (default 32). */
  readonly maxStreams?: number;
}

interface RtpSendState { roc: number; seq: number }
interface RtpRecvState { roc: number; seq: number; window: ReplayWindow }

/**
 * Protects outgoing and unprotects incoming RTP and RTCP packets with one master key.
 * Sending and receiving keep separate per-SSRC state (rollover counter, highest
 * sequence number, SRTCP index, replay windows).
 *
 * Errors: {@link SrtpTooShortError}, {@link SrtpAuthenticationError}, {@link SrtpReplayError},
 * {@link SrtpKeyExhaustedError}. A failed unprotect changes no state.
 */
export class SrtpContext {
  readonly #profile: SrtpProfile;
  readonly #rtp: SrtpSessionKeys;
  readonly #rtcp: SrtpSessionKeys;
  readonly #rtpCipher: AesCmCipher;
  readonly #rtcpCipher: AesCmCipher;
  readonly #windowSize: number;
  readonly #encryptRtcp: boolean;
  readonly #maxStreams: number;
  readonly #rtpSend = new Map<number, RtpSendState>();
  readonly #rtpRecv = new Map<number, RtpRecvState>();
  readonly #rtcpSend = new Map<number, number>();
  readonly #rtcpRecv = new Map<number, ReplayWindow>();

  /** @param options - suite, master key and salt; see {@link SrtpContextOptions} */
  constructor(options: SrtpContextOptions) {
    if (!isSrtpProfileName(options.profile)) throw new InvalidArgumentError('profile', `unsupported SRTP profile ${String(options.profile)}`);
    this.#profile = SRTP_PROFILES[options.profile];
    if (options.masterKey.length !== this.#profile.keyLength) throw new InvalidArgumentError('masterKey', `must be ${this.#profile.keyLength} bytes`);
    if (options.masterSalt.length !== this.#profile.saltLength) throw new InvalidArgumentError('masterSalt', `must be ${this.#profile.saltLength} bytes`);
    this.#windowSize = options.replayWindowSize ?? 64;
    if (!Number.isInteger(this.#windowSize) || this.#windowSize < 64 || this.#windowSize > 32768) {
      throw new InvalidArgumentError('replayWindowSize', 'must be an integer in 64..32768');
    }
    this.#maxStreams = options.maxStreams ?? 32;
    if (!Number.isInteger(this.#maxStreams) || this.#maxStreams < 1) throw new InvalidArgumentError('maxStreams', 'must be a positive integer');
    this.#encryptRtcp = options.encryptRtcp ?? true;
    this.#rtp = deriveSessionKeys(options.masterKey, options.masterSalt, false);
    this.#rtcp = deriveSessionKeys(options.masterKey, options.masterSalt, true);
    this.#rtpCipher = new AesCmCipher(this.#rtp.encryptionKey);
    this.#rtcpCipher = new AesCmCipher(this.#rtcp.encryptionKey);
  }

  /**
   * A context from the 30-byte `key || salt` of an SDES `inline:` parameter (RFC 4568 §6.1).
   *
   * @throws InvalidArgumentError when the length does not fit the suite
   */
  static fromKeySalt(profile: SrtpProfileName, keySalt: Uint8Array, options: Omit<SrtpContextOptions, 'profile' | 'masterKey' | 'masterSalt'> = {}): SrtpContext {
    const p = SRTP_PROFILES[profile];
    if (p === undefined) throw new InvalidArgumentError('profile', `unsupported SRTP profile ${String(profile)}`);
    if (keySalt.length !== p.keyLength + p.saltLength) throw new InvalidArgumentError('keySalt', `must be ${p.keyLength + p.saltLength} bytes`);
    return new SrtpContext({ ...options, profile, masterKey: keySalt.subarray(0, p.keyLength), masterSalt: keySalt.subarray(p.keyLength) });
  }

  /** The suite in use. */
  get profile(): SrtpProfile {
    return this.#profile;
  }

  /** The receive-side rollover counter of an SSRC, or undefined before its first packet. */
  receiveRoc(ssrc: number): number | undefined {
    return this.#rtpRecv.get(ssrc >>> 0)?.roc;
  }

  /** The send-side rollover counter of an SSRC, or undefined before its first packet. */
  sendRoc(ssrc: number): number | undefined {
    return this.#rtpSend.get(ssrc >>> 0)?.roc;
  }

  /**
   * SRTP-protects one RTP packet (RFC 3711 §3.3): encrypts the payload and appends the tag.
   * Returns a new buffer; the input is not changed.
   *
   * @throws SrtpTooShortError when the RTP header is incomplete
   * @throws SrtpKeyExhaustedError after 2^48 packets of one SSRC
   */
  protectRtp(packet: Uint8Array): Buffer {
    const headerLength = rtpHeaderLength(packet, 0);
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    const ssrc = view.readUInt32BE(8);
    const seq = view.readUInt16BE(2);
    let state = this.#rtpSend.get(ssrc);
    let index: number;
    if (state === undefined) {
      state = { roc: 0, seq };
      index = seq;
    } else {
      const guess = guessPacketIndex(state.seq, state.roc, seq);
      index = guess.index;
      if (index > state.roc * 0x10000 + state.seq) {
        state.roc = guess.roc;
        state.seq = seq;
      }
    }
    if (index > MAX_RTP_INDEX) throw new SrtpKeyExhaustedError('rtp');
    touch(this.#rtpSend, ssrc, state, this.#maxStreams);
    const roc = Math.floor(index / 0x10000);
    const tagLength = this.#profile.rtpTagLength;
    const out = Buffer.alloc(packet.length + tagLength);
    out.set(view.subarray(0, headerLength), 0);
    const iv = srtpIv(this.#rtp.salt, ssrc, index);
    out.set(this.#rtpCipher.transform(iv, view.subarray(headerLength)), headerLength);
    this.#rtpTag(out.subarray(0, packet.length), roc).copy(out, packet.length, 0, tagLength);
    return out;
  }

  /**
   * Checks and decrypts one SRTP packet (RFC 3711 §3.3, receiver steps 1-7): index
   * estimation, replay check, tag check in constant time, decryption, then state update.
   * Returns the RTP packet without the tag.
   *
   * @throws SrtpTooShortError when header and tag do not fit
   * @throws SrtpReplayError when the index was seen or is older than the window
   * @throws SrtpAuthenticationError when the tag does not match
   */
  unprotectRtp(packet: Uint8Array): Buffer {
    const tagLength = this.#profile.rtpTagLength;
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    if (view.length < 12 + tagLength) throw new SrtpTooShortError('rtp', view.length, 12 + tagLength);
    const body = view.subarray(0, view.length - tagLength);
    const headerLength = rtpHeaderLength(body, tagLength);
    const ssrc = view.readUInt32BE(8);
    const seq = view.readUInt16BE(2);
    const state = this.#rtpRecv.get(ssrc);
    const guess = state === undefined ? { roc: 0, index: seq } : guessPacketIndex(state.seq, state.roc, seq);
    if (state !== undefined && !state.window.check(guess.index)) throw new SrtpReplayError('rtp', guess.index);
    const expected = this.#rtpTag(body, guess.roc);
    if (!timingSafeEqual(expected.subarray(0, tagLength), view.subarray(body.length))) throw new SrtpAuthenticationError('rtp');
    const out = Buffer.alloc(body.length);
    out.set(body.subarray(0, headerLength), 0);
    out.set(this.#rtpCipher.transform(srtpIv(this.#rtp.salt, ssrc, guess.index), body.subarray(headerLength)), headerLength);
    const s = state ?? { roc: guess.roc, seq, window: new ReplayWindow(this.#windowSize) };
    if (guess.index > s.roc * 0x10000 + s.seq) {
      s.roc = guess.roc;
      s.seq = seq;
    }
    s.window.accept(guess.index);
    touch(this.#rtpRecv, ssrc, s, this.#maxStreams);
    return out;
  }

  /**
   * SRTCP-protects one RTCP (compound) packet (RFC 3711 §3.4): encrypts everything after
   * the first 8 bytes (unless SRTCP encryption is off), appends E flag + SRTCP index and the tag.
   *
   * @throws SrtpTooShortError when shorter than an RTCP header with SSRC
   * @throws SrtpKeyExhaustedError after 2^31 packets of one SSRC
   */
  protectRtcp(packet: Uint8Array): Buffer {
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    if (view.length < 8) throw new SrtpTooShortError('rtcp', view.length, 8);
    const ssrc = view.readUInt32BE(4);
    const index = this.#rtcpSend.get(ssrc) ?? 0;
    if (index > MAX_RTCP_INDEX) throw new SrtpKeyExhaustedError('rtcp');
    touch(this.#rtcpSend, ssrc, index + 1, this.#maxStreams);
    const tagLength = this.#profile.rtcpTagLength;
    const out = Buffer.alloc(view.length + 4 + tagLength);
    out.set(view.subarray(0, 8), 0);
    const rest = view.subarray(8);
    out.set(this.#encryptRtcp ? this.#rtcpCipher.transform(srtpIv(this.#rtcp.salt, ssrc, index), rest) : rest, 8);
    out.writeUInt32BE(((this.#encryptRtcp ? 0x80000000 : 0) | index) >>> 0, view.length);
    this.#rtcpTag(out.subarray(0, view.length + 4)).copy(out, view.length + 4, 0, tagLength);
    return out;
  }

  /**
   * Checks and decrypts one SRTCP packet (RFC 3711 §3.4): tag check in constant time,
   * replay check on the SRTCP index, decryption when the E flag is set.
   *
   * @throws SrtpTooShortError when header, index and tag do not fit
   * @throws SrtpAuthenticationError when the tag does not match
   * @throws SrtpReplayError when the SRTCP index was seen or is older than the window
   */
  unprotectRtcp(packet: Uint8Array): Buffer {
    const tagLength = this.#profile.rtcpTagLength;
    const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    const min = 8 + 4 + tagLength;
    if (view.length < min) throw new SrtpTooShortError('rtcp', view.length, min);
    const authed = view.subarray(0, view.length - tagLength);
    if (!timingSafeEqual(this.#rtcpTag(authed).subarray(0, tagLength), view.subarray(authed.length))) throw new SrtpAuthenticationError('rtcp');
    const word = view.readUInt32BE(authed.length - 4);
    const encrypted = (word & 0x80000000) !== 0;
    const index = word & 0x7fffffff;
    const ssrc = view.readUInt32BE(4);
    const window = this.#rtcpRecv.get(ssrc) ?? new ReplayWindow(this.#windowSize);
    if (!window.check(index)) throw new SrtpReplayError('rtcp', index);
    const rest = view.subarray(8, authed.length - 4);
    const out = Buffer.alloc(authed.length - 4);
    out.set(view.subarray(0, 8), 0);
    out.set(encrypted ? this.#rtcpCipher.transform(srtpIv(this.#rtcp.salt, ssrc, index), rest) : rest, 8);
    window.accept(index);
    touch(this.#rtcpRecv, ssrc, window, this.#maxStreams);
    return out;
  }

  #rtpTag(authenticated: Uint8Array, roc: number): Buffer {
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc >>> 0, 0);
    return createHmac('sha1', this.#rtp.authenticationKey).update(authenticated).update(rocBytes).digest();
  }

  #rtcpTag(authenticated: Uint8Array): Buffer {
    return createHmac('sha1', this.#rtcp.authenticationKey).update(authenticated).digest();
  }
}

/** Length of the RTP header (fixed part, CSRCs, extension), checked against the packet (RFC 3550 §5.1, §5.3.1). */
function rtpHeaderLength(packet: Uint8Array, trailer: number): number {
  const n = packet.length;
  if (n < 12) throw new SrtpTooShortError('rtp', n + trailer, 12 + trailer);
  let len = 12 + (packet[0]! & 0x0f) * 4;
  if (n < len) throw new SrtpTooShortError('rtp', n + trailer, len + trailer);
  if ((packet[0]! & 0x10) !== 0) {
    if (n < len + 4) throw new SrtpTooShortError('rtp', n + trailer, len + 4 + trailer);
    len += 4 + ((packet[len + 2]! << 8) | packet[len + 3]!) * 4;
    if (n < len) throw new SrtpTooShortError('rtp', n + trailer, len + trailer);
  }
  return len;
}

/** Moves `key` to the most recently used end of `map`, dropping the oldest entry past `max`. */
function touch<V>(map: Map<number, V>, key: number, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as number);
}
