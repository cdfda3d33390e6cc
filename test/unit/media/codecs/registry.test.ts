import { describe, expect, it } from 'vitest';
import {
  codecByPayloadType,
  createCodec,
  isSupportedCodec,
  supportedCodecs,
} from '../../../../src/media/codecs/registry.js';
import { CodecError } from '../../../../src/media/codecs/errors.js';
import { SiplineError } from '../../../../src/util/index.js';
import * as media from '../../../../src/media/index.js';

describe('codec registry', () => {
  it('lists PCMU, PCMA and G722 with their RFC 3551 SDP descriptors', () => {
    expect(supportedCodecs).toEqual([
      { encodingName: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 },
      { encodingName: 'PCMA', clockRate: 8000, channels: 1, payloadType: 8 },
      { encodingName: 'G722', clockRate: 8000, channels: 1, payloadType: 9 },
    ]);
    expect(Object.isFrozen(supportedCodecs)).toBe(true);
  });

  it('creates each codec by name (case-insensitive) and by static payload type', () => {
    for (const d of supportedCodecs) {
      const byName = createCodec(d.encodingName.toLowerCase());
      const byPt = codecByPayloadType(d.payloadType);
      expect(byName.name).toBe(d.encodingName);
      expect(byPt.name).toBe(d.encodingName);
      expect(byName.clockRate).toBe(d.clockRate);
      expect(byName).not.toBe(createCodec(d.encodingName)); // a fresh instance every time
    }
    expect(isSupportedCodec('pcma')).toBe(true);
    expect(isSupportedCodec('opus')).toBe(false);
  });

  it('throws a CodecError for an unknown codec or payload type', () => {
    expect(() => createCodec('opus')).toThrow(CodecError);
    expect(() => createCodec('toString')).toThrow(CodecError);
    expect(() => codecByPayloadType(18)).toThrow(CodecError);
    try {
      createCodec('G729');
    } catch (e) {
      expect(e).toBeInstanceOf(SiplineError);
      expect((e as CodecError).code).toBe('ERR_CODEC');
      expect((e as CodecError).reason).toBe('unknown-codec');
    }
  });

  it('rejects a packetisation time that is not a whole number of samples', () => {
    expect(() => createCodec('PCMU').frameSamples(0)).toThrow(CodecError);
    expect(() => createCodec('PCMU').frameSamples(0.01)).toThrow(CodecError);
    expect(createCodec('PCMU').frameSamples(30)).toBe(240);
    expect(createCodec('G722').frameSamples(10)).toBe(160);
  });

  it('is reachable through the media layer door (src/media/index.ts)', () => {
    expect(media.createCodec('PCMA').payloadType).toBe(8);
    expect(typeof media.goertzelPower).toBe('function');
    expect(typeof media.FramePacer).toBe('function');
  });
});
