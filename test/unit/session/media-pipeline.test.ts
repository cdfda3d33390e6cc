import { afterEach, describe, expect, it } from 'vitest';
import { PortAllocator, ToneSource, toneRatio } from '../../../src/media/index.js';
import { applyAnswer, createAnswer, createOffer, DEFAULT_CODECS } from '../../../src/sdp/index.js';
import { MediaPipeline } from '../../../src/session/media-pipeline.js';
import { systemClock } from '../../../src/util/index.js';
import { MemorySink, until } from './engine-harness.js';

const allocator = new PortAllocator({ min: 57000, max: 57999, address: '127.0.0.1' });
const open: MediaPipeline[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
  expect(allocator.allocated).toBe(0);
});

async function connectedPair(): Promise<[MediaPipeline, MediaPipeline]> {
  const a = new MediaPipeline({ ports: await allocator.allocate(), ptime: 20, clock: systemClock, rtcpIntervalMs: 200 });
  const b = new MediaPipeline({ ports: await allocator.allocate(), ptime: 20, clock: systemClock, rtcpIntervalMs: 200 });
  open.push(a, b);
  const offer = createOffer({ address: '127.0.0.1', port: a.localRtpPort, codecs: DEFAULT_CODECS });
  const answer = createAnswer(offer, DEFAULT_CODECS, { address: '127.0.0.1', port: b.localRtpPort });
  await b.start(answer.media);
  await a.start(applyAnswer(offer, answer.sdp));
  return [a, b];
}

describe('MediaPipeline', () => {
  it('sends silence until something plays, and resolves play() when the source ends', async () => {
    const [a, b] = await connectedPair();
    const sink = new MemorySink();
    b.addSink(sink);
    await until(() => sink.frames.length >= 5, 2000, 'silence frames');
    expect(sink.frames.every((f) => f.every((x) => Math.abs(x) < 64))).toBe(true);
    const t0 = Date.now();
    await a.play(new ToneSource({ frequency: 1000, durationMs: 200 }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    await until(() => sink.frames.length >= 20, 2000, 'tone frames');
    const loud = sink.frames.filter((f) => f.some((x) => Math.abs(x) > 1000));
    expect(loud.length).toBeGreaterThanOrEqual(8);
    const tone = Int16Array.from(loud.flatMap((f) => [...f]));
    expect(toneRatio(tone, sink.sampleRate, 1000)).toBeGreaterThan(0.8);
    expect(toneRatio(tone, sink.sampleRate, 440)).toBeLessThan(0.05);
    expect(a.info?.codec).toBe('PCMU');
    expect(a.stats()?.packetsOut).toBeGreaterThan(10);
  });

  it('resolves the previous playback when another source replaces it', async () => {
    const [a] = await connectedPair();
    const first = a.play(new ToneSource({ frequency: 440 }));
    let done = false;
    void first.then(() => { done = true; });
    await new Promise((r) => setTimeout(r, 60));
    expect(done).toBe(false);
    const second = a.play(new ToneSource({ frequency: 880 }));
    await first;
    a.stopPlayback();
    await second;
  });

  it('closes its sinks and releases the ports on close, and refuses to play afterwards', async () => {
    const [a, b] = await connectedPair();
    const sink = new MemorySink();
    b.addSink(sink);
    await b.close();
    await a.close();
    expect(sink.closed).toBe(true);
    expect(allocator.allocated).toBe(0);
    await expect(a.play(new ToneSource({ frequency: 440 }))).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
  });

  it('releases reserved ports when closed before it started', async () => {
    const p = new MediaPipeline({ ports: await allocator.allocate(), ptime: 20, clock: systemClock });
    expect(allocator.allocated).toBe(1);
    await p.close();
    expect(allocator.allocated).toBe(0);
    expect(p.stats()).toBeUndefined();
  });
});
