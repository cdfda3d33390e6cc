import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioMixer, goertzelPower, levelDbov } from '../../../../src/media/index.js';
import { systemClock } from '../../../../src/util/index.js';
import type { Clock } from '../../../../src/util/index.js';
import { maxStep, party, run, sineStep, Tone } from './mixer-harness.js';

/** A sine of `dbov` RMS level (RFC 6464 scale: rms = 32768 * 10^(dBov / 20)). */
function toneAt(dbov: number, freq = 500): Tone {
  return new Tone(freq, 8000, Math.SQRT2 * 32768 * 10 ** (dbov / 20));
}

describe('AudioMixer talker detection', () => {
  it('measures levels in dBov: a full-scale square is 0, a -20 dBov sine reads -20', () => {
    expect(levelDbov(new Int16Array(160).fill(-32768))).toBeCloseTo(0, 6);
    expect(levelDbov(toneAt(-20).next(8000))).toBeCloseTo(-20, 1);
    expect(levelDbov(new Int16Array(160))).toBe(-127);
  });

  it('starts talking after the attack time and stops only below threshold minus hysteresis for the release time', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0, talkerThreshold: -40 });
    const events: Array<[string, boolean, number]> = [];
    let tick = 0;
    mixer.on('talking', (id, on) => events.push([id, on, tick]));
    const p = mixer.addParticipant('p');
    const feed = (tone: Tone, ticks: number): void => {
      for (let i = 0; i < ticks; i++, tick++) {
        p.sink.write(tone.next(160), 8000);
        mixer.mixOnce();
      }
    };
    feed(toneAt(-60), 10);
    expect(p.talking).toBe(false);
    expect(p.level).toBeCloseTo(-60, 0);
    feed(toneAt(-37), 5); // above -40: talking after 40 ms, i.e. on the second frame
    expect(events).toEqual([['p', true, 11]]);
    feed(toneAt(-43), 50); // below -40 but above -46: the hysteresis keeps it talking
    expect(p.talking).toBe(true);
    feed(toneAt(-50), 19); // below -46 for 380 ms: not yet
    expect(p.talking).toBe(true);
    feed(toneAt(-50), 1); // 400 ms: stops
    expect(events).toEqual([['p', true, 11], ['p', false, 84]]);
  });

  it('does not flap on a level alternating around the threshold frame by frame', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const p = mixer.addParticipant('p');
    let changes = 0;
    mixer.on('talking', () => changes++);
    const loud = toneAt(-35);
    const quiet = toneAt(-55);
    for (let i = 0; i < 50; i++) {
      p.sink.write((i % 2 ? loud : quiet).next(160), 8000);
      mixer.mixOnce();
    }
    expect(changes).toBe(0);
  });

  it('reports a talker that leaves as no longer talking', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const p = mixer.addParticipant('p');
    const seen: boolean[] = [];
    mixer.on('talking', (_id, on) => seen.push(on));
    const t = toneAt(-20);
    for (let i = 0; i < 3; i++) {
      p.sink.write(t.next(160), 8000);
      mixer.mixOnce();
    }
    mixer.removeParticipant('p');
    expect(seen).toEqual([true, false]);
  });
});

describe('AudioMixer queues', () => {
  const CAP = 1600; // 200 ms at 8 kHz

  it('bounds a flooding input: memory stays at the cap, the oldest audio is dropped', () => {
    const mixer = new AudioMixer({ sampleRate: 8000 });
    const p = mixer.addParticipant('flood');
    const t = new Tone(440, 8000);
    for (let i = 0; i < 200; i++) {
      for (let k = 0; k < 10; k++) p.sink.write(t.next(160), 8000);
      mixer.mixOnce();
      expect(p.stats.inputQueued).toBeLessThanOrEqual(CAP);
    }
    expect(p.stats.inputDropped).toBeGreaterThan(200 * 9 * 160 - CAP);
  });

  it('bounds an output nobody reads, and starts a late reader with a short queue', () => {
    const mixer = new AudioMixer({ sampleRate: 8000 });
    const a = mixer.addParticipant('a');
    const b = mixer.addParticipant('b');
    const t = new Tone(440, 8000);
    for (let i = 0; i < 500; i++) {
      a.sink.write(t.next(160), 8000);
      mixer.mixOnce();
      expect(b.stats.outputQueued).toBeLessThanOrEqual(CAP);
    }
    expect(b.stats.outputDropped).toBeGreaterThan(0);
    expect(b.stats.outputQueued).toBeLessThanOrEqual(CAP);
    const frame = b.source.read(160, 8000) as Int16Array;
    expect(goertzelPower(frame, 8000, 440)).toBeGreaterThan(1e6);
  });

  it('treats a stalled input as silence and fades it out without a click for the others', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const amp = 8000;
    const a = party(mixer.addParticipant('a'), new Tone(200, 8000, amp));
    const b = party(mixer.addParticipant('b'), new Tone(250, 8000, amp, 0.25));
    let bTalks = true;
    run(mixer, () => (bTalks ? [a, b] : [a]), 40, (i) => {
      if (i === 20) bTalks = false; // b's input stalls mid-stream; b still reads
    });
    // a hears b until the stall, then a fade, then silence; never a step beyond a sine's own.
    expect(a.heard.length).toBe(40 * 160);
    expect(maxStep(a.heard, 160)).toBeLessThanOrEqual(sineStep(amp, 250, 8000) + amp / 160 + 1);
    expect(a.heard.slice(22 * 160).every((v) => v === 0)).toBe(true);
    expect(b.p.stats.inputQueued).toBe(0);
  });
});

describe('AudioMixer own tick', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('mixes every 20 ms and, with the default cushion, feeds readers on unrelated timers without underruns', () => {
    const mixer = new AudioMixer({ sampleRate: 8000 });
    const tones = [440, 880, 1320].map((f) => new Tone(f, 8000));
    const ps = tones.map((_, i) => mixer.addParticipant(`p${i}`));
    const heard: number[][] = [[], [], []];
    mixer.start();
    // Writers due every 20 ms at +16 ms, readers at +17 ms, each firing up to 8 ms late at random:
    // both straddle the mixer's tick at +20 ms, which only the cushion absorbs.
    let seed = 11;
    const jitter = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * 9);
    };
    const t0 = performance.now();
    const every = (offset: number, fn: () => void): void => {
      let k = 0;
      const arm = (): void => {
        const due = t0 + offset + 20 * k++ + jitter();
        setTimeout(() => {
          fn();
          if (k < 100) arm();
        }, Math.max(0, due - performance.now()));
      };
      arm();
    };
    every(16, () => ps.forEach((p, i) => p.sink.write(tones[i].next(160), 8000)));
    every(17, () => ps.forEach((p, i) => heard[i].push(...(p.source.read(160, 8000) as Int16Array))));
    vi.advanceTimersByTime(2010); // the last write and read are due by 2005 ms
    mixer.stop();
    expect(mixer.stats.ticks).toBeGreaterThanOrEqual(100);
    expect(mixer.stats.lateTicks).toBe(0);
    for (const p of ps) expect(p.stats.outputUnderruns).toBe(0);
    for (const p of ps) expect(p.stats.inputUnderruns).toBe(0);
    const tail = heard[0].slice(-4000);
    expect(goertzelPower(tail, 8000, 880)).toBeGreaterThan(4e6);
    expect(goertzelPower(tail, 8000, 440)).toBeLessThan(1e3);
  });

  it('counts ticks that run late and emits late-frame', () => {
    let extra = 0;
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms + extra),
      clearTimeout: (h) => systemClock.clearTimeout(h),
    };
    const mixer = new AudioMixer({ sampleRate: 16000, clock });
    const late: number[] = [];
    mixer.on('late-frame', (ms) => late.push(ms));
    mixer.start();
    vi.advanceTimersByTime(200);
    expect(mixer.stats.lateTicks).toBe(0);
    extra = 15; // the event loop is busy: timers fire 15 ms late
    vi.advanceTimersByTime(200);
    mixer.stop();
    expect(mixer.stats.lateTicks).toBeGreaterThan(0);
    expect(late.length).toBe(mixer.stats.lateTicks);
    expect(Math.max(...late)).toBeGreaterThanOrEqual(14);
    expect(mixer.stats.maxLateMs).toBeGreaterThanOrEqual(14);
    const ticks = mixer.stats.ticks;
    vi.advanceTimersByTime(200);
    expect(mixer.stats.ticks).toBe(ticks);
  });

  it('refuses to start twice or after close, and close ends every source', () => {
    const mixer = new AudioMixer({ sampleRate: 8000 });
    const p = mixer.addParticipant('p');
    mixer.start();
    expect(() => mixer.start()).toThrow(/already running/);
    mixer.close();
    expect(mixer.running).toBe(false);
    expect(p.source.read(160, 8000)).toBeNull();
    expect(() => mixer.start()).toThrow(/closed/);
    expect(() => mixer.addParticipant('q')).toThrow(/closed/);
  });
});
