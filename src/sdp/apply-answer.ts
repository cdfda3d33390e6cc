import { formatTokens, formatsOf, isTelephoneEvent, sameFormat } from './codecs.js';
import { canReceive, canSend, directionFrom, intersectDirections, reverseDirection } from './direction.js';
import { SdpNegotiationError } from './errors.js';
import { DEFAULT_PTIME } from './offer.js';
import { directionOf, parseSdp } from './parse.js';
import { ptimeOf, remoteEndpoints } from './remote.js';
import { applySdesAnswer, cryptoLinesByMedia, isRtpProtocol } from './sdes.js';
import type { NegotiatedCodec, NegotiatedMedia } from './types.js';

function mismatch(message: string): SdpNegotiationError {
  return new SdpNegotiationError('ERR_SDP_ANSWER_MISMATCH', message);
}

/**
 * What an answer to our offer agreed, for the offerer (RFC 3264 §7): the first codec of the answer
 * and its payload type (the number the answerer wants to receive, RFC 3264 §5.1), telephone-event
 * at that codec's clock rate, the remote RTP and RTCP addresses (`a=rtcp`, `a=rtcp-mux` when both
 * sides wrote it), the remote direction and ptime. Our own direction is our offered one narrowed by
 * the reversed answer.
 *
 * The answer is checked against the offer: the same number of m-lines of the same media types
 * (RFC 3264 §6), and only formats that were offered (matched by name, clock rate and channels;
 * an answer may reuse an offered payload type without an rtpmap).
 *
 * @param offer - the offer we sent
 * @param answer - the remote answer
 * @throws {@link SdpParseError} when either text is malformed.
 * @throws {@link SdpNegotiationError} `ERR_SDP_ANSWER_MISMATCH` when the answer does not fit the
 *   offer, `ERR_SDP_NO_COMMON_CODEC` when it rejected every audio stream, `ERR_SDP_SRTP_MISMATCH`
 *   when its `a=crypto` does not fit our offer (RFC 4568 §7.1.3).
 */
export function applyAnswer(offer: string, answer: string): NegotiatedMedia {
  const local = parseSdp(offer);
  const remote = parseSdp(answer);
  if (local.media.length !== remote.media.length) {
    throw mismatch(`the answer has ${remote.media.length} m-lines, the offer ${local.media.length}`);
  }
  for (let index = 0; index < local.media.length; index++) {
    const om = local.media[index]!;
    const am = remote.media[index]!;
    if (om.type !== am.type) throw mismatch(`m-line ${index} is ${om.type} in the offer, ${am.type} in the answer`);
    if (om.port === 0 || am.port === 0 || om.type !== 'audio' || !isRtpProtocol(om.protocol)) continue;
    const offered = formatsOf(om);
    const answered = formatsOf(am, offered);
    const listed = formatTokens(am);
    if (answered.length !== listed.length) {
      throw mismatch(`m-line ${index} of the answer lists a format it does not describe`);
    }
    for (const c of answered) {
      const known = isTelephoneEvent(c)
        ? offered.some((o) => isTelephoneEvent(o) && o.clockRate === c.clockRate)
        : offered.some((o) => sameFormat(o, c));
      if (!known) throw mismatch(`the answer chose ${c.name}/${c.clockRate}, which was not offered`);
    }
    const codecs = answered.filter((c) => !isTelephoneEvent(c));
    const codec = codecs[0];
    if (codec === undefined) continue;
    // RFC 4568 §7.1.3: the answer's a=crypto echoes the tag and suite of one of our lines.
    const srtp = applySdesAnswer(om.protocol, cryptoLinesByMedia(offer)[index] ?? [], cryptoLinesByMedia(answer)[index] ?? []);
    const rtcpMux = om.rtcpMux !== undefined && am.rtcpMux !== undefined;
    const endpoints = remoteEndpoints(remote, am, rtcpMux);
    const written = directionOf(remote, am);
    const remoteDirection = endpoints.legacyHold ? directionFrom(canSend(written), false) : written;
    const ours = directionOf(local, om);
    const telephoneEvent: NegotiatedCodec | undefined = answered.find(
      (c) => isTelephoneEvent(c) && c.clockRate === codec.clockRate,
    );
    return {
      mediaIndex: index,
      codec,
      codecs,
      ...(telephoneEvent !== undefined ? { telephoneEvent } : {}),
      remoteAddress: endpoints.address,
      remotePort: endpoints.port,
      remoteRtcpAddress: endpoints.rtcpAddress,
      remoteRtcpPort: endpoints.rtcpPort,
      rtcpMux,
      direction: intersectDirections(ours, reverseDirection(remoteDirection)),
      remoteDirection,
      // Only meaningful when we offered to send: the answerer then declined to receive.
      remoteHold: canSend(ours) && !canReceive(remoteDirection),
      legacyHold: endpoints.legacyHold,
      ptime: ptimeOf(am) ?? ptimeOf(om) ?? DEFAULT_PTIME,
      ...(srtp !== undefined ? { srtp } : {}),
    };
  }
  throw new SdpNegotiationError('ERR_SDP_NO_COMMON_CODEC', 'the answer rejected every audio stream');
}
