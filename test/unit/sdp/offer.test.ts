import { parse, write } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CODECS } from '../../../src/sdp/codecs.js';
import { assignPayloadTypes, createOffer } from '../../../src/sdp/offer.js';
import { newSessionId } from '../../../src/sdp/origin.js';
import type { CodecCapability } from '../../../src/sdp/types.js';
import { InvalidArgumentError } from '../../../src/util/index.js';
import { BARESIP_OFFER, MULTI_STREAM_OFFER, SIPP_UAC_OFFER } from './samples.js';

const BASE = { address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS };

describe('createOffer', () => {
  it('writes a complete audio offer from the default codecs', () => {
    const text = createOffer(BASE);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('v=0');
    expect(lines[1]).toMatch(/^o=- [1-9]\d{0,18} 1 IN IP4 127\.0\.0\.1$/);
    expect(lines).toContain('s=sipline');
    expect(lines).toContain('c=IN IP4 127.0.0.1');
    expect(lines).toContain('t=0 0');
    expect(lines).toContain('m=audio 10000 RTP/AVP 0 8 9 101');
    for (const map of ['0 PCMU/8000', '8 PCMA/8000', '9 G722/8000', '101 telephone-event/8000']) {
      expect(lines).toContain(`a=rtpmap:${map}`);
    }
    expect(lines).toContain('a=fmtp:101 0-16');
    expect(lines).toContain('a=ptime:20');
    expect(lines).toContain('a=sendrecv');
    expect(text).not.toContain('a=rtcp');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('writes IN IP6 in o= and c= for an IPv6 address', () => {
    const text = createOffer({ ...BASE, address: '2001:db8::5' });
    expect(text).toMatch(/^o=- \d+ 1 IN IP6 2001:db8::5\r$/m);
    expect(text).toContain('c=IN IP6 2001:db8::5\r\n');
  });

  it.each([
    { rtcpPort: undefined, rtcpMux: false, rtcp: undefined, mux: false },
    { rtcpPort: 10001, rtcpMux: false, rtcp: undefined, mux: false },
    { rtcpPort: 10007, rtcpMux: false, rtcp: 10007, mux: false },
    { rtcpPort: undefined, rtcpMux: true, rtcp: undefined, mux: true },
  ])('with rtcpPort $rtcpPort and mux $rtcpMux writes a=rtcp $rtcp', ({ rtcpPort, rtcpMux, rtcp, mux }) => {
    const m = parse(createOffer({ ...BASE, rtcpMux, ...(rtcpPort !== undefined ? { rtcpPort } : {}) })).media[0]!;
    expect(m.rtcp?.port).toBe(rtcp);
    expect(m.rtcpMux !== undefined).toBe(mux);
  });

  it('writes the given origin, ptime and direction', () => {
    const text = createOffer({
      ...BASE,
      ptime: 30,
      direction: 'sendonly',
      origin: { username: 'alice', sessionId: '9223372036854775807', sessionVersion: 5 },
    });
    expect(text).toContain('o=alice 9223372036854775807 5 IN IP4 127.0.0.1\r\n');
    expect(text).toContain('a=ptime:30\r\n');
    expect(text).toContain('a=sendonly\r\n');
  });

  it.each([
    { name: 'a host name as address', opts: { ...BASE, address: 'pbx.example.com' }, argument: 'address' },
    { name: 'port 0', opts: { ...BASE, port: 0 }, argument: 'port' },
    { name: 'port 70000', opts: { ...BASE, port: 70_000 }, argument: 'port' },
    { name: 'a zero ptime', opts: { ...BASE, ptime: 0 }, argument: 'ptime' },
    { name: 'only telephone-event', opts: { ...BASE, codecs: [{ name: 'telephone-event', clockRate: 8000 }] }, argument: 'codecs' },
    { name: 'two formats on static 0', opts: { ...BASE, codecs: [{ name: 'PCMU', clockRate: 8000 }, { name: 'X-LAW', clockRate: 8000, payloadType: 0 }] }, argument: 'codecs[1].payloadType' },
    { name: 'a clock rate of 0', opts: { ...BASE, codecs: [{ name: 'PCMU', clockRate: 0 }] }, argument: 'codecs[0].clockRate' },
    { name: 'a session id that is not a number', opts: { ...BASE, origin: { sessionId: 'abc' } }, argument: 'origin.sessionId' },
  ])('rejects $name with InvalidArgumentError', ({ opts, argument }) => {
    let caught: unknown;
    try {
      createOffer(opts);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).argument).toBe(argument);
  });
});

describe('payload type assignment', () => {
  const opus: CodecCapability = { name: 'opus', clockRate: 48000, channels: 2 };
  const l16: CodecCapability = { name: 'L16', clockRate: 16000 };
  const te: CodecCapability = { name: 'telephone-event', clockRate: 8000 };
  const rows: { name: string; codecs: CodecCapability[]; expected: [string, number][] }[] = [
    {
      name: 'statics by name, the rest from 96, telephone-event at 101',
      codecs: [{ name: 'pcmu', clockRate: 8000 }, opus, l16, te],
      expected: [['pcmu', 0], ['opus', 96], ['L16', 97], ['telephone-event', 101]],
    },
    {
      name: 'a preferred dynamic number when free',
      codecs: [{ ...te, payloadType: 96 }, { ...l16, payloadType: 96 }, { ...opus, payloadType: 111 }],
      expected: [['telephone-event', 96], ['L16', 97], ['opus', 111]],
    },
    {
      name: 'telephone-event moves off 101 when a codec asks for it',
      codecs: [{ ...l16, payloadType: 101 }, te],
      expected: [['L16', 101], ['telephone-event', 96]],
    },
    {
      name: 'the static number even when a dynamic one is preferred',
      codecs: [{ name: 'G722', clockRate: 8000, payloadType: 120 }],
      expected: [['G722', 9]],
    },
    {
      name: 'duplicates dropped',
      codecs: [{ name: 'PCMU', clockRate: 8000 }, { name: 'PCMU', clockRate: 8000 }, { name: 'PCMA', clockRate: 8000 }],
      expected: [['PCMU', 0], ['PCMA', 8]],
    },
  ];

  it.each(rows)('gives $name', ({ codecs, expected }) => {
    expect(assignPayloadTypes(codecs).map((c) => [c.name, c.payloadType])).toEqual(expected);
    const m = parse(createOffer({ ...BASE, codecs })).media[0]!;
    expect(String(m.payloads)).toBe(expected.map(([, pt]) => pt).join(' '));
  });

  it('writes the channel count only for multi-channel formats', () => {
    const text = createOffer({ ...BASE, codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }, { name: 'PCMU', clockRate: 8000 }] });
    expect(text).toContain('a=rtpmap:96 opus/48000/2\r\n');
    expect(text).toContain('a=rtpmap:0 PCMU/8000\r\n');
  });

  it('refuses more than 32 dynamic formats', () => {
    const many = Array.from({ length: 33 }, (_, i) => ({ name: `X${i}`, clockRate: 8000 }));
    expect(() => assignPayloadTypes(many)).toThrow(InvalidArgumentError);
  });
});

describe('session ids', () => {
  it('are non-zero decimal numbers below 2^63 and differ between calls', () => {
    const ids = Array.from({ length: 50 }, newSessionId);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9]\d{0,18}$/);
      expect(BigInt(id) < 2n ** 63n).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('round trips through sdp-transform', () => {
  it('reproduces our own offers byte for byte', () => {
    for (const opts of [BASE, { ...BASE, address: '::1', rtcpMux: true, rtcpPort: 10003, direction: 'inactive' as const }]) {
      const text = createOffer(opts);
      expect(write(parse(text))).toBe(text);
    }
  });

  it.each([
    ['SIPp', SIPP_UAC_OFFER],
    ['baresip', BARESIP_OFFER],
    ['a multi-stream phone', MULTI_STREAM_OFFER],
  ])('keeps every field of a %s offer through parse, write and parse', (_name, text) => {
    const once = parse(text);
    expect(parse(write(once))).toEqual(once);
    expect(once.media.length).toBeGreaterThan(0);
  });
});
