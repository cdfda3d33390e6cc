import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../src/session/index.js';

function optionOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).option;
  }
  return undefined;
}

describe('media.srtp and media.srtpSuites', () => {
  it('default to off with both suites, the 80-bit tag first', () => {
    const { media } = resolveConfig({});
    expect(media.srtp).toBe('off');
    expect(media.srtpSuites).toEqual(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
  });

  it('accept every mode and a suite list in the given order, any letter case', () => {
    for (const srtp of ['off', 'optional', 'required'] as const) expect(resolveConfig({ media: { srtp } }).media.srtp).toBe(srtp);
    const media = resolveConfig({ media: { srtp: 'required', srtpSuites: ['aes_cm_128_hmac_sha1_32' as 'AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80'] } }).media;
    expect(media.srtpSuites).toEqual(['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80']);
  });

  it('reject an unknown mode, an empty or non-array suite list, unknown and repeated suites, naming the option', () => {
    expect(optionOf(() => resolveConfig({ media: { srtp: 'mandatory' as 'required' } }))).toBe('media.srtp');
    expect(optionOf(() => resolveConfig({ media: { srtpSuites: [] } }))).toBe('media.srtpSuites');
    expect(optionOf(() => resolveConfig({ media: { srtpSuites: 'AES_CM_128_HMAC_SHA1_80' as unknown as [] } }))).toBe('media.srtpSuites');
    expect(optionOf(() => resolveConfig({ media: { srtpSuites: ['AEAD_AES_128_GCM' as 'AES_CM_128_HMAC_SHA1_80'] } }))).toBe('media.srtpSuites[0]');
    expect(optionOf(() => resolveConfig({ media: { srtpSuites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80'] } }))).toBe('media.srtpSuites[1]');
  });
});
