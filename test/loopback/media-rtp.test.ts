/**
 * Two real RTP sessions on 127.0.0.1 exchange G.711 tones paced at 20 ms for
 * about 2.5 s, then DTMF (RFC 3550, RFC 3551, RFC 4733).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RtpSession } from '../../src/media/index.js';
import type { DtmfDigitEvent } from '../../src/media/index.js';
import { createPcmuCodec } from '../../src/media/codecs/g711-codec.js';
import { dominantFrequency, toneRatio } from '../../src/media/audio/goertzel.js';

const FRAMES = 125; // 2.5 s
const sessions: RtpSession[] = [];
afterAll(async () => { await Promise.all(sessions.map((s) => s.close())); });

function toneFrame(freq: number, index: number, amplitude = 8000): Int16Array {
  const out = new Int16Array(160);
  for (let i = 0; i < 160; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (index * 160 + i)) / 8000));
  return out;
}

/** Send `frames` frames from each side, paced at 20 ms without drift. */
function exchange(a: RtpSession, b: RtpSession, frames: number): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let n = 0;
    const tick = (): void => {
      a.sendFrame(toneFrame(1000, n));
      b.sendFrame(toneFrame(440, n));
      n++;
      if (n === frames) { resolve(); return; }
      setTimeout(tick, Math.max(0, start + n * 20 - performance.now()));
    };
    tick();
  });
}

function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((s, f) => s + f.length, 0));
  let o = 0;
  for (const f of frames) { out.set(f, o); o += f.length; }
  return out;
}

describe('two RTP sessions over loopback', () => {
  it('carry each other\'s tone with no loss, then DTMF digits in order with their durations', async () => {
    const a = await RtpSession.create({ codec: createPcmuCodec(), rtcpIntervalMs: 500 });
    const b = await RtpSession.create({ codec: createPcmuCodec(), rtcpIntervalMs: 500 });
    sessions.push(a, b);
    a.setRemote({ address: '127.0.0.1', rtpPort: b.localRtpPort });
    b.setRemote({ address: '127.0.0.1', rtpPort: a.localRtpPort });
    const atB: Int16Array[] = [];
    const atA: Int16Array[] = [];
    b.on('audio', (pcm) => atB.push(pcm));
    a.on('audio', (pcm) => atA.push(pcm));

    await exchange(a, b, FRAMES);
    await new Promise((r) => setTimeout(r, 100));

    expect(atB.length).toBe(FRAMES);
    expect(atA.length).toBe(FRAMES);
    const heardByB = concat(atB);
    const heardByA = concat(atA);
    expect(dominantFrequency(heardByB, 8000)).toBe(1000);
    expect(dominantFrequency(heardByA, 8000, [440, 1000, 2000])).toBe(440);
    expect(toneRatio(heardByB, 8000, 1000)).toBeGreaterThan(0.95);
    expect(toneRatio(heardByA, 8000, 440)).toBeGreaterThan(0.95);

    const rb = b.stats().receive!;
    expect(rb.received).toBe(FRAMES);
    expect(rb.cumulativeLost).toBe(0);
    expect(a.stats().receive!.cumulativeLost).toBe(0);
    expect(b.stats().rtcpIn).toBeGreaterThan(0);
    expect(b.stats().mos).toBeGreaterThan(4);

    const digits: DtmfDigitEvent[] = [];
    b.on('dtmf', (e) => digits.push(e));
    await a.sendDtmf('159#*D', { durationMs: 80, gapMs: 40 });
    await new Promise((r) => setTimeout(r, 100));
    expect(digits.map((d) => d.digit).join('')).toBe('159#*D');
    expect(digits.every((d) => d.durationMs === 80 && d.ended)).toBe(true);
  });
});
