import { describe, expect, it } from 'vitest';
import { createCodec } from '../../../../src/media/codecs/registry.js';
import { CodecError } from '../../../../src/media/codecs/errors.js';
import { G722Decoder, G722Encoder } from '../../../../src/media/codecs/g722.js';
import { goertzelPower, signalPower, toneRatio } from '../../../../src/media/audio/goertzel.js';

const RATE = 16000;

function tone(freq: number, amplitude: number, n: number, rate = RATE): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** Encode then decode in 20 ms frames through one codec instance. */
function roundTrip(pcm: Int16Array): Int16Array {
  const codec = createCodec('G722');
  const frame = codec.frameSamples(20);
  const out = new Int16Array(pcm.length);
  for (let off = 0; off + frame <= pcm.length; off += frame) {
    const payload = codec.encode(pcm.subarray(off, off + frame));
    expect(payload.length).toBe(frame / 2);
    out.set(codec.decode(payload), off);
  }
  return out;
}

/**
 * SNR in dB of `out` against `ref` delayed by the lag (14..30 samples) that maximises it.
 * The window is narrower than one period of the lowest tone's repetition (16 samples at
 * 1 kHz), so a periodic tone cannot alias the lag.
 */
function alignedSnr(ref: Int16Array, out: Int16Array, skip: number): { snr: number; lag: number } {
  let best = { snr: -Infinity, lag: -1 };
  for (let lag = 14; lag <= 30; lag++) {
    let sig = 0;
    let err = 0;
    for (let i = skip; i < ref.length - lag; i++) {
      const e = out[i + lag] - ref[i];
      sig += ref[i] * ref[i];
      err += e * e;
    }
    const snr = 10 * Math.log10(sig / Math.max(err, 1e-9));
    if (snr > best.snr) best = { snr, lag };
  }
  return best;
}

describe('G.722 encode then decode of tones at 16 kHz', () => {
  for (const freq of [300, 1000, 3000]) {
    it(`keeps a ${freq} Hz tone recognisable: tone share > 0.995 and SNR > 35 dB`, () => {
      const ref = tone(freq, 8000, RATE); // one second, about -12 dBFS
      const out = roundTrip(ref);
      const settled = out.subarray(1600); // skip the first 100 ms of adaptation
      expect(toneRatio(settled, RATE, freq)).toBeGreaterThan(0.995);
      // The tone is at least 30 dB above any other probe frequency.
      for (const other of [200, 500, 1500, 2500, 4000, 6000]) {
        if (Math.abs(other - freq) < 150) continue;
        expect(goertzelPower(settled, RATE, freq)).toBeGreaterThan(1000 * goertzelPower(settled, RATE, other));
      }
      const { snr, lag } = alignedSnr(ref, out, 1600);
      expect(lag).toBe(22); // QMF analysis + synthesis delay: 22 samples at 16 kHz
      expect(snr).toBeGreaterThan(35); // measured: 61.5 dB (300 Hz), 47.3 dB (1 kHz), 41.0 dB (3 kHz)
    });
  }

  it('keeps the level of the tone within 1 dB', () => {
    const ref = tone(1000, 8000, RATE);
    const out = roundTrip(ref).subarray(1600);
    const ratio = signalPower(out) / signalPower(ref.subarray(1600));
    expect(Math.abs(10 * Math.log10(ratio))).toBeLessThan(1);
  });

  it('encodes silence to near-silence', () => {
    const out = roundTrip(new Int16Array(RATE));
    let peak = 0;
    for (const s of out) peak = Math.max(peak, Math.abs(s));
    expect(peak).toBeLessThanOrEqual(8);
  });

  it('stays stable over a long run: 60 s of changing tones keep SNR high to the end, no drift', () => {
    const enc = new G722Encoder();
    const dec = new G722Decoder();
    const second = RATE;
    const bytes = new Uint8Array(second / 2);
    const out = new Int16Array(second);
    let lastSnr = 0;
    for (let s = 0; s < 60; s++) {
      const freq = 200 + ((s * 397) % 6000);
      const amp = 2000 + ((s * 7919) % 20000);
      const ref = tone(freq, amp, second);
      enc.encodeInto(ref, bytes);
      dec.decodeInto(bytes, out);
      if (s >= 55) {
        const { snr } = alignedSnr(ref, out, 1600);
        lastSnr = snr;
        expect(snr).toBeGreaterThan(freq < 3500 ? 20 : 8);
      }
    }
    // The final one-second tone (freq 200 + 59*397 % 6000) decodes with the same quality
    // as from a fresh codec: the state has not drifted.
    const freq = 200 + ((59 * 397) % 6000);
    const fresh = alignedSnr(tone(freq, 2000 + ((59 * 7919) % 20000), second), roundTrip(tone(freq, 2000 + ((59 * 7919) % 20000), second)), 1600);
    expect(Math.abs(fresh.snr - lastSnr)).toBeLessThan(3);
  });

  it('keeps encoder state per stream: two interleaved streams code exactly as each alone', () => {
    const a = tone(1000, 8000, 3200);
    const b = tone(3000, 3000, 3200);
    const codec = createCodec('G722');
    const encA = codec.createEncoder();
    const encB = codec.createEncoder();
    const interleaved: Buffer[] = [];
    for (let off = 0; off < 3200; off += 320) {
      interleaved.push(encA.encode(a.subarray(off, off + 320)));
      encB.encode(b.subarray(off, off + 320));
      codec.encode(b.subarray(off, off + 320)); // the instance's own encoder is separate too
    }
    const alone = createCodec('G722').encode(a);
    expect(Buffer.concat(interleaved)).toEqual(alone);
    // and reset() really returns to the initial state
    encA.reset();
    expect(encA.encode(a)).toEqual(alone);
  });

  it('keeps decoder state separate from encoder state in one codec instance', () => {
    const a = tone(1000, 8000, 640);
    const payload = createCodec('G722').encode(a);
    const c = createCodec('G722');
    c.encode(tone(500, 20000, 640)); // would disturb a shared state
    expect(c.decode(payload)).toEqual(createCodec('G722').decode(payload));
  });

  it('rejects a frame with an odd number of samples with a CodecError', () => {
    const codec = createCodec('G722');
    expect(() => codec.encode(new Int16Array(321))).toThrow(CodecError);
    try {
      codec.encode(new Int16Array(3));
    } catch (e) {
      expect((e as CodecError).reason).toBe('bad-frame');
      expect((e as CodecError).code).toBe('ERR_CODEC');
    }
  });

  it('describes itself per RFC 3551: payload type 9, 8000 Hz RTP clock, 16 kHz audio', () => {
    const c = createCodec('g722');
    expect([c.name, c.payloadType, c.rtpClockRate, c.sampleRate]).toEqual(['G722', 9, 8000, 16000]);
    expect(c.frameSamples(20)).toBe(320);
    expect(c.payloadBytes(320)).toBe(160);
    expect(c.pcmSamples(160)).toBe(320);
    expect(c.rtpTicks(320)).toBe(160);
  });
});
