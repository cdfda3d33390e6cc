/**
 * SDES key exchange in offer/answer (RFC 4568 §5-§7, RFC 3711 for the transforms): which
 * `a=crypto` lines our offers carry, which offered line an answer picks, and what an answer to
 * our offer agreed. The wire form of one attribute is `crypto-attribute.ts`; the `media` layer
 * applies the keys; the `session` layer keeps our keys for the life of a dialog.
 *
 * Policies (`media.srtp`):
 * - `off`: plain RTP/AVP; an RTP/SAVP offer is refused, `a=crypto` in an RTP/AVP offer ignored.
 * - `optional`: our offers are RTP/AVP with `a=crypto` ("best-effort SRTP": peers that know SDES
 *   use it, others ignore the lines); as answerer we use SRTP whenever the offer carries a usable
 *   `a=crypto`, under RTP/SAVP or RTP/AVP.
 * - `required`: our offers are RTP/SAVP with `a=crypto`; as answerer an offer without a usable
 *   `a=crypto` is refused (488).
 *
 * @module
 */
import type { MediaDescription } from 'sdp-transform';
import { parseCryptoAttribute, serializeCryptoAttribute } from './crypto-attribute.js';
import type { CryptoAttribute } from './crypto-attribute.js';
import { SdpNegotiationError } from './errors.js';

/** `media.srtp`: whether calls use SRTP with SDES keys (see the module comment). */
export type SrtpPolicy = 'off' | 'optional' | 'required';

/** The SDES crypto suites sipline implements (RFC 4568 §6.2). */
export type SdesSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

/** Every {@link SdesSuite}, in the default order of preference (the 80-bit tag first). */
export const SDES_SUITES: readonly SdesSuite[] = Object.freeze(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const);

/** The session parameter that leaves SRTCP unencrypted (RFC 4568 §6.3.2); we echo it. */
const UNENCRYPTED_SRTCP = 'UNENCRYPTED_SRTCP';

/** What SRTP an offer/answer exchange agreed, from our side (RFC 4568 §6.1: one key per direction). */
export interface NegotiatedSrtp {
  /** The crypto suite. */
  readonly suite: SdesSuite;
  /** Tag of the accepted `a=crypto` line (RFC 4568 §4.1). */
  readonly tag: number;
  /** Our master key || salt (30 bytes): what we send is protected with it. */
  readonly localKeySalt: Uint8Array;
  /** The far end's master key || salt: what we receive is checked and decrypted with it. */
  readonly remoteKeySalt: Uint8Array;
  /** SRTCP is encrypted (false when both sides wrote `UNENCRYPTED_SRTCP`). */
  readonly encryptRtcp: boolean;
}

/** The SDES part of an offer: the transport protocol and our `a=crypto` lines. */
export interface SdesOffer {
  /** `RTP/SAVP` (SRTP required) or `RTP/AVP` (best-effort SRTP). */
  readonly protocol: 'RTP/SAVP' | 'RTP/AVP';
  /** Our `a=crypto` lines, one per suite, in order of preference, each with its own key. */
  readonly crypto: readonly CryptoAttribute[];
}

/** How an answer treats SDES (see {@link SrtpPolicy}). */
export interface SdesAnswerPolicy {
  /** The policy. */
  readonly policy: SrtpPolicy;
  /** Suites we accept. */
  readonly suites: readonly SdesSuite[];
  /** Our own key || salt for a suite (kept across re-offers of the dialog). */
  readonly keyFor: (suite: SdesSuite) => Uint8Array;
}

/** The SDES outcome of one offered m-line, for the answerer. */
export type SdesAnswerDecision =
  | { readonly accept: false }
  | { readonly accept: true; readonly srtp?: NegotiatedSrtp; readonly line?: CryptoAttribute };

/** True for the transport protocols sipline answers: RTP/AVP and RTP/SAVP (RFC 3551, RFC 3711). */
export function isRtpProtocol(protocol: string): boolean {
  const p = protocol.toUpperCase();
  return p === 'RTP/AVP' || p === 'RTP/SAVP';
}

/** The raw `a=crypto:` values of each m-section of `text`, by m-line index (sdp-transform keeps one session parameter only). */
export function cryptoLinesByMedia(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('m=')) out.push([]);
    else if (line.startsWith('a=crypto:') && out.length > 0) out[out.length - 1]!.push(line.slice('a=crypto:'.length).trim());
  }
  return out;
}

/**
 * The usable lines among `values` in their order: well-formed, a suite we accept, one key
 * without MKI (we send no MKI), and only session parameters we implement (`UNENCRYPTED_SRTCP`,
 * `KDR=0`, `WSH=`). RFC 4568 §6.3: a line with parameters we do not understand is not used.
 */
export function usableCrypto(values: readonly string[], suites: readonly SdesSuite[]): CryptoAttribute[] {
  const out: CryptoAttribute[] = [];
  for (const value of values) {
    let attr: CryptoAttribute;
    try {
      attr = parseCryptoAttribute(value);
    } catch {
      continue;
    }
    if (!(suites as readonly string[]).includes(attr.suite)) continue;
    if (attr.keys.length !== 1 || attr.keys[0]!.mki !== undefined) continue;
    if (!attr.sessionParams.every((p) => p === UNENCRYPTED_SRTCP || p === 'KDR=0' || /^WSH=\d{1,5}$/.test(p))) continue;
    out.push(attr);
  }
  return out;
}

/** The `crypto` lines of an sdp-transform media description for these attributes. */
export function cryptoAttributes(lines: readonly CryptoAttribute[]): Pick<MediaDescription, 'crypto'> {
  if (lines.length === 0) return {};
  return {
    crypto: lines.map((attr) => {
      const [, suite, config, ...params] = serializeCryptoAttribute(attr).split(' ');
      return { id: attr.tag, suite: suite!, config: config!, ...(params.length > 0 ? { sessionConfig: params.join(' ') } : {}) };
    }),
  };
}

/**
 * The answerer's SDES decision for one offered audio m-line (RFC 4568 §7.1.2): the first usable
 * offered line (the offerer's order), answered with the same tag and suite and our own key.
 *
 * @param protocol - the offered m-line's protocol
 * @param offered - its raw `a=crypto` values
 * @param policy - ours; absent means `off`
 */
export function answerSdes(protocol: string, offered: readonly string[], policy: SdesAnswerPolicy | undefined): SdesAnswerDecision {
  const secure = protocol.toUpperCase() === 'RTP/SAVP';
  if (policy === undefined || policy.policy === 'off') return secure ? { accept: false } : { accept: true };
  const chosen = usableCrypto(offered, policy.suites)[0];
  if (chosen === undefined) return secure || policy.policy === 'required' ? { accept: false } : { accept: true };
  const suite = chosen.suite as SdesSuite;
  const localKeySalt = policy.keyFor(suite);
  const encryptRtcp = !chosen.sessionParams.includes(UNENCRYPTED_SRTCP);
  const line: CryptoAttribute = Object.freeze({
    tag: chosen.tag,
    suite,
    keys: Object.freeze([Object.freeze({ keySalt: localKeySalt })]),
    sessionParams: Object.freeze(encryptRtcp ? [] : [UNENCRYPTED_SRTCP]),
  });
  return {
    accept: true,
    line,
    srtp: Object.freeze({ suite, tag: chosen.tag, localKeySalt, remoteKeySalt: chosen.keys[0]!.keySalt, encryptRtcp }),
  };
}

/**
 * What an answer agreed about SRTP, for the offerer (RFC 4568 §7.1.3, §7.5): the answer's
 * `a=crypto` must echo the tag and suite of one of our lines; its key is the far end's. An
 * RTP/SAVP offer answered without a usable line fails; a best-effort (RTP/AVP) offer answered
 * without one runs plain RTP.
 *
 * @param offerProtocol - protocol of our offered m-line
 * @param ours - raw `a=crypto` values of our offered m-line
 * @param answered - raw `a=crypto` values of the answer's m-line
 * @returns undefined when the call runs plain RTP
 * @throws {@link SdpNegotiationError} `ERR_SDP_SRTP_MISMATCH` when the answer does not fit
 */
export function applySdesAnswer(offerProtocol: string, ours: readonly string[], answered: readonly string[]): NegotiatedSrtp | undefined {
  if (ours.length === 0) return undefined;
  const offered = usableCrypto(ours, SDES_SUITES);
  const secure = offerProtocol.toUpperCase() === 'RTP/SAVP';
  const theirs = usableCrypto(answered, SDES_SUITES)[0];
  if (theirs === undefined) {
    if (secure) {
      throw new SdpNegotiationError('ERR_SDP_SRTP_MISMATCH', answered.length === 0
        ? 'the answer to our RTP/SAVP offer carries no a=crypto'
        : 'the answer to our RTP/SAVP offer carries no usable a=crypto');
    }
    return undefined;
  }
  const mine = offered.find((o) => o.tag === theirs.tag);
  if (mine === undefined || mine.suite !== theirs.suite) {
    throw new SdpNegotiationError('ERR_SDP_SRTP_MISMATCH', `the answer's a=crypto tag ${theirs.tag} (${theirs.suite}) matches none we offered`);
  }
  return Object.freeze({
    suite: theirs.suite as SdesSuite,
    tag: theirs.tag,
    localKeySalt: mine.keys[0]!.keySalt,
    remoteKeySalt: theirs.keys[0]!.keySalt,
    encryptRtcp: !(theirs.sessionParams.includes(UNENCRYPTED_SRTCP) && mine.sessionParams.includes(UNENCRYPTED_SRTCP)),
  });
}
