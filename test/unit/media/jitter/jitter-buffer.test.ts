import { describe, expect, it } from 'vitest';
import { JitterBuffer } from '../../../../src/media/jitter/jitter-buffer.js';
import type { JitterBufferOptions } from '../../../../src/media/jitter/jitter-buffer.js';

/** Payload = one byte holding seq & 0xff; the "decoder" fills the frame with it. */
const decode = (p: Uint8Array): Int16Array => new Int16Array(4).fill(p[0]! * 100);
const mk = (o?: Partial<JitterBufferOptions>): JitterBuffer =>
  new JitterBuffer({ decode, frameSamples: 4, clockRate: 8000, minDepthMs: 40, maxDepthMs: 200, ...o });
const pkt = (seq: number): Uint8Array => new Uint8Array([seq & 0xff]);

describe('JitterBuffer', () => {
  it('buffers to its depth, then plays packets in sequence order despite reordering', () => {
    const jb = mk();
    for (const s of [3, 1, 2, 5, 4]) jb.push(s, s * 160, pkt(s), s * 20);
    const out = Array.from({ length: 5 }, () => jb.pull());
    expect(out.map((f) => f.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(out[0]!.pcm[0]).toBe(100);
    expect(jb.stats().played).toBe(5);
  });

  it('says it is buffering until the target depth is reached', () => {
    const jb = mk();
    jb.push(10, 0, pkt(10), 0);
    expect(jb.pull().kind).toBe('buffering');
    jb.push(11, 160, pkt(11), 20);
    expect(jb.pull()).toMatchObject({ kind: 'audio', sequenceNumber: 10 });
  });

  it('drops duplicates, before and after playout, and counts them', () => {
    const jb = mk();
    expect(jb.push(1, 160, pkt(1), 0)).toBe('queued');
    expect(jb.push(1, 160, pkt(1), 1)).toBe('duplicate');
    jb.push(2, 320, pkt(2), 20);
    jb.pull();
    expect(jb.push(1, 160, pkt(1), 30)).toBe('duplicate');
    expect(jb.stats().duplicates).toBe(2);
  });

  it('drops a packet that arrives after its playout time as late', () => {
    const jb = mk();
    for (const s of [1, 2, 4, 5]) jb.push(s, s * 160, pkt(s), s * 20);
    expect(jb.pull().sequenceNumber).toBe(1);
    expect(jb.pull().sequenceNumber).toBe(2);
    expect(jb.pull().kind).toBe('concealed'); // 3 missing at its time
    expect(jb.push(3, 480, pkt(3), 100)).toBe('late');
    expect(jb.pull().sequenceNumber).toBe(4);
    expect(jb.stats().late).toBe(1);
  });

  it('conceals a gap by repeating the last frame with falling gain', () => {
    const jb = mk();
    for (const s of [1, 2, 6]) jb.push(s, s * 160, pkt(s), s * 20);
    jb.pull(); jb.pull();
    const c1 = jb.pull();
    const c2 = jb.pull();
    expect(c1.kind).toBe('concealed');
    expect(c1.pcm[0]).toBe(Math.round(200 * 0.6));
    expect(c2.pcm[0]).toBe(Math.round(200 * 0.36));
    expect(jb.stats().concealed).toBe(2);
  });

  it('conceals with silence when configured to', () => {
    const jb = mk({ concealment: 'silence' });
    for (const s of [1, 2, 4]) jb.push(s, s * 160, pkt(s), s * 20);
    jb.pull(); jb.pull();
    const c = jb.pull();
    expect(c.kind).toBe('concealed');
    expect([...c.pcm]).toEqual([0, 0, 0, 0]);
  });

  it('deepens under jitter, within its maximum, and shrinks back when the network calms', () => {
    const jb = mk();
    let seq = 0;
    // Jittery arrivals: each packet 0-80 ms late, deterministic pattern.
    const lateness = [0, 80, 10, 60, 0, 70, 20, 50];
    for (let i = 0; i < 200; i++, seq++) {
      jb.push(seq, seq * 160, pkt(seq), seq * 20 + lateness[i % lateness.length]!);
      jb.pull();
    }
    const deep = jb.stats().targetDepthMs;
    expect(deep).toBeGreaterThan(80);
    expect(deep).toBeLessThanOrEqual(200);
    // Calm network: packets on time; a burst fills the buffer well past the target.
    for (let i = 0; i < 10; i++, seq++) jb.push(seq, seq * 160, pkt(seq), seq * 20);
    for (let i = 0; i < 400; i++, seq++) {
      jb.push(seq, seq * 160, pkt(seq), seq * 20 + 100);
      jb.pull();
    }
    const s = jb.stats();
    expect(s.targetDepthMs).toBe(40);
    expect(s.discarded).toBeGreaterThan(0);
    expect(s.depthMs).toBeLessThanOrEqual(s.targetDepthMs + 40);
  });

  it('re-buffers after running dry and resumes without replaying old frames', () => {
    const jb = mk();
    for (const s of [1, 2]) jb.push(s, s * 160, pkt(s), s * 20);
    jb.pull(); jb.pull();
    for (let i = 0; i < 3; i++) expect(jb.pull().kind).toBe('concealed');
    expect(jb.stats().rebuffers).toBe(1);
    for (const s of [6, 7, 8]) jb.push(s, s * 160, pkt(s), 200 + s * 20);
    const next = jb.pull();
    expect(next.kind).toBe('audio');
    expect(next.sequenceNumber).toBe(6);
  });

  it('starts over when the sequence jumps far ahead', () => {
    const jb = mk();
    for (const s of [1, 2]) jb.push(s, s * 160, pkt(s), s * 20);
    jb.pull();
    expect(jb.push(30000, 0, pkt(0), 60)).toBe('reset');
  });
});
