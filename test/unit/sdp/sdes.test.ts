import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CODECS,
  LocalSdpSession,
  SdpNegotiationError,
  applyAnswer,
  createAnswer,
  createOffer,
  usableCrypto,
} from '../../../src/sdp/index.js';
import type { SdesAnswerPolicy, SdesSuite, SrtpPolicy } from '../../../src/sdp/index.js';

/** RFC 4568 §4's example key||salt (30 bytes). */
const KEY_A = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
const KEY_B = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';

function offerSdp(protocol: string, crypto: readonly string[]): string {
  return [
    'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio 40000 ${protocol} 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16',
    ...crypto.map((c) => `a=crypto:${c}`), 'a=sendrecv', '',
  ].join('\r\n');
}

const ourKey = new Uint8Array(30).fill(7);
function policy(p: SrtpPolicy, suites: readonly SdesSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']): SdesAnswerPolicy {
  return { policy: p, suites, keyFor: () => ourKey };
}

function answer(offer: string, p?: SrtpPolicy) {
  return createAnswer(offer, DEFAULT_CODECS, { address: '127.0.0.1', port: 30000, ...(p !== undefined ? { srtp: policy(p) } : {}) });
}

function negotiationCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SdpNegotiationError);
    return (err as SdpNegotiationError).code;
  }
  return undefined;
}

describe('SDES in answers (RFC 4568 §7.1.2)', () => {
  it('answers an RTP/SAVP offer with RTP/SAVP and our own key under the tag and suite of the first usable line', () => {
    const a = answer(offerSdp('RTP/SAVP', [`1 AES_CM_192_HMAC_SHA1_80 inline:${KEY_A}`, `2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_A}`, `3 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}`]), 'required');
    expect(a.sdp).toMatch(/^m=audio 30000 RTP\/SAVP /m);
    const lines = a.sdp.split('\r\n').filter((l) => l.startsWith('a=crypto:'));
    expect(lines).toEqual([`a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${Buffer.from(ourKey).toString('base64')}`]);
    expect(a.media.srtp?.suite).toBe('AES_CM_128_HMAC_SHA1_32');
    expect(a.media.srtp?.tag).toBe(2);
    expect(Buffer.from(a.media.srtp!.remoteKeySalt).toString('base64')).toBe(KEY_A);
    expect(a.media.srtp?.localKeySalt).toEqual(ourKey);
    expect(a.media.srtp?.encryptRtcp).toBe(true);
  });

  it('echoes UNENCRYPTED_SRTCP and tolerates a lifetime, but skips lines with an MKI or unknown session parameters', () => {
    const a = answer(offerSdp('RTP/SAVP', [
      `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}|2^20|1:4`,
      `2 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A} UNENCRYPTED_SRTP`,
      `3 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}|2^31 UNENCRYPTED_SRTCP WSH=128`,
    ]), 'optional');
    expect(a.media.srtp?.tag).toBe(3);
    expect(a.media.srtp?.encryptRtcp).toBe(false);
    expect(a.sdp).toMatch(/^a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:\S+ UNENCRYPTED_SRTCP\r$/m);
  });

  it('uses best-effort SRTP for an RTP/AVP offer with a=crypto when optional or required, and ignores it when off', () => {
    const offer = offerSdp('RTP/AVP', [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`]);
    for (const p of ['optional', 'required'] as const) {
      const a = answer(offer, p);
      expect(a.sdp).toMatch(/^m=audio 30000 RTP\/AVP /m);
      expect(a.media.srtp?.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    }
    const off = answer(offer, 'off');
    expect(off.media.srtp).toBeUndefined();
    expect(off.sdp).not.toContain('a=crypto');
    expect(answer(offer).media.srtp).toBeUndefined();
  });

  it('refuses with ERR_SDP_SRTP_MISMATCH an RTP/SAVP offer when SRTP is off or no line is usable, and a plain offer when SRTP is required', () => {
    const savp = offerSdp('RTP/SAVP', [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`]);
    expect(negotiationCode(() => answer(savp, 'off'))).toBe('ERR_SDP_SRTP_MISMATCH');
    expect(negotiationCode(() => answer(savp))).toBe('ERR_SDP_SRTP_MISMATCH');
    const only32 = (o: string): unknown => createAnswer(o, DEFAULT_CODECS, { address: '127.0.0.1', port: 30000, srtp: policy('required', ['AES_CM_128_HMAC_SHA1_32']) });
    expect(negotiationCode(() => only32(savp))).toBe('ERR_SDP_SRTP_MISMATCH');
    expect(negotiationCode(() => answer(offerSdp('RTP/SAVP', ['1 AES_CM_128_HMAC_SHA1_80 inline:short']), 'optional'))).toBe('ERR_SDP_SRTP_MISMATCH');
    expect(negotiationCode(() => answer(offerSdp('RTP/AVP', []), 'required'))).toBe('ERR_SDP_SRTP_MISMATCH');
    expect(answer(offerSdp('RTP/AVP', []), 'optional').media.srtp).toBeUndefined();
  });
});

describe('SDES in offers and in the answers to them (RFC 4568 §7.1.1, §7.1.3)', () => {
  const opts = { address: '127.0.0.1', port: 20000, codecs: DEFAULT_CODECS };

  it('offers RTP/SAVP with one a=crypto per suite when required and RTP/AVP with a=crypto when optional', () => {
    const required = new LocalSdpSession({ srtp: { policy: 'required' } }).createOffer(opts);
    expect(required).toMatch(/^m=audio 20000 RTP\/SAVP /m);
    expect(required.match(/^a=crypto:.*$/gm)?.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80', 'a=crypto:2 AES_CM_128_HMAC_SHA1_32',
    ]);
    const optional = new LocalSdpSession({ srtp: { policy: 'optional', suites: ['AES_CM_128_HMAC_SHA1_32'] } }).createOffer(opts);
    expect(optional).toMatch(/^m=audio 20000 RTP\/AVP /m);
    expect(optional.match(/^a=crypto:.*$/gm)).toHaveLength(1);
    expect(optional).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_32 /m);
    const off = new LocalSdpSession().createOffer(opts);
    expect(off).not.toContain('a=crypto');
    expect(off).toMatch(/RTP\/AVP/);
  });

  it('keeps its keys across re-offers of one session (no version bump) and uses fresh keys in another session', () => {
    const local = new LocalSdpSession({ srtp: { policy: 'required' } });
    const first = local.createOffer(opts);
    const again = local.createOffer(opts);
    expect(again).toBe(first);
    const other = new LocalSdpSession({ srtp: { policy: 'required' } }).createOffer(opts);
    const keys = (s: string): string[] => [...s.matchAll(/inline:(\S+)/g)].map((m) => m[1]!);
    expect(keys(other)).toHaveLength(2);
    expect(keys(other).some((k) => keys(first).includes(k))).toBe(false);
    expect(new Set(keys(first)).size).toBe(2);
    // Answering keeps the same key for the suite too.
    const answered = local.createAnswer(offerSdp('RTP/SAVP', [`5 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`]), DEFAULT_CODECS, { address: '127.0.0.1', port: 20000 });
    expect(Buffer.from(answered.media.srtp!.localKeySalt).toString('base64')).toBe(keys(first)[0]);
  });

  it('completes an exchange between two local sessions with crossed keys', () => {
    const alice = new LocalSdpSession({ srtp: { policy: 'required' } });
    const bob = new LocalSdpSession({ srtp: { policy: 'optional' } });
    const offer = alice.createOffer(opts);
    const a = bob.createAnswer(offer, DEFAULT_CODECS, { address: '127.0.0.1', port: 30000 });
    const agreed = applyAnswer(offer, a.sdp);
    expect(agreed.srtp?.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(agreed.srtp?.localKeySalt).toEqual(a.media.srtp?.remoteKeySalt);
    expect(agreed.srtp?.remoteKeySalt).toEqual(a.media.srtp?.localKeySalt);
    expect(agreed.srtp?.localKeySalt).not.toEqual(agreed.srtp?.remoteKeySalt);
  });

  it('rejects an answer without a=crypto to an RTP/SAVP offer, or with a tag we did not offer, and accepts a plain answer to a best-effort offer', () => {
    const savpOffer = createOffer({ ...opts, srtp: { protocol: 'RTP/SAVP', crypto: usableCrypto([`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`], ['AES_CM_128_HMAC_SHA1_80']) } });
    const plainAnswer = (protocol: string, crypto: readonly string[]): string => offerSdp(protocol, crypto).replace('m=audio 40000', 'm=audio 40002');
    expect(negotiationCode(() => applyAnswer(savpOffer, plainAnswer('RTP/SAVP', [])))).toBe('ERR_SDP_SRTP_MISMATCH');
    expect(negotiationCode(() => applyAnswer(savpOffer, plainAnswer('RTP/SAVP', [`2 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}`])))).toBe('ERR_SDP_SRTP_MISMATCH');
    expect(negotiationCode(() => applyAnswer(savpOffer, plainAnswer('RTP/SAVP', [`1 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`])))).toBe('ERR_SDP_SRTP_MISMATCH');
    const ok = applyAnswer(savpOffer, plainAnswer('RTP/SAVP', [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}`]));
    expect(Buffer.from(ok.srtp!.remoteKeySalt).toString('base64')).toBe(KEY_B);
    const bestEffort = savpOffer.replace('RTP/SAVP', 'RTP/AVP');
    expect(applyAnswer(bestEffort, plainAnswer('RTP/AVP', [])).srtp).toBeUndefined();
  });
});
