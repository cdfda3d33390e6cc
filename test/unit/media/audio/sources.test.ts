import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SilenceSource, ToneSource } from '../../../../src/media/audio/tone-source.js';
import { WavFileSource } from '../../../../src/media/audio/wav-source.js';
import { WavRecorderSink } from '../../../../src/media/audio/wav-sink.js';
import { PcmStreamSink, PcmStreamSource } from '../../../../src/media/audio/pcm-stream.js';
import { WavFormatError, encodeWav, readWav, wavHeader } from '../../../../src/media/audio/wav.js';
import { dominantFrequency, goertzelPower, signalPower, toneRatio } from '../../../../src/media/audio/goertzel.js';
import { alawEncodeSample, ulawEncodeSample } from '../../../../src/media/codecs/g711.js';
import { InvalidArgumentError } from '../../../../src/util/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sipline-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tone(freq: number, amplitude: number, n: number, rate: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** Pull frames until the source ends (bounded). */
function drain(src: { read(n: number, r: number): Int16Array | null }, frame: number, rate: number, max = 10_000): Int16Array {
  const parts: Int16Array[] = [];
  for (let i = 0; i < max; i++) {
    const f = src.read(frame, rate);
    if (f === null) break;
    expect(f.length).toBe(frame);
    parts.push(f);
  }
  const out = new Int16Array(parts.length * frame);
  parts.forEach((p, i) => out.set(p, i * frame));
  return out;
}

describe('Goertzel helpers', () => {
  it('measure A^2/4 at the tone frequency and almost nothing elsewhere', () => {
    const x = tone(1000, 1000, 8000, 8000);
    expect(goertzelPower(x, 8000, 1000)).toBeCloseTo(250_000, -3);
    expect(goertzelPower(x, 8000, 1500)).toBeLessThan(1);
    expect(signalPower(x)).toBeCloseTo(500_000, -3);
    expect(toneRatio(x, 8000, 1000)).toBeCloseTo(1, 3);
    expect(dominantFrequency(x, 8000)).toBe(1000);
    expect(dominantFrequency(x, 8000, [440, 1000, 2000])).toBe(1000);
  });
});

describe('ToneSource and SilenceSource', () => {
  it('produce a continuous-phase tone across 20 ms frames (no discontinuity at frame edges)', () => {
    const src = new ToneSource({ frequency: 440, amplitude: 10000 });
    const joined = drain({ read: (n, r) => src.read(n, r) }, 160, 8000, 50);
    expect(joined.length).toBe(8000);
    // Identical to one long sine: phase continues exactly across frames.
    const ref = tone(440, 10000, 8000, 8000);
    let maxErr = 0;
    for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(ref[i] - joined[i]));
    expect(maxErr).toBeLessThanOrEqual(2);
  });

  it('sum two frequencies for a dual tone (DTMF 5 = 770 + 1336 Hz)', () => {
    const src = new ToneSource({ frequency: [770, 1336], amplitude: 6000, durationMs: 100 });
    const x = drain(src, 320, 16000);
    expect(x.length).toBe(1600);
    const p770 = goertzelPower(x, 16000, 770);
    const p1336 = goertzelPower(x, 16000, 1336);
    expect(p770).toBeGreaterThan(0.8 * 9_000_000);
    expect(p1336).toBeGreaterThan(0.8 * 9_000_000);
    expect(goertzelPower(x, 16000, 1000)).toBeLessThan(p770 / 100);
  });

  it('end after their duration, padding the last partial frame with silence', () => {
    const src = new ToneSource({ frequency: 1000, durationMs: 30 });
    const a = src.read(160, 8000);
    const b = src.read(160, 8000);
    expect(a).not.toBeNull();
    expect(b!.subarray(80).every((s) => s === 0)).toBe(true);
    expect(b!.subarray(0, 80).some((s) => s !== 0)).toBe(true);
    expect(src.read(160, 8000)).toBeNull();
    const silence = new SilenceSource(40);
    expect(drain(silence, 160, 8000).every((s) => s === 0)).toBe(true);
    expect(new SilenceSource().read(160, 8000)).toEqual(new Int16Array(160));
  });

  it('reject impossible parameters', () => {
    expect(() => new ToneSource({ frequency: -1 })).toThrow(InvalidArgumentError);
    expect(() => new ToneSource({ frequency: [1, 2], amplitude: 20000 })).toThrow(InvalidArgumentError);
  });
});

function wavWith(fmt: { tag: number; channels: number; rate: number; bits: number }, data: Buffer): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(fmt.tag, 20);
  h.writeUInt16LE(fmt.channels, 22);
  h.writeUInt32LE(fmt.rate, 24);
  h.writeUInt32LE((fmt.rate * fmt.channels * fmt.bits) / 8, 28);
  h.writeUInt16LE((fmt.channels * fmt.bits) / 8, 32);
  h.writeUInt16LE(fmt.bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

describe('WAV reading and writing', () => {
  it('round-trips samples through encodeWav and readWav', () => {
    const x = tone(1000, 12345, 800, 8000);
    const wav = encodeWav(x, 8000);
    expect(wav.length).toBe(44 + 1600);
    const back = readWav(wav);
    expect(back.sampleRate).toBe(8000);
    expect(back.channels).toBe(1);
    expect(back.samples).toEqual(x);
  });

  it('mixes stereo down to mono and decodes G.711 A-law and mu-law files', () => {
    const st = Buffer.alloc(8);
    st.writeInt16LE(1000, 0);
    st.writeInt16LE(3000, 2);
    st.writeInt16LE(-100, 4);
    st.writeInt16LE(-300, 6);
    expect(Array.from(readWav(wavWith({ tag: 1, channels: 2, rate: 16000, bits: 16 }, st)).samples)).toEqual([2000, -200]);
    const a = readWav(wavWith({ tag: 6, channels: 1, rate: 8000, bits: 8 }, Buffer.from([alawEncodeSample(1000), 0xd5])));
    expect(a.format).toBe(6);
    expect(Math.abs(a.samples[0] - 1000)).toBeLessThan(40);
    const u = readWav(wavWith({ tag: 7, channels: 1, rate: 8000, bits: 8 }, Buffer.from([ulawEncodeSample(-5000), 0xff])));
    expect(Math.abs(u.samples[0] + 5000)).toBeLessThan(200);
    expect(u.samples[1]).toBe(0);
  });

  it('rejects what it cannot play with a WavFormatError', () => {
    expect(() => readWav(Buffer.from('not a wav file at all'))).toThrow(WavFormatError);
    expect(() => readWav(wavWith({ tag: 1, channels: 1, rate: 8000, bits: 8 }, Buffer.alloc(4)))).toThrow(/16-bit/);
    expect(() => readWav(wavWith({ tag: 3, channels: 1, rate: 8000, bits: 32 }, Buffer.alloc(8)))).toThrow(/format tag 3/);
    expect(() => readWav(wavWith({ tag: 1, channels: 6, rate: 8000, bits: 16 }, Buffer.alloc(12)))).toThrow(/channels/);
    expect(() => readWav(wavHeader(8000, 0).subarray(0, 30))).toThrow(WavFormatError);
    try {
      readWav(Buffer.alloc(3));
    } catch (e) {
      expect((e as WavFormatError).code).toBe('ERR_WAV_FORMAT');
    }
  });
});

describe('WavFileSource', () => {
  for (const rate of [8000, 16000, 44100, 48000]) {
    it(`plays a ${rate} Hz file as 8 kHz and 16 kHz frames with the tone intact and the duration kept`, () => {
      const wav = encodeWav(tone(1000, 10000, rate / 2, rate), rate); // 500 ms
      for (const out of [8000, 16000]) {
        const x = drain(WavFileSource.fromBuffer(wav), out / 50, out);
        expect(x.length).toBe((out / 50) * 25); // 25 frames of 20 ms
        expect(toneRatio(x.subarray(out / 20, out / 2 - out / 20), out, 1000)).toBeGreaterThan(0.99);
      }
    });
  }

  it('loops when asked to', () => {
    const src = WavFileSource.fromBuffer(encodeWav(tone(500, 8000, 800, 8000), 8000), { loop: true });
    const x = drain(src, 160, 8000, 100);
    expect(x.length).toBe(16000);
    expect(toneRatio(x, 8000, 500)).toBeGreaterThan(0.99);
  });

  it('reads from a file and ends after close()', async () => {
    const path = join(dir, 'in.wav');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, encodeWav(tone(700, 8000, 1600, 8000), 8000));
    const src = await WavFileSource.fromFile(path);
    expect(src.durationMs).toBe(200);
    expect(src.read(160, 8000)).not.toBeNull();
    src.close();
    expect(src.read(160, 8000)).toBeNull();
  });
});

describe('WavRecorderSink', () => {
  it('writes a valid WAV whose header sizes are patched on close', async () => {
    const path = join(dir, 'rec.wav');
    const sink = new WavRecorderSink(path);
    const src = new ToneSource({ frequency: 1000, amplitude: 9000 });
    for (let i = 0; i < 50; i++) sink.write(src.read(160, 8000)!, 8000);
    await sink.close();
    const bytes = readFileSync(path);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(40)).toBe(16000);
    const wav = readWav(bytes);
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples.length).toBe(8000);
    expect(dominantFrequency(wav.samples, 8000)).toBe(1000);
  });

  it('resamples frames of another rate to the file rate', async () => {
    const path = join(dir, 'rec16.wav');
    const sink = new WavRecorderSink(path, { sampleRate: 8000 });
    const src = new ToneSource({ frequency: 1000, amplitude: 9000 });
    for (let i = 0; i < 50; i++) sink.write(src.read(320, 16000)!, 16000);
    await sink.close();
    const wav = readWav(readFileSync(path));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples.length).toBe(8000);
    expect(toneRatio(wav.samples.subarray(400), 8000, 1000)).toBeGreaterThan(0.99);
    expect(() => sink.write(new Int16Array(160), 8000)).toThrow(/closed/);
  });

  it('reports an I/O error from close()', async () => {
    const sink = new WavRecorderSink(join(dir, 'no-such-dir', 'x.wav'));
    sink.write(new Int16Array(160), 8000);
    await expect(sink.close()).rejects.toThrow(/ENOENT/);
  });
});

describe('PcmStreamSource and PcmStreamSink', () => {
  it('turn pushed chunks of any size into exact frames, silence on underrun, null after end', () => {
    const src = new PcmStreamSource({ sampleRate: 8000 });
    const x = tone(1000, 5000, 400, 8000);
    src.push(x.subarray(0, 77));
    src.push(x.subarray(77));
    const a = src.read(160, 8000)!;
    const b = src.read(160, 8000)!;
    const c = src.read(160, 8000)!; // only 80 left
    expect(Array.from(a)).toEqual(Array.from(x.subarray(0, 160)));
    expect(Array.from(b)).toEqual(Array.from(x.subarray(160, 320)));
    expect(c.subarray(80).every((s) => s === 0)).toBe(true);
    expect(src.read(160, 8000)).toEqual(new Int16Array(160)); // underrun: silence
    src.end();
    expect(src.read(160, 8000)).toBeNull();
  });

  it('bound the queue: push drops what does not fit and counts it', () => {
    const src = new PcmStreamSource({ sampleRate: 8000, maxBufferMs: 100 });
    expect(src.capacity).toBe(800);
    expect(src.push(new Int16Array(700))).toBe(true);
    expect(src.push(new Int16Array(200))).toBe(false);
    expect(src.bufferedSamples).toBe(800);
    expect(src.droppedSamples).toBe(100);
  });

  it('apply back-pressure through the Writable and resample to the reader rate', async () => {
    const src = new PcmStreamSource({ sampleRate: 16000, maxBufferMs: 40 });
    const w = src.writable();
    const pcm = tone(1000, 8000, 16000, 16000);
    const bytes = Buffer.alloc(pcm.length * 2);
    pcm.forEach((s, i) => bytes.writeInt16LE(s, i * 2));
    let finished = false;
    w.end(bytes, () => {
      finished = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(finished).toBe(false); // one second does not fit in 40 ms
    const frames: Int16Array[] = [];
    for (let i = 0; i < 100; i++) {
      const f = src.read(160, 8000);
      if (f === null) break;
      frames.push(f);
      await new Promise((r) => setImmediate(r));
    }
    expect(finished).toBe(true);
    // One second at 16 kHz becomes 50 frames of 20 ms at 8 kHz (the last one padded).
    expect(frames.length).toBe(50);
    const all = new Int16Array(16000);
    frames.forEach((f, i) => all.set(f, i * 160));
    expect(toneRatio(all.subarray(400, 7600), 8000, 1000)).toBeGreaterThan(0.99);
    expect(src.read(160, 8000)).toBeNull();
    expect(src.droppedSamples).toBe(0);
  });

  it('deliver frames to the application as a Readable, dropping when the reader lags', async () => {
    const sink = new PcmStreamSink({ sampleRate: 8000, maxQueuedFrames: 5 });
    for (let i = 0; i < 8; i++) sink.write(new Int16Array(160).fill(i), 8000);
    expect(sink.droppedFrames).toBe(3);
    await sink.close();
    const got: Int16Array[] = [];
    for await (const f of sink.readable) got.push(f as Int16Array);
    expect(got.map((f) => f[0])).toEqual([0, 1, 2, 3, 4]);
  });

  it('resample frames of another rate for the reader', async () => {
    const sink = new PcmStreamSink({ sampleRate: 16000, maxQueuedFrames: 100 });
    const src = new ToneSource({ frequency: 1000, amplitude: 8000 });
    for (let i = 0; i < 25; i++) sink.write(src.read(160, 8000)!, 8000);
    await sink.close();
    const parts: Int16Array[] = [];
    for await (const f of sink.readable) parts.push(f as Int16Array);
    const total = parts.reduce((a, p) => a + p.length, 0);
    expect(total).toBe(8000);
    const all = new Int16Array(total);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    expect(toneRatio(all.subarray(400), 16000, 1000)).toBeGreaterThan(0.99);
  });
});
