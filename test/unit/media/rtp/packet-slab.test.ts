import { describe, expect, it } from 'vitest';
import { allocPacketBuffer } from '../../../../src/media/rtp/packet-slab.js';

describe('allocPacketBuffer', () => {
  it('returns regions of the requested size that never overlap, across slab refills', () => {
    const views: Uint8Array[] = [];
    // 172-octet PCMU packets: 1000 of them span several 64 KiB slabs.
    for (let i = 0; i < 1000; i++) {
      const v = allocPacketBuffer(172);
      expect(v.length).toBe(172);
      v.fill(i & 0xff);
      views.push(v);
    }
    views.forEach((v, i) => {
      expect(v.every((b) => b === (i & 0xff))).toBe(true);
    });
    const slabs = new Set(views.map((v) => v.buffer));
    expect(slabs.size).toBeGreaterThan(1);
    for (const ab of slabs) {
      const regions = views.filter((v) => v.buffer === ab).map((v) => [v.byteOffset, v.byteOffset + v.length] as const)
        .sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < regions.length; i++) expect(regions[i]![0]).toBeGreaterThanOrEqual(regions[i - 1]![1]);
    }
  });

  it('gives large packets a buffer of their own', () => {
    const big = allocPacketBuffer(9000);
    expect(big.length).toBe(9000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(9000);
    const small = allocPacketBuffer(12);
    expect(small.buffer).not.toBe(big.buffer);
  });
});
