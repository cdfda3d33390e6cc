import { describe, expect, it } from 'vitest';
import { createCodec } from '../../../src/media/index.js';
import { SwitchableRtpCodec } from '../../../src/session/switchable-codec.js';

describe('SwitchableRtpCodec', () => {
  it('encodes with the codec and payload type in use, and switches between codecs of the same rates', () => {
    const codec = new SwitchableRtpCodec(createCodec('PCMU'), 0);
    const pcm = new Int16Array(160).fill(1000);
    const ulaw = codec.encode(pcm);
    expect(codec.payloadType).toBe(0);
    expect(codec.switchTo(createCodec('PCMA'), 8)).toBe(true);
    expect(codec.payloadType).toBe(8);
    expect(codec.name).toBe('PCMA');
    const alaw = codec.encode(pcm);
    expect(Buffer.from(alaw).equals(Buffer.from(ulaw))).toBe(false);
    expect(Buffer.from(alaw).equals(Buffer.from(createCodec('PCMA').encode(pcm)))).toBe(true);
  });

  it('refuses a codec with another sample rate and keeps the current one', () => {
    const codec = new SwitchableRtpCodec(createCodec('PCMU'), 0);
    expect(codec.compatible(createCodec('G722'))).toBe(false);
    expect(codec.switchTo(createCodec('G722'), 9)).toBe(false);
    expect(codec.name).toBe('PCMU');
    expect(codec.payloadType).toBe(0);
  });
});
