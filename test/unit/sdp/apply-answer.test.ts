import { describe, expect, it } from 'vitest';
import { createAnswer } from '../../../src/sdp/answer.js';
import { applyAnswer } from '../../../src/sdp/apply-answer.js';
import { DEFAULT_CODECS } from '../../../src/sdp/codecs.js';
import { SdpNegotiationError, SdpParseError } from '../../../src/sdp/errors.js';
import { createOffer } from '../../../src/sdp/offer.js';
import { sdp } from './samples.js';

const OFFER = createOffer({ address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS, rtcpMux: true });

/** A hand-written answer from 203.0.113.9:30000 with the given m-line tail and attributes. */
function answer(formats: string, ...attrs: string[]): string {
  return sdp('v=0', 'o=peer 1 1 IN IP4 203.0.113.9', 's=-', 'c=IN IP4 203.0.113.9', 't=0 0', `m=audio 30000 RTP/AVP ${formats}`, ...attrs);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof SdpNegotiationError || err instanceof SdpParseError) return err.code;
    throw err;
  }
  return undefined;
}

describe('applyAnswer', () => {
  it('takes the first answered codec, telephone-event and the remote transport', () => {
    const result = applyAnswer(OFFER, answer('8 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=rtcp-mux', 'a=ptime:30'));
    expect(result).toMatchObject({
      mediaIndex: 0,
      codec: { name: 'PCMA', payloadType: 8, clockRate: 8000 },
      telephoneEvent: { payloadType: 101, clockRate: 8000 },
      remoteAddress: '203.0.113.9',
      remotePort: 30000,
      remoteRtcpAddress: '203.0.113.9',
      remoteRtcpPort: 30000,
      rtcpMux: true,
      direction: 'sendrecv',
      remoteDirection: 'sendrecv',
      remoteHold: false,
      ptime: 30,
    });
    expect(result.codecs.map((c) => c.name)).toEqual(['PCMA', 'PCMU']);
  });

  it('uses RTCP on port + 1 when the answer does not mux, and a=rtcp when given', () => {
    expect(applyAnswer(OFFER, answer('0')).remoteRtcpPort).toBe(30001);
    expect(applyAnswer(OFFER, answer('0')).rtcpMux).toBe(false);
    expect(applyAnswer(OFFER, answer('0', 'a=rtcp:30011 IN IP4 203.0.113.10'))).toMatchObject({
      remoteRtcpPort: 30011,
      remoteRtcpAddress: '203.0.113.10',
    });
  });

  it('ignores a=rtcp-mux in an answer to an offer without it', () => {
    const plain = createOffer({ address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS });
    expect(applyAnswer(plain, answer('0', 'a=rtcp-mux'))).toMatchObject({ rtcpMux: false, remoteRtcpPort: 30001 });
  });

  it('sends telephone-event with the answerer’s number when it renumbers it', () => {
    const result = applyAnswer(OFFER, answer('0 96', 'a=rtpmap:96 telephone-event/8000'));
    expect(result.telephoneEvent?.payloadType).toBe(96);
  });

  it('resolves an offered dynamic number that the answer lists without an rtpmap', () => {
    expect(applyAnswer(OFFER, answer('0 101')).telephoneEvent?.payloadType).toBe(101);
  });

  it('falls back to our offered ptime when the answer states none', () => {
    const offer = createOffer({ address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS, ptime: 40 });
    expect(applyAnswer(offer, answer('0')).ptime).toBe(40);
  });

  it('agrees with createAnswer on the answerer side', () => {
    const a = createAnswer(OFFER, DEFAULT_CODECS, { address: '::1', port: 20000, rtcpMux: true });
    const result = applyAnswer(OFFER, a.sdp);
    expect(result).toMatchObject({ remoteAddress: '::1', remotePort: 20000, rtcpMux: true, codec: a.media.codec });
    expect(a.media).toMatchObject({ remoteAddress: '127.0.0.1', remotePort: 10000, rtcpMux: true });
  });

  const failures: [name: string, text: string, code: string][] = [
    ['a codec that was not offered', answer('18', 'a=rtpmap:18 G729/8000'), 'ERR_SDP_ANSWER_MISMATCH'],
    ['a dynamic codec that was not offered', answer('0 98', 'a=rtpmap:98 opus/48000/2'), 'ERR_SDP_ANSWER_MISMATCH'],
    ['telephone-event at a rate that was not offered', answer('0 102', 'a=rtpmap:102 telephone-event/16000'), 'ERR_SDP_ANSWER_MISMATCH'],
    ['an undescribed dynamic number', answer('0 99'), 'ERR_SDP_ANSWER_MISMATCH'],
    ['an extra m-line', answer('0') + 'm=video 0 RTP/AVP 31\r\n', 'ERR_SDP_ANSWER_MISMATCH'],
    ['another media type', sdp('v=0', 'o=p 1 1 IN IP4 203.0.113.9', 's=-', 'c=IN IP4 203.0.113.9', 't=0 0', 'm=video 3000 RTP/AVP 31'), 'ERR_SDP_ANSWER_MISMATCH'],
    ['the stream rejected with port 0', answer('0').replace('m=audio 30000', 'm=audio 0'), 'ERR_SDP_NO_COMMON_CODEC'],
    ['only telephone-event', answer('101'), 'ERR_SDP_NO_COMMON_CODEC'],
    ['a malformed body', 'v=0\r\no=x\r\n', 'ERR_SDP_PARSE'],
  ];

  it.each(failures)('refuses an answer with %s', (_name, text, code) => {
    expect(codeOf(() => applyAnswer(OFFER, text))).toBe(code);
  });
});
