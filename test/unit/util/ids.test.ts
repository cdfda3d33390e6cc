import { describe, expect, it } from 'vitest';
import { randomToken, randomUint32 } from '../../../src/util/index.js';

describe('randomToken', () => {
  it('returns tokens of the requested length drawn only from [A-Za-z0-9]', () => {
    for (const len of [0, 1, 8, 16, 33]) {
      const t = randomToken(len);
      expect(t).toHaveLength(len);
      expect(t).toMatch(/^[A-Za-z0-9]*$/);
    }
  });

  it('never repeats a token across more draws than one pooled buffer holds', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(randomToken(16));
    expect(seen.size).toBe(5000);
  });

  it('uses all 62 characters about evenly', () => {
    const counts = new Map<string, number>();
    const text = randomToken(62 * 400);
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 400 each; a uniform draw stays well within 250-550.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(250);
      expect(n).toBeLessThan(550);
    }
  });
});

describe('randomUint32', () => {
  it('returns distinct unsigned 32-bit integers', () => {
    const values = Array.from({ length: 2000 }, () => randomUint32());
    for (const v of values) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(0xffffffff);
    }
    expect(new Set(values).size).toBeGreaterThan(1990);
  });
});
