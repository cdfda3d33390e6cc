import { describe, expect, it } from 'vitest';
import { MixerFifo } from '../../../../src/media/mixer/mixer-fifo.js';

function ramp(from: number, n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => (from + i) % 30000);
}

describe('MixerFifo', () => {
  it('delivers nothing until a frame plus the cushion is queued, then the samples in order', () => {
    const f = new MixerFifo(1600, 320);
    const out = new Int16Array(160);
    f.push(ramp(0, 160));
    expect(f.read(out, 0, 160)).toBe(0);
    f.push(ramp(160, 160));
    expect(f.read(out, 0, 160)).toBe(160);
    expect(out[0]).toBe(0);
    expect(out[159]).toBe(159);
    expect(f.length).toBe(160);
  });

  it('wraps around the ring without losing or reordering samples in lock-step', () => {
    const f = new MixerFifo(500, 320); // capacity not a multiple of the frame: writes wrap
    const out = new Int16Array(160);
    let next = 0;
    let expected = 0;
    f.push(ramp(next, 160));
    next += 160;
    for (let i = 0; i < 1000; i++) {
      f.push(ramp(next, 160));
      next += 160;
      if (f.read(out, 0, 160) === 0) continue;
      for (let k = 0; k < 160; k++) expect(out[k]).toBe((expected + k) % 30000);
      expected += 160;
    }
    expect(f.dropped).toBe(0);
    expect(f.underruns).toBe(0);
  });

  it('sheds the surplus of a writer whose clock runs 1% fast, keeping latency bounded', () => {
    const f = new MixerFifo(1600, 320);
    const out = new Int16Array(160);
    let maxLength = 0;
    for (let i = 0; i < 3000; i++) {
      f.push(ramp(0, i % 100 === 0 ? 162 : 161));
      f.read(out, 0, 160);
      maxLength = Math.max(maxLength, f.length);
    }
    // 3000 ticks at +1.0x samples each would be ~3000 samples behind; the ring never holds
    // much more than the cushion plus a frame, and never hit its capacity.
    expect(maxLength).toBeLessThanOrEqual(320 + 160);
    expect(f.dropped).toBeGreaterThan(3030 - 480); // all the surplus but what is still queued
    expect(f.underruns).toBe(0);
  });

  it('keeps the newest samples and only the target fill after an overflow', () => {
    const f = new MixerFifo(1600, 320);
    for (let i = 0; i < 20; i++) f.push(ramp(i * 160, 160));
    expect(f.length).toBeLessThanOrEqual(1600);
    const out = new Int16Array(160);
    f.read(out, 0, 160);
    expect(out[159]).toBeGreaterThan(2600); // from the last frames, not the first
  });

  it('re-primes after an underrun and returns the partial read', () => {
    const f = new MixerFifo(1600, 160);
    const out = new Int16Array(160);
    f.push(ramp(0, 160));
    expect(f.read(out, 0, 160)).toBe(160);
    f.push(ramp(0, 50));
    expect(f.read(out, 0, 160)).toBe(50);
    expect(f.underruns).toBe(1);
    expect(f.primed).toBe(false);
  });
});
