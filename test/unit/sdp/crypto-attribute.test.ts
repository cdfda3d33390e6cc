import { describe, expect, it } from 'vitest';
import { write, parse } from 'sdp-transform';
import {
  CryptoAttributeError,
  createCryptoAttribute,
  parseCryptoAttribute,
  serializeCryptoAttribute,
} from '../../../src/sdp/index.js';
import { SiplineError } from '../../../src/util/index.js';
import { SrtpContext } from '../../../src/media/index.js';

/** RFC 4568 §4's example key: 40 base64 characters, 30 bytes of key||salt. */
const RFC_KEY = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';

function failure(value: string): string {
  try {
    parseCryptoAttribute(value);
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoAttributeError);
    expect(err).toBeInstanceOf(SiplineError);
    expect((err as CryptoAttributeError).code).toBe('ERR_SDP_CRYPTO');
    expect((err as Error).message).not.toContain(RFC_KEY);
    return (err as CryptoAttributeError).reason;
  }
  return 'accepted';
}

describe('parseCryptoAttribute', () => {
  it('reads the RFC 4568 example with lifetime 2^20 and MKI 1:4', () => {
    const a = parseCryptoAttribute(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^20|1:4`);
    expect(a.tag).toBe(1);
    expect(a.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(a.keys).toHaveLength(1);
    expect(Buffer.from(a.keys[0]!.keySalt).toString('base64')).toBe(RFC_KEY);
    expect(a.keys[0]!.keySalt).toHaveLength(30);
    expect(a.keys[0]!.lifetime).toBe(1_048_576);
    expect(a.keys[0]!.mki).toEqual({ value: 1, length: 4 });
    expect(a.sessionParams).toEqual([]);
  });

  it('reads a bare value as baresip and Asterisk write it, with session parameters', () => {
    const a = parseCryptoAttribute(`2 AES_CM_128_HMAC_SHA1_32 inline:${RFC_KEY} UNENCRYPTED_SRTCP KDR=0`);
    expect(a).toMatchObject({ tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32', sessionParams: ['UNENCRYPTED_SRTCP', 'KDR=0'] });
    expect(a.keys[0]!.lifetime).toBeUndefined();
    expect(a.keys[0]!.mki).toBeUndefined();
  });

  it('reads a decimal lifetime and an unknown suite without checking its key length', () => {
    expect(parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|1000`).keys[0]!.lifetime).toBe(1000);
    expect(parseCryptoAttribute('3 AEAD_AES_256_GCM inline:AAAA').suite).toBe('AEAD_AES_256_GCM');
  });

  it('refuses malformed attributes with a typed reason', () => {
    expect(failure(`x AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}`)).toBe('bad-tag');
    expect(failure(`1234567890 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}`)).toBe('bad-tag');
    expect(failure('1')).toBe('bad-suite');
    expect(failure('1 AES_CM_128_HMAC_SHA1_80')).toBe('bad-key-params');
    expect(failure(`1 AES_CM_128_HMAC_SHA1_80 uri:${RFC_KEY}`)).toBe('bad-key-params');
    expect(failure('1 AES_CM_128_HMAC_SHA1_80 inline:not*base64')).toBe('bad-key');
    expect(failure('1 AES_CM_128_HMAC_SHA1_80 inline:AAAA')).toBe('bad-key');
    expect(failure(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^x`)).toBe('bad-lifetime');
    expect(failure(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|1:0`)).toBe('bad-mki');
    expect(failure(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|1:4|2^20`)).toBe('bad-lifetime');
  });
});

describe('serializeCryptoAttribute', () => {
  it('writes tag, suite and inline key, and parses back to the same key', () => {
    const attr = createCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80');
    const text = serializeCryptoAttribute(attr);
    expect(text).toMatch(/^1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
    expect(parseCryptoAttribute(text).keys[0]!.keySalt).toEqual(attr.keys[0]!.keySalt);
  });

  it('writes a power-of-two lifetime as 2^n and keeps session parameters', () => {
    const parsed = parseCryptoAttribute(`5 AES_CM_128_HMAC_SHA1_32 inline:${RFC_KEY}|2^31 UNENCRYPTED_SRTCP`);
    expect(serializeCryptoAttribute(parsed)).toBe(`5 AES_CM_128_HMAC_SHA1_32 inline:${RFC_KEY}|2^31 UNENCRYPTED_SRTCP`);
  });

  it('draws a different random key for every new attribute', () => {
    const a = createCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_32').keys[0]!.keySalt;
    const b = createCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_32').keys[0]!.keySalt;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses a key of the wrong length for a known suite', () => {
    expect(() => serializeCryptoAttribute({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keys: [{ keySalt: new Uint8Array(16) }], sessionParams: [] })).toThrow(SiplineError);
  });

  it('round-trips through an SDP body written and read by sdp-transform', () => {
    const attr = createCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80');
    const [id, suite, config] = serializeCryptoAttribute(attr).split(' ');
    const body = write({
      version: 0,
      origin: { username: '-', sessionId: 1, sessionVersion: 1, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
      name: '-',
      timing: { start: 0, stop: 0 },
      connection: { version: 4, ip: '127.0.0.1' },
      media: [{ type: 'audio', port: 4000, protocol: 'RTP/SAVP', payloads: '0', rtp: [{ payload: 0, codec: 'PCMU', rate: 8000 }], fmtp: [], crypto: [{ id: Number(id), suite: suite!, config: config! }] }],
    });
    expect(body).toContain(`a=crypto:${serializeCryptoAttribute(attr)}`);
    const line = body.split('\r\n').find((l) => l.startsWith('a=crypto:'))!;
    expect(parseCryptoAttribute(line).keys[0]!.keySalt).toEqual(attr.keys[0]!.keySalt);
    const c = parse(body).media[0]!.crypto![0]!;
    expect(parseCryptoAttribute(`${c.id} ${c.suite} ${c.config}`).suite).toBe('AES_CM_128_HMAC_SHA1_80');
  });
});

describe('CryptoAttributeError', () => {
  it('has its code and class listed in docs/errors.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const err = new CryptoAttributeError('bad-tag', 'x');
    expect(err.name).toBe('CryptoAttributeError');
    expect(doc).toContain('`ERR_SDP_CRYPTO`');
    expect(doc).toContain('`CryptoAttributeError`');
  });
});

describe('SDES keys drive SRTP', () => {
  it('lets the receiver of an a=crypto line unprotect what its sender protected', () => {
    const offered = createCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80');
    const sender = SrtpContext.fromKeySalt('AES_CM_128_HMAC_SHA1_80', offered.keys[0]!.keySalt);
    const received = parseCryptoAttribute(`a=crypto:${serializeCryptoAttribute(offered)}`);
    const receiver = SrtpContext.fromKeySalt('AES_CM_128_HMAC_SHA1_80', received.keys[0]!.keySalt);
    const packet = Buffer.concat([Buffer.from('800000010000000000000042', 'hex'), Buffer.alloc(160, 0xff)]);
    expect(receiver.unprotectRtp(sender.protectRtp(packet))).toEqual(packet);
  });
});
