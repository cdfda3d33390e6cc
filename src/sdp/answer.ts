import createDebug from 'debug';
import { write } from 'sdp-transform';
import type { MediaDescription } from 'sdp-transform';
import {
  DEFAULT_TELEPHONE_EVENT_FMTP,
  formatEventList,
  formatTokens,
  formatsOf,
  isTelephoneEvent,
  parseEventList,
  sameFormat,
} from './codecs.js';
import { answerDirection, canSend, directionFrom, isHoldOffer } from './direction.js';
import { SdpNegotiationError } from './errors.js';
import { assignPayloadTypes, checkPtime, DEFAULT_PTIME, DEFAULT_SESSION_NAME, formatAttributes } from './offer.js';
import { assembleDescription, checkPort, resolveOrigin } from './origin.js';
import type { SdpOrigin } from './origin.js';
import { directionOf, parseSdp } from './parse.js';
import { maxptimeOf, ptimeOf, remoteEndpoints } from './remote.js';
import { answerSdes, cryptoAttributes, cryptoLinesByMedia, isRtpProtocol } from './sdes.js';
import type { SdesAnswerPolicy } from './sdes.js';
import type { CodecCapability, MediaDirection, NegotiatedCodec, NegotiatedMedia } from './types.js';

const log = createDebug('sipline:sdp');

/** Options of {@link createAnswer}. */
export interface AnswerOptions {
  /** IPv4 or IPv6 literal advertised in `o=` and `c=`. */
  readonly address: string;
  /** Local RTP port of the accepted audio stream. */
  readonly port: number;
  /** Local RTCP port; written as `a=rtcp` only when not muxed and not `port + 1`. */
  readonly rtcpPort?: number;
  /** Accept RTP/RTCP multiplexing when offered (RFC 5761). Default false. */
  readonly rtcpMux?: boolean;
  /** Our packetization time, ms, used when the offer states none; default 20. */
  readonly ptime?: number;
  /**
   * Our local wish for the stream, intersected with the reversed offer (RFC 3264 §6.1): `sendrecv`
   * normally (the default), `sendonly` while we hold the call (see `directionForHold`).
   */
  readonly direction?: MediaDirection;
  /**
   * Whose order of preference decides the codec order of the answer: the offerer's (default,
   * RFC 3264 §6.1 recommends following it) or ours (`local`, the order of `localCaps`).
   */
  readonly preference?: 'offerer' | 'local';
  /** `o=` fields; a random session id and version 1 when absent. */
  readonly origin?: Partial<SdpOrigin>;
  /** `s=` line; default `sipline`. */
  readonly sessionName?: string;
  /** SDES (RFC 4568): our policy, suites and keys; absent means SRTP off (RTP/SAVP offers refused). */
  readonly srtp?: SdesAnswerPolicy;
}

/** An SDP answer and what it agreed. */
export interface SdpAnswer {
  /** The answer text, CRLF line ends. */
  readonly sdp: string;
  /** The accepted audio stream, from our side. */
  readonly media: NegotiatedMedia;
}

/** Common formats of an offered audio stream, or undefined when there are none. */
function intersect(
  offered: readonly NegotiatedCodec[],
  local: readonly NegotiatedCodec[],
  preference: 'offerer' | 'local',
): NegotiatedCodec[] | undefined {
  const audio: { codec: NegotiatedCodec; rank: number }[] = [];
  offered.forEach((o, i) => {
    if (isTelephoneEvent(o)) return;
    const mine = local.findIndex((l) => !isTelephoneEvent(l) && sameFormat(l, o));
    if (mine < 0 || audio.some((a) => sameFormat(a.codec, o))) return;
    const fmtp = local[mine]!.fmtp;
    // The offerer's payload type and spelling; our format parameters (RFC 3264 §6.1).
    const bare: NegotiatedCodec = { name: o.name, clockRate: o.clockRate, channels: o.channels, payloadType: o.payloadType };
    audio.push({ codec: fmtp === undefined ? bare : { ...bare, fmtp }, rank: preference === 'local' ? mine : i });
  });
  if (audio.length === 0) return undefined;
  audio.sort((a, b) => a.rank - b.rank);
  const rates = new Set(audio.map((a) => a.codec.clockRate));
  // telephone-event at each clock rate of the accepted codecs that we also support (RFC 4733 §7.1.1).
  const events: NegotiatedCodec[] = [];
  for (const o of offered) {
    if (!isTelephoneEvent(o) || !rates.has(o.clockRate) || events.some((e) => e.clockRate === o.clockRate)) continue;
    const mine = local.find((l) => isTelephoneEvent(l) && l.clockRate === o.clockRate);
    if (mine === undefined) continue;
    const theirs = parseEventList(o.fmtp);
    const both = new Set([...parseEventList(mine.fmtp ?? DEFAULT_TELEPHONE_EVENT_FMTP)].filter((e) => theirs.has(e)));
    if (both.size > 0) events.push({ ...o, channels: 1, fmtp: formatEventList(both) });
  }
  return [...audio.map((a) => a.codec), ...events];
}

function rejected(m: MediaDescription): MediaDescription {
  // RFC 3264 §6: a rejected stream keeps its m-line, port 0 and the offered formats.
  return { type: m.type, port: 0, protocol: m.protocol, payloads: formatTokens(m).join(' ') || '0', rtp: [], fmtp: [] };
}

/**
 * Answers an SDP offer (RFC 3264 §6). sipline runs one RTP session per call, so the first offered
 * RTP/AVP or RTP/SAVP audio stream with a common codec whose media security fits `opts.srtp` is accepted; every other stream (video, T.38 image, other
 * protocols, further audio streams, streams offered with port 0) is rejected with port 0, keeping
 * its m-line and formats. For the accepted stream:
 * - the common codecs in the offerer's order of preference (or ours, `preference: 'local'`), with
 *   the offerer's payload type numbers, matched by encoding name (case-insensitive), clock rate
 *   and channels;
 * - telephone-event at the clock rate of the accepted codecs (8000 with 8 kHz clocks, 16000 when
 *   offered with a 16 kHz codec), events narrowed to those both sides support;
 * - `a=ptime` echoing the offer's (capped by its `a=maxptime`), else ours;
 * - the direction answered per RFC 3264 §6.1, narrowed by `opts.direction`; an offer with
 *   `c=0.0.0.0` (RFC 2543 hold) counts as one that does not want to receive;
 * - `a=rtcp-mux` when offered and `opts.rtcpMux` allows it;
 * - SDES (RFC 4568 §7.1.2, see `sdes.ts`): our `a=crypto` with the tag and suite of the first
 *   usable offered line and our own key.
 *
 * @param offer - the remote offer text
 * @param localCaps - our formats (telephone-event included), in our order of preference
 * @param opts - our address, ports and wishes
 * @throws {@link SdpParseError} when the offer is malformed.
 * @throws {@link SdpNegotiationError} `ERR_SDP_NO_COMMON_CODEC` when no audio stream can be
 *   accepted, `ERR_SDP_SRTP_MISMATCH` when one was refused for its media security only (the
 *   session layer answers 488).
 * @throws InvalidArgumentError on bad options.
 */
export function createAnswer(offer: string, localCaps: readonly CodecCapability[], opts: AnswerOptions): SdpAnswer {
  checkPort(opts.port, 'port');
  if (opts.rtcpPort !== undefined) checkPort(opts.rtcpPort, 'rtcpPort');
  const localPtime = opts.ptime ?? DEFAULT_PTIME;
  checkPtime(localPtime, 'ptime');
  const local = assignPayloadTypes(localCaps);
  const origin = resolveOrigin(opts.origin);
  const session = parseSdp(offer);

  let negotiated: NegotiatedMedia | undefined;
  let srtpRefused = false;
  const cryptoLines = cryptoLinesByMedia(offer);
  const media = session.media.map((m, index): MediaDescription => {
    if (negotiated !== undefined || m.port === 0 || m.type !== 'audio' || !isRtpProtocol(m.protocol)) {
      log('rejecting stream %d (%s %s port %d)', index, m.type, m.protocol, m.port);
      return rejected(m);
    }
    const sdes = answerSdes(m.protocol, cryptoLines[index] ?? [], opts.srtp);
    if (!sdes.accept) {
      log('rejecting stream %d: %s does not fit media.srtp %s', index, m.protocol, opts.srtp?.policy ?? 'off');
      srtpRefused = true;
      return rejected(m);
    }
    const offered = formatsOf(m);
    const codecs = intersect(offered, local, opts.preference ?? 'offerer');
    if (codecs === undefined) {
      log('no common codec in stream %d: offered %o', index, offered.map((c) => `${c.name}/${c.clockRate}`));
      return rejected(m);
    }
    const rtcpMux = opts.rtcpMux === true && m.rtcpMux !== undefined;
    const remote = remoteEndpoints(session, m, rtcpMux);
    const written = directionOf(session, m);
    // RFC 3264 §8.4: c=0.0.0.0 means "do not send to me".
    const remoteDirection = remote.legacyHold ? directionFrom(canSend(written), false) : written;
    const direction = answerDirection(remoteDirection, opts.direction ?? 'sendrecv');
    const offeredPtime = ptimeOf(m);
    const maxptime = maxptimeOf(m);
    let ptime = offeredPtime ?? localPtime;
    if (maxptime !== undefined && ptime > maxptime) ptime = maxptime;
    const selected = codecs[0]!;
    const telephoneEvent = codecs.find((c) => isTelephoneEvent(c) && c.clockRate === selected.clockRate);
    negotiated = {
      mediaIndex: index,
      codec: selected,
      codecs: codecs.filter((c) => !isTelephoneEvent(c)),
      ...(telephoneEvent !== undefined ? { telephoneEvent } : {}),
      remoteAddress: remote.address,
      remotePort: remote.port,
      remoteRtcpAddress: remote.rtcpAddress,
      remoteRtcpPort: remote.rtcpPort,
      rtcpMux,
      direction,
      remoteDirection,
      remoteHold: isHoldOffer(written, remote.legacyHold),
      legacyHold: remote.legacyHold,
      ptime,
      ...(sdes.srtp !== undefined ? { srtp: sdes.srtp } : {}),
    };
    return {
      type: 'audio',
      port: opts.port,
      protocol: m.protocol,
      ...formatAttributes(codecs),
      ptime,
      direction,
      ...(!rtcpMux && opts.rtcpPort !== undefined && opts.rtcpPort !== opts.port + 1
        ? { rtcp: { port: opts.rtcpPort } }
        : {}),
      ...(rtcpMux ? { rtcpMux: 'rtcp-mux' as const } : {}),
      ...cryptoAttributes(sdes.line !== undefined ? [sdes.line] : []),
    };
  });
  if (negotiated === undefined && srtpRefused) {
    throw new SdpNegotiationError('ERR_SDP_SRTP_MISMATCH', `no offered audio stream fits media.srtp '${opts.srtp?.policy ?? 'off'}'`);
  }
  if (negotiated === undefined) {
    throw new SdpNegotiationError('ERR_SDP_NO_COMMON_CODEC', 'no offered audio stream has a codec we support');
  }
  const sdp = write(
    assembleDescription({
      origin,
      address: opts.address,
      sessionName: opts.sessionName ?? DEFAULT_SESSION_NAME,
      media,
    }),
  );
  return { sdp, media: negotiated };
}
