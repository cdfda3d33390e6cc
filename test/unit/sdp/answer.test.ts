import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { createAnswer } from '../../../src/sdp/answer.js';
import { DEFAULT_CODECS } from '../../../src/sdp/codecs.js';
import { SdpNegotiationError, SdpParseError } from '../../../src/sdp/errors.js';
import type { CodecCapability } from '../../../src/sdp/types.js';
import { SiplineError } from '../../../src/util/index.js';
import { BARESIP_OFFER, MULTI_STREAM_OFFER, SIPP_UAC_OFFER, sdp } from './samples.js';

const US = { address: '127.0.0.1', port: 10000 };

/** An offer with one audio stream listing `payloads` described by `attrs`. */
function audioOffer(payloads: string, attrs: string[], opts: { c?: string; port?: number } = {}): string {
  return sdp(
    'v=0',
    'o=- 42 1 IN IP4 192.0.2.10',
    's=-',
    `c=${opts.c ?? 'IN IP4 192.0.2.10'}`,
    't=0 0',
    `m=audio ${opts.port ?? 4000} RTP/AVP ${payloads}`,
    ...attrs,
  );
}

const PCMU: CodecCapability = { name: 'PCMU', clockRate: 8000 };
const PCMA: CodecCapability = { name: 'PCMA', clockRate: 8000 };
const G722: CodecCapability = { name: 'G722', clockRate: 8000 };
const L16W: CodecCapability = { name: 'L16', clockRate: 16000, payloadType: 98 };
const TE8: CodecCapability = { name: 'telephone-event', clockRate: 8000 };
const TE16: CodecCapability = { name: 'telephone-event', clockRate: 16000 };

function answeredMedia(answer: string, index = 0) {
  return parse(answer).media[index]!;
}

describe('createAnswer: codec intersection', () => {
  const rows: {
    name: string;
    payloads: string;
    attrs: string[];
    local: readonly CodecCapability[];
    preference?: 'offerer' | 'local';
    expected: string;
    selected: string;
  }[] = [
    {
      name: 'keeps the offerer order PCMA, PCMU and telephone-event',
      payloads: '8 0 101',
      attrs: ['a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000'],
      local: DEFAULT_CODECS,
      expected: '8 0 101',
      selected: 'PCMA',
    },
    {
      name: 'drops G.729, which we do not support',
      payloads: '18 0',
      attrs: ['a=rtpmap:18 G729/8000', 'a=rtpmap:0 PCMU/8000'],
      local: DEFAULT_CODECS,
      expected: '0',
      selected: 'PCMU',
    },
    {
      name: 'follows the offerer even when our order differs',
      payloads: '9 0 8',
      attrs: [],
      local: [PCMA, PCMU, G722],
      expected: '9 0 8',
      selected: 'G722',
    },
    {
      name: 'follows our order when configured to',
      payloads: '0 8 9',
      attrs: [],
      local: [G722, PCMA, PCMU],
      preference: 'local',
      expected: '9 8 0',
      selected: 'G722',
    },
    {
      name: 'matches encoding names case-insensitively',
      payloads: '100 8',
      attrs: ['a=rtpmap:100 pcmu/8000', 'a=rtpmap:8 PCMA/8000'],
      local: [PCMU],
      expected: '100',
      selected: 'pcmu',
    },
    {
      name: 'lists each format once when the offer repeats it',
      payloads: '0 0 8',
      attrs: [],
      local: [PCMU, PCMA],
      expected: '0 8',
      selected: 'PCMU',
    },
  ];

  it.each(rows)('$name', ({ payloads, attrs, local, preference, expected, selected }) => {
    const { sdp: text, media } = createAnswer(audioOffer(payloads, attrs), local, {
      ...US,
      ...(preference !== undefined ? { preference } : {}),
    });
    const m = answeredMedia(text);
    expect(String(m.payloads)).toBe(expected);
    expect(m.port).toBe(10000);
    expect(media.codec.name).toBe(selected);
    expect(media.codec.payloadType).toBe(Number(expected.split(' ')[0]));
    // every answered format has an rtpmap, statics included
    expect(m.rtp.map((r) => r.payload).join(' ')).toBe(expected);
  });
});

describe('createAnswer: dynamic payload types', () => {
  const rows = [
    { te: 96, offered: ['a=rtpmap:96 telephone-event/8000'] },
    { te: 101, offered: ['a=rtpmap:101 telephone-event/8000'] },
    { te: 127, offered: ['a=rtpmap:127 TELEPHONE-EVENT/8000'] },
  ];

  it.each(rows)('answers telephone-event with the offerer’s number $te', ({ te, offered }) => {
    const offer = audioOffer(`111 0 ${te}`, ['a=rtpmap:111 opus/48000/2', ...offered]);
    const { sdp: text, media } = createAnswer(offer, DEFAULT_CODECS, US);
    expect(String(answeredMedia(text).payloads)).toBe(`0 ${te}`);
    expect(media.telephoneEvent?.payloadType).toBe(te);
  });

  it('uses the offerer’s number for a dynamic codec we prefer at another number', () => {
    const offer = audioOffer('112 0', ['a=rtpmap:112 L16/16000', 'a=rtpmap:0 PCMU/8000']);
    const { sdp: text, media } = createAnswer(offer, [L16W, PCMU], US);
    expect(String(answeredMedia(text).payloads)).toBe('112 0');
    expect(answeredMedia(text).rtp[0]).toMatchObject({ payload: 112, codec: 'L16', rate: 16000 });
    expect(media.codec).toMatchObject({ name: 'L16', clockRate: 16000, payloadType: 112, channels: 1 });
  });

  it('does not match a format whose channel count differs', () => {
    const offer = audioOffer('112 0', ['a=rtpmap:112 L16/16000/2', 'a=rtpmap:0 PCMU/8000']);
    expect(String(answeredMedia(createAnswer(offer, [L16W, PCMU], US).sdp).payloads)).toBe('0');
  });

  it('ignores a dynamic payload type that has no rtpmap', () => {
    const offer = audioOffer('97 8', ['a=rtpmap:8 PCMA/8000']);
    expect(String(answeredMedia(createAnswer(offer, DEFAULT_CODECS, US).sdp).payloads)).toBe('8');
  });
});

describe('createAnswer: telephone-event matched by clock rate', () => {
  const rows: {
    name: string;
    payloads: string;
    attrs: string[];
    local: readonly CodecCapability[];
    expected: string;
    event?: { pt: number; rate: number; fmtp: string };
  }[] = [
    {
      name: 'keeps only the 8 kHz event with 8 kHz codecs',
      payloads: '0 101 102',
      attrs: ['a=rtpmap:101 telephone-event/8000', 'a=rtpmap:102 telephone-event/16000'],
      local: [PCMU, TE8, TE16],
      expected: '0 101',
      event: { pt: 101, rate: 8000, fmtp: '0-15' },
    },
    {
      name: 'picks the 16 kHz event for a 16 kHz codec and keeps the 8 kHz one for PCMU',
      payloads: '98 0 100 101',
      attrs: [
        'a=rtpmap:98 L16/16000',
        'a=rtpmap:100 telephone-event/16000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:100 0-16',
        'a=fmtp:101 0-16',
      ],
      local: [L16W, PCMU, TE8, TE16],
      expected: '98 0 100 101',
      event: { pt: 100, rate: 16000, fmtp: '0-16' },
    },
    {
      name: 'drops a 16 kHz event offered with 8 kHz codecs only',
      payloads: '0 102',
      attrs: ['a=rtpmap:102 telephone-event/16000'],
      local: [PCMU, TE8, TE16],
      expected: '0',
    },
    {
      name: 'drops telephone-event when we do not support it',
      payloads: '0 101',
      attrs: ['a=rtpmap:101 telephone-event/8000'],
      local: [PCMU],
      expected: '0',
    },
    {
      name: 'narrows the events to those both sides support',
      payloads: '0 101',
      attrs: ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16,32,36'],
      local: [PCMU, { ...TE8, fmtp: '0-15,36' }],
      expected: '0 101',
      event: { pt: 101, rate: 8000, fmtp: '0-15,36' },
    },
  ];

  it.each(rows)('$name', ({ payloads, attrs, local, expected, event }) => {
    const { sdp: text, media } = createAnswer(audioOffer(payloads, attrs), local, US);
    const m = answeredMedia(text);
    expect(String(m.payloads)).toBe(expected);
    if (event === undefined) {
      expect(media.telephoneEvent).toBeUndefined();
    } else {
      expect(media.telephoneEvent).toMatchObject({ payloadType: event.pt, clockRate: event.rate });
      expect(m.fmtp.find((f) => f.payload === event.pt)?.config).toBe(event.fmtp);
    }
  });
});

describe('createAnswer: rtcp and rtcp-mux', () => {
  const rows = [
    { offered: true, enabled: true, mux: true, rtcpPort: 4000 },
    { offered: true, enabled: false, mux: false, rtcpPort: 4001 },
    { offered: false, enabled: true, mux: false, rtcpPort: 4001 },
    { offered: false, enabled: false, mux: false, rtcpPort: 4001 },
  ];

  it.each(rows)('offered $offered, enabled $enabled: mux $mux, remote RTCP on $rtcpPort', (row) => {
    const offer = audioOffer('0', row.offered ? ['a=rtcp-mux'] : []);
    const { sdp: text, media } = createAnswer(offer, DEFAULT_CODECS, { ...US, rtcpMux: row.enabled });
    expect(answeredMedia(text).rtcpMux !== undefined).toBe(row.mux);
    expect(media.rtcpMux).toBe(row.mux);
    expect(media.remoteRtcpPort).toBe(row.rtcpPort);
    expect(media.remoteRtcpAddress).toBe('192.0.2.10');
  });

  it('reads the offerer’s a=rtcp port and address (RFC 3605)', () => {
    const offer = audioOffer('0', ['a=rtcp:4711 IN IP4 192.0.2.99']);
    const { media } = createAnswer(offer, DEFAULT_CODECS, US);
    expect(media).toMatchObject({ remoteRtcpPort: 4711, remoteRtcpAddress: '192.0.2.99', remotePort: 4000 });
  });

  it('writes our a=rtcp only when RTCP is not on the next port and not muxed', () => {
    const offer = audioOffer('0', []);
    expect(answeredMedia(createAnswer(offer, DEFAULT_CODECS, { ...US, rtcpPort: 10001 }).sdp).rtcp).toBeUndefined();
    expect(answeredMedia(createAnswer(offer, DEFAULT_CODECS, { ...US, rtcpPort: 10005 }).sdp).rtcp?.port).toBe(10005);
  });
});

describe('createAnswer: rejected streams', () => {
  it('rejects video and T.38 with port 0, keeping their m-lines and formats', () => {
    const { sdp: text, media } = createAnswer(MULTI_STREAM_OFFER, DEFAULT_CODECS, US);
    const ms = parse(text).media;
    expect(ms.map((m) => [m.type, m.port, m.protocol, String(m.payloads)])).toEqual([
      ['video', 0, 'RTP/AVP', '99'],
      ['audio', 10000, 'RTP/AVP', '8 0 101'],
      ['image', 0, 'udptl', 't38'],
    ]);
    expect(media.mediaIndex).toBe(1);
    expect(media.remotePort).toBe(11780);
    expect(text).toContain('m=video 0 RTP/AVP 99\r\n');
    expect(text).toContain('m=image 0 udptl t38\r\n');
  });

  it('accepts one audio stream and rejects a second one', () => {
    const offer = audioOffer('0', []) + 'm=audio 4002 RTP/AVP 8\r\n';
    const ms = parse(createAnswer(offer, DEFAULT_CODECS, US).sdp).media;
    expect(ms.map((m) => m.port)).toEqual([10000, 0]);
  });

  it('rejects an audio stream without a common codec and accepts a later one', () => {
    const offer = audioOffer('18', ['a=rtpmap:18 G729/8000']) + 'm=audio 4002 RTP/AVP 8\r\n';
    const { sdp: text, media } = createAnswer(offer, DEFAULT_CODECS, US);
    expect(parse(text).media.map((m) => [m.port, String(m.payloads)])).toEqual([[0, '18'], [10000, '8']]);
    expect(media).toMatchObject({ mediaIndex: 1, remotePort: 4002 });
  });

  it('rejects secure RTP and streams offered with port 0', () => {
    const offer = sdp(
      'v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0',
      'm=audio 5000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz',
      'm=audio 0 RTP/AVP 0',
      'm=audio 5004 RTP/AVP 0',
    );
    const ms = parse(createAnswer(offer, DEFAULT_CODECS, US).sdp).media;
    expect(ms.map((m) => [m.port, m.protocol])).toEqual([[0, 'RTP/SAVP'], [0, 'RTP/AVP'], [10000, 'RTP/AVP']]);
  });
});

describe('createAnswer: no common codec', () => {
  const rows = [
    { name: 'G.729 only', offer: audioOffer('18', ['a=rtpmap:18 G729/8000']) },
    { name: 'opus only', offer: audioOffer('111', ['a=rtpmap:111 opus/48000/2']) },
    { name: 'telephone-event only', offer: audioOffer('101', ['a=rtpmap:101 telephone-event/8000']) },
    {
      name: 'video only',
      offer: sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=video 5000 RTP/AVP 96', 'a=rtpmap:96 VP8/90000'),
    },
  ];

  it.each(rows)('throws ERR_SDP_NO_COMMON_CODEC for $name', ({ offer }) => {
    let caught: unknown;
    try {
      createAnswer(offer, DEFAULT_CODECS, US);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SdpNegotiationError);
    expect(caught).toBeInstanceOf(SiplineError);
    expect((caught as SdpNegotiationError).code).toBe('ERR_SDP_NO_COMMON_CODEC');
  });

  it('throws a parse error for a malformed offer', () => {
    expect(() => createAnswer('v=0\r\ns=-\r\n', DEFAULT_CODECS, US)).toThrow(SdpParseError);
  });
});

describe('createAnswer: connection address and IPv6', () => {
  it('prefers the media-level c= over the session-level one', () => {
    const offer = audioOffer('0', ['c=IN IP4 198.51.100.7']);
    expect(createAnswer(offer, DEFAULT_CODECS, US).media.remoteAddress).toBe('198.51.100.7');
  });

  it('uses the session-level c= when the stream has none', () => {
    expect(createAnswer(audioOffer('0', []), DEFAULT_CODECS, US).media.remoteAddress).toBe('192.0.2.10');
  });

  it('accepts a c= given only at media level', () => {
    const offer = sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'm=audio 5000 RTP/AVP 0', 'c=IN IP4 203.0.113.5');
    expect(createAnswer(offer, DEFAULT_CODECS, US).media).toMatchObject({ remoteAddress: '203.0.113.5', remotePort: 5000 });
  });

  it('reads an IPv6 offer and answers from an IPv6 address with IN IP6', () => {
    const offer = audioOffer('0 101', ['a=rtpmap:101 telephone-event/8000'], { c: 'IN IP6 2001:db8::10' });
    const { sdp: text, media } = createAnswer(offer, DEFAULT_CODECS, { address: '::1', port: 10002 });
    expect(media).toMatchObject({ remoteAddress: '2001:db8::10', remotePort: 4000, remoteRtcpAddress: '2001:db8::10' });
    expect(text).toMatch(/^o=- \d+ 1 IN IP6 ::1\r$/m);
    expect(text).toContain('c=IN IP6 ::1\r\n');
  });
});

describe('createAnswer: ptime', () => {
  const rows = [
    { name: 'echoes the offered ptime', attrs: ['a=ptime:30'], local: 20, expected: 30 },
    { name: 'uses ours when the offer has none', attrs: [], local: 40, expected: 40 },
    { name: 'caps ours by the offered maxptime', attrs: ['a=maxptime:20'], local: 40, expected: 20 },
    { name: 'ignores an unusable offered ptime', attrs: ['a=ptime:0'], local: 20, expected: 20 },
  ];

  it.each(rows)('$name', ({ attrs, local, expected }) => {
    const { sdp: text, media } = createAnswer(audioOffer('0', attrs), DEFAULT_CODECS, { ...US, ptime: local });
    expect(media.ptime).toBe(expected);
    expect(answeredMedia(text).ptime).toBe(expected);
  });
});

describe('createAnswer: real-world offers', () => {
  it('answers the SIPp built-in uac offer with PCMU', () => {
    const { sdp: text, media } = createAnswer(SIPP_UAC_OFFER, DEFAULT_CODECS, US);
    expect(text).toContain('m=audio 10000 RTP/AVP 0\r\n');
    expect(text).toContain('a=rtpmap:0 PCMU/8000\r\n');
    expect(text).toContain('a=sendrecv\r\n');
    expect(text.startsWith('v=0\r\no=- ')).toBe(true);
    expect(media).toMatchObject({
      codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
      remoteAddress: '127.0.0.1',
      remotePort: 6000,
      remoteRtcpPort: 6001,
      rtcpMux: false,
      direction: 'sendrecv',
      remoteHold: false,
    });
    expect(media.telephoneEvent).toBeUndefined();
  });

  it('answers a baresip offer with G.722 first, opus dropped, telephone-event and rtcp-mux', () => {
    const { sdp: text, media } = createAnswer(BARESIP_OFFER, DEFAULT_CODECS, { ...US, rtcpMux: true });
    const m = answeredMedia(text);
    expect(String(m.payloads)).toBe('9 0 8 101');
    expect(m.rtcpMux).toBe('rtcp-mux');
    expect(m.fmtp).toEqual([{ payload: 101, config: '0-15' }]);
    expect(media).toMatchObject({
      codec: { name: 'G722', payloadType: 9 },
      telephoneEvent: { payloadType: 101, clockRate: 8000 },
      remoteAddress: '192.168.1.23',
      remotePort: 10226,
      remoteRtcpPort: 10226,
      ptime: 20,
    });
    expect(media.codecs.map((c) => c.name)).toEqual(['G722', 'PCMU', 'PCMA']);
  });
});
