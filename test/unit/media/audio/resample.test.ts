import { describe, expect, it } from 'vitest';
import {
  HALF_BAND_COEFFS,
  HalfBandDownsampler,
  HalfBandUpsampler,
  IdentityResampler,
} from '../../../../src/media/audio/resample.js';
import { SincResampler, createResampler } from '../../../../src/media/audio/sinc-resampler.js';
import { goertzelPower, signalPower, toneRatio } from '../../../../src/media/audio/goertzel.js';
import { InvalidArgumentError } from '../../../../src/util/index.js';

function tone(freq: number, amplitude: number, n: number, rate: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** Run a signal through a resampler in frames of `frame` input samples. */
function inFrames(r: { process(x: Int16Array): Int16Array }, x: Int16Array, frame: number): Int16Array {
  const parts: Int16Array[] = [];
  for (let off = 0; off < x.length; off += frame) parts.push(r.process(x.subarray(off, off + frame)));
  const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const db = (ratio: number): number => 10 * Math.log10(ratio);

describe('half-band filter', () => {
  it('is symmetric, has unity DC gain and zero taps at even distances from the centre', () => {
    const h = HALF_BAND_COEFFS;
    expect(h.length).toBe(63);
    let sum = 0;
    for (let i = 0; i < h.length; i++) {
      sum += h[i];
      expect(h[i]).toBeCloseTo(h[h.length - 1 - i], 12);
      const d = i - 31;
      if (d !== 0 && d % 2 === 0) expect(h[i]).toBe(0);
    }
    expect(sum).toBeCloseTo(1, 3);
    expect(h[31]).toBe(0.5);
  });
});

describe('8 kHz <-> 16 kHz resampling', () => {
  it('keeps a 1 kHz tone through 8 -> 16 -> 8 kHz in 20 ms frames, level within 0.5 dB', () => {
    const x = tone(1000, 10000, 8000, 8000);
    const up = inFrames(new HalfBandUpsampler(), x, 160);
    expect(up.length).toBe(16000);
    expect(toneRatio(up.subarray(1600), 16000, 1000)).toBeGreaterThan(0.999);
    const down = inFrames(new HalfBandDownsampler(), up, 320);
    expect(down.length).toBe(8000);
    const settled = down.subarray(800);
    expect(toneRatio(settled, 8000, 1000)).toBeGreaterThan(0.999);
    expect(Math.abs(db(signalPower(settled) / signalPower(x.subarray(800))))).toBeLessThan(0.5);
  });

  it('delays by 61 samples at 16 kHz in total and reconstructs the tone sample by sample (SNR > 40 dB)', () => {
    const x = tone(1000, 10000, 16000, 16000);
    const y = inFrames(new HalfBandUpsampler(), inFrames(new HalfBandDownsampler(), x, 320), 160);
    // down: output m is centred on input 2m - 30; up: output 2m + 1 is input m - 15 -> 61 in total
    let sig = 0;
    let err = 0;
    for (let i = 1000; i < 15000; i++) {
      sig += x[i] * x[i];
      err += (y[i + 61] - x[i]) ** 2;
    }
    expect(db(sig / err)).toBeGreaterThan(40);
  });

  it('attenuates a 5 kHz tone by more than 50 dB when downsampling 16 -> 8 kHz (no aliasing to 3 kHz)', () => {
    const x = tone(5000, 16000, 16000, 16000);
    const y = inFrames(new HalfBandDownsampler(), x, 320).subarray(400);
    // 5 kHz aliases to 3 kHz at 8 kHz: nothing of it may come through.
    expect(db(signalPower(y) / signalPower(x))).toBeLessThan(-50);
    expect(goertzelPower(y, 8000, 3000)).toBeLessThan(goertzelPower(x, 16000, 5000) * 1e-5);
  });

  it('suppresses the 5-8 kHz image when upsampling 8 -> 16 kHz', () => {
    const y = inFrames(new HalfBandUpsampler(), tone(3000, 16000, 8000, 8000), 160).subarray(800);
    // A 3 kHz tone at 8 kHz has its image at 5 kHz after zero insertion.
    expect(goertzelPower(y, 16000, 5000)).toBeLessThan(goertzelPower(y, 16000, 3000) * 1e-5);
  });

  it('gives the same output for any framing (stateful across frames, odd lengths included)', () => {
    const x = tone(700, 9000, 4000, 16000);
    const whole = new HalfBandDownsampler().process(x);
    expect(inFrames(new HalfBandDownsampler(), x, 37)).toEqual(whole);
    const up = new HalfBandUpsampler().process(x);
    expect(inFrames(new HalfBandUpsampler(), x, 13)).toEqual(up);
  });

  it('restarts from silence after reset()', () => {
    const r = new HalfBandDownsampler();
    const x = tone(700, 9000, 640, 16000);
    const first = r.process(x);
    r.process(tone(300, 20000, 333, 16000));
    r.reset();
    expect(r.process(x)).toEqual(first);
  });
});

describe('arbitrary-ratio resampling', () => {
  for (const [from, to] of [
    [48000, 8000],
    [44100, 16000],
    [8000, 44100],
    [22050, 16000],
  ] as const) {
    it(`converts a 1 kHz tone from ${from} to ${to} Hz with the right length, frequency and level`, () => {
      const x = tone(1000, 10000, from, from); // one second
      const y = inFrames(new SincResampler(from, to), x, Math.round(from / 50));
      expect(Math.abs(y.length - to)).toBeLessThanOrEqual(Math.ceil((to / from) * 200));
      const settled = y.subarray(Math.round(to / 10), Math.round(to * 0.9));
      expect(toneRatio(settled, to, 1000)).toBeGreaterThan(0.999);
      expect(Math.abs(db(signalPower(settled) / signalPower(x)))).toBeLessThan(0.5);
    });
  }

  it('removes content above the new Nyquist frequency when downsampling 48 -> 8 kHz', () => {
    const x = tone(5000, 16000, 48000, 48000); // aliases to 3 kHz at 8 kHz
    const y = inFrames(new SincResampler(48000, 8000), x, 960).subarray(800);
    expect(db(signalPower(y) / signalPower(x))).toBeLessThan(-50);
  });

  it('keeps exact long-run timing (no drift): 10 s of 44.1 kHz gives 160,000 samples at 16 kHz within the kernel delay', () => {
    const r = new SincResampler(44100, 16000);
    let total = 0;
    const frame = new Int16Array(441);
    for (let i = 0; i < 1000; i++) total += r.process(frame).length;
    expect(total).toBeLessThanOrEqual(160000);
    expect(total).toBeGreaterThan(160000 - 40);
  });

  it('chooses the half-band filters for 2:1 ratios and identity for equal rates', () => {
    expect(createResampler(16000, 8000)).toBeInstanceOf(HalfBandDownsampler);
    expect(createResampler(8000, 16000)).toBeInstanceOf(HalfBandUpsampler);
    expect(createResampler(8000, 8000)).toBeInstanceOf(IdentityResampler);
    expect(createResampler(48000, 16000)).toBeInstanceOf(SincResampler);
    expect(() => createResampler(0, 8000)).toThrow(InvalidArgumentError);
  });
});
