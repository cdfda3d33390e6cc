import { describe, expect, it } from 'vitest';
import { SdpParseError } from '../../../src/sdp/errors.js';
import { MAX_SDP_LENGTH, parseSdp } from '../../../src/sdp/parse.js';
import { summarizeSdp } from '../../../src/sdp/summary.js';
import { SiplineError } from '../../../src/util/index.js';
import { BARESIP_OFFER, MULTI_STREAM_OFFER, SIPP_UAC_OFFER, sdp } from './samples.js';

const V = 'v=0';
const O = 'o=- 1 1 IN IP4 192.0.2.1';
const S = 's=-';
const C = 'c=IN IP4 192.0.2.1';
const T = 't=0 0';
const M = 'm=audio 4000 RTP/AVP 0';

describe('parseSdp rejects malformed descriptions', () => {
  const rows: [name: string, text: string, field: string][] = [
    ['an empty body', '', 'body'],
    ['a first line other than v=0', sdp(O, V, S, C, T, M), 'v'],
    ['v=1', sdp('v=1', O, S, C, T, M), 'v'],
    ['a missing origin', sdp(V, S, C, T, M), 'o'],
    ['an origin with a non-numeric session id', sdp(V, 'o=- abc 1 IN IP4 192.0.2.1', S, C, T, M), 'o'],
    ['an origin with missing fields', sdp(V, 'o=- 1 1 IN', S, C, T, M), 'o'],
    ['two origins', sdp(V, O, O, S, C, T, M), 'o'],
    ['a missing session name', sdp(V, O, C, T, M), 's'],
    ['no connection address for a live stream', sdp(V, O, S, T, M), 'c'],
    ['a connection with an unknown address type', sdp(V, O, S, 'c=IN IP5 192.0.2.1', T, M), 'c'],
    ['a connection of another network type', sdp(V, O, S, 'c=ATM NSAP 47.0091', T, M), 'c'],
    ['no media', sdp(V, O, S, C, T), 'm'],
    ['a port above 65535', sdp(V, O, S, C, T, 'm=audio 70000 RTP/AVP 0'), 'm'],
    ['a non-numeric port', sdp(V, O, S, C, T, 'm=audio abc RTP/AVP 0'), 'm'],
    ['a media line without formats', sdp(V, O, S, C, T, 'm=audio 4000 RTP/AVP'), 'm'],
    ['a line that is not type=value', sdp(V, O, S, C, T, M, 'hello world'), 'body'],
    ['an oversized body', sdp(V, O, S, C, T, M, 'a=x:' + 'y'.repeat(MAX_SDP_LENGTH)), 'body'],
  ];

  it.each(rows)('refuses %s', (_name, text, field) => {
    let caught: unknown;
    try {
      parseSdp(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SdpParseError);
    expect(caught).toBeInstanceOf(SiplineError);
    expect((caught as SdpParseError).code).toBe('ERR_SDP_PARSE');
    expect((caught as SdpParseError).field).toBe(field);
  });

  it('accepts bare LF line ends, blank lines and a rejected stream without c=', () => {
    const text = [V, O, S, T, '', 'm=video 0 RTP/AVP 31', M, C].join('\n');
    const parsed = parseSdp(text);
    expect(parsed.media.map((m) => m.port)).toEqual([0, 4000]);
    expect(parsed.media[1]!.connection?.ip).toBe('192.0.2.1');
  });

  it('reads the real-world samples', () => {
    for (const text of [SIPP_UAC_OFFER, BARESIP_OFFER, MULTI_STREAM_OFFER]) expect(parseSdp(text).media.length).toBeGreaterThan(0);
  });
});

describe('summarizeSdp', () => {
  it('summarizes the SIPp offer', () => {
    expect(summarizeSdp(SIPP_UAC_OFFER)).toEqual({
      address: '127.0.0.1',
      port: 6000,
      codecs: [{ name: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 }],
      telephoneEvent: false,
      direction: 'sendrecv',
      hold: false,
      mediaTypes: ['audio'],
    });
  });

  it('lists the baresip codecs in its order with telephone-event flagged', () => {
    const s = summarizeSdp(BARESIP_OFFER);
    expect(s.codecs.map((c) => `${c.name}/${c.clockRate}/${c.channels}`)).toEqual([
      'opus/48000/2', 'G722/8000/1', 'PCMU/8000/1', 'PCMA/8000/1',
    ]);
    expect(s).toMatchObject({ telephoneEvent: true, address: '192.168.1.23', port: 10226 });
  });

  it('describes the first audio stream of a multi-stream offer', () => {
    expect(summarizeSdp(MULTI_STREAM_OFFER)).toMatchObject({ port: 11780, mediaTypes: ['video', 'audio', 'image'] });
  });

  it.each([
    ['a=sendonly', C, true],
    ['a=inactive', C, true],
    ['a=recvonly', C, false],
    ['a=sendrecv', 'c=IN IP4 0.0.0.0', true],
  ])('with %s and %s reports hold %s', (attr, conn, hold) => {
    expect(summarizeSdp(sdp(V, O, S, conn, T, M, attr)).hold).toBe(hold);
  });

  it('has no address or codecs for a description without audio', () => {
    const s = summarizeSdp(sdp(V, O, S, C, T, 'm=video 5000 RTP/AVP 31'));
    expect(s).toMatchObject({ codecs: [], mediaTypes: ['video'] });
    expect(s.address).toBeUndefined();
  });
});
