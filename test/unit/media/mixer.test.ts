import { describe, expect, it } from 'vitest';
import { AudioMixer, goertzelPower } from '../../../src/media/index.js';
import { maxStep, party, run, sineStep, Tone } from './mixer/mixer-harness.js';
import type { Party } from './mixer/mixer-harness.js';

const A = 6000; // tone amplitude; a full sine of amplitude A has Goertzel power A^2 / 4
const FULL = (A * A) / 4;
const FREQS = [440, 880, 1320] as const;
// Thresholds: another party's tone must arrive with at least half its power (-3 dB, allowing
// for the resamplers' pass-band ripple), one's own must be 40 dB down (1e-4 of its power).
const PRESENT = 0.5 * FULL;
const ABSENT = 1e-4 * FULL;

/** Goertzel power of `freq` over the last `seconds` of what `q` heard (a whole number of cycles). */
function power(q: Party, freq: number, seconds = 0.5): number {
  const n = Math.round(q.outRate * seconds);
  return goertzelPower(q.heard.slice(q.heard.length - n), q.outRate, freq);
}

function threeTones(room: 8000 | 16000, rates: readonly [number, number, number], outRates = rates): Party[] {
  const mixer = new AudioMixer({ sampleRate: room, bufferMs: 0 });
  const parties = FREQS.map((f, i) => party(mixer.addParticipant(`p${f}`), new Tone(f, rates[i], A), rates[i], outRates[i]));
  run(mixer, () => parties, 60);
  return parties;
}

function expectMixMinus(parties: readonly Party[]): void {
  parties.forEach((q, i) => {
    for (let j = 0; j < FREQS.length; j++) {
      const pw = power(q, FREQS[j]);
      if (j === i) expect(pw, `${q.p.id} must not hear its own ${FREQS[j]} Hz`).toBeLessThan(ABSENT);
      else expect(pw, `${q.p.id} must hear ${FREQS[j]} Hz`).toBeGreaterThan(PRESENT);
    }
  });
}

describe('AudioMixer mix-minus', () => {
  it('gives each of three 8 kHz participants the other two tones and not its own', () => {
    expectMixMinus(threeTones(8000, [8000, 8000, 8000]));
  });

  it('mixes a 16 kHz participant into an 8 kHz room, and reads back at 16 kHz', () => {
    const parties = threeTones(8000, [8000, 16000, 8000]);
    expect(parties[1].heard.length).toBe(60 * 320);
    expectMixMinus(parties);
  });

  it('mixes an 8 kHz participant into a 16 kHz room, and reads back at 8 kHz', () => {
    const parties = threeTones(16000, [16000, 8000, 16000]);
    expect(parties[1].heard.length).toBe(60 * 160);
    expectMixMinus(parties);
  });

  it('serves a reader that asks for 48 kHz and accepts a 48 kHz writer', () => {
    expectMixMinus(threeTones(8000, [48000, 8000, 8000], [8000, 8000, 48000]));
  });

  it('is exact at the room rate: each output is the sample-wise sum of the others', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const tones = FREQS.map((f) => new Tone(f, 8000, A));
    const parties = FREQS.map((f, i) => party(mixer.addParticipant(`p${f}`), tones[i]));
    run(mixer, () => parties, 10);
    // Frame 0 fades in; from frame 1 on the sum is exact.
    for (let s = 160; s < 1600; s++) {
      expect(parties[0].heard[s]).toBe(tones[1].at(s) + tones[2].at(s));
    }
  });
});

describe('AudioMixer gain, mute and saturation', () => {
  it('applies a participant gain of 0.5 to its voice in the others mix only', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const parties = FREQS.map((f) => party(mixer.addParticipant(`p${f}`, f === 880 ? { gain: 0.5 } : {}), new Tone(f, 8000, A)));
    run(mixer, () => parties, 40);
    const ratio = power(parties[0], 880) / power(parties[0], 1320);
    expect(ratio).toBeGreaterThan(0.23);
    expect(ratio).toBeLessThan(0.27);
    expect(parties[1].p.gain).toBe(0.5);
  });

  it('silences a muted participant for the others while it still hears the room', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const parties = FREQS.map((f) => party(mixer.addParticipant(`p${f}`), new Tone(f, 8000, A)));
    run(mixer, () => parties, 60, (t) => {
      if (t === 20) parties[2].p.muted = true;
    });
    expect(power(parties[0], 1320)).toBeLessThan(ABSENT);
    expect(power(parties[1], 1320)).toBeLessThan(ABSENT);
    expect(power(parties[2], 440)).toBeGreaterThan(PRESENT);
    expect(power(parties[2], 880)).toBeGreaterThan(PRESENT);
    // And unmuting brings it back.
    run(mixer, () => parties, 40, (t) => {
      if (t === 0) parties[2].p.muted = false;
    });
    expect(power(parties[0], 1320)).toBeGreaterThan(PRESENT);
  });

  it('rejects a gain outside 0..16 and a duplicate id', () => {
    const mixer = new AudioMixer({ sampleRate: 8000 });
    const p = mixer.addParticipant('a');
    expect(() => (p.gain = -1)).toThrow(/gain/);
    expect(() => (p.gain = Number.NaN)).toThrow(/gain/);
    expect(() => mixer.addParticipant('b', { gain: 17 })).toThrow(/gain/);
    expect(() => mixer.addParticipant('a')).toThrow(/already/);
    expect(mixer.participants.map((q) => q.id)).toEqual(['a']);
  });

  it('saturates the sum at 16 bits instead of wrapping, and subtracts before saturating', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const loud = [25000, 25000, -30000];
    const ps = loud.map((v, i) => mixer.addParticipant(`p${i}`));
    const listener = mixer.addParticipant('listener');
    for (let t = 0; t < 3; t++) {
      ps.forEach((p, i) => p.sink.write(new Int16Array(160).fill(loud[i]), 8000));
      mixer.mixOnce();
    }
    // Drain the two fade-in frames, look at the third.
    const frames = [ps[0], ps[2], listener].map((p) => {
      p.source.read(160, 8000);
      p.source.read(160, 8000);
      return p.source.read(160, 8000) as Int16Array;
    });
    expect(Array.from(new Set(frames[0]))).toEqual([-5000]); // 25000 - 30000, exact
    expect(Array.from(new Set(frames[2]))).toEqual([20000]); // 25000 + 25000 - 30000
    // Two loud voices alone: 50000 clips to 32767, never wraps negative.
    ps[2].muted = true;
    for (let t = 0; t < 3; t++) {
      ps.forEach((p, i) => p.sink.write(new Int16Array(160).fill(loud[i]), 8000));
      mixer.mixOnce();
    }
    const last = [listener.source.read(160, 8000), listener.source.read(160, 8000), listener.source.read(160, 8000)];
    expect(Array.from(new Set(last[2]))).toEqual([32767]);
    expect(Math.min(...(last[1] as Int16Array))).toBeGreaterThan(0);
  });
});

describe('AudioMixer join and leave', () => {
  it('lets a participant join and leave mid-stream with no click or gap for the others', () => {
    const mixer = new AudioMixer({ sampleRate: 8000, bufferMs: 0 });
    const amp = 8000;
    const tA = new Tone(200, 8000, amp);
    const tB = new Tone(300, 8000, amp, 0.1);
    const a = party(mixer.addParticipant('a'), tA);
    const b = party(mixer.addParticipant('b'), tB);
    // C is a cosine at its peak when it joins and near its peak when it leaves: an abrupt
    // join or leave would step by ~8000 in the others' output.
    let c: Party | undefined;
    const parties = (): Party[] => (c ? [a, b, c] : [a, b]);
    run(mixer, parties, 100, (t) => {
      if (t === 30) c = party(mixer.addParticipant('c'), new Tone(250, 8000, amp));
      if (t === 70 && c) {
        const gone = c.p;
        mixer.removeParticipant('c');
        expect(gone.source.read(160, 8000)).toBeNull();
        c = undefined;
      }
    });
    // The others heard every frame (no gap), and before C joined and after it left (plus the
    // fade-out frame) exactly the other remaining party.
    expect(a.heard.length).toBe(100 * 160);
    for (const s of [...range(160, 30 * 160), ...range(71 * 160, 100 * 160)]) {
      expect(a.heard[s]).toBe(tB.at(s));
      expect(b.heard[s]).toBe(tA.at(s));
    }
    // No click: the largest step stays within what the sines themselves can do, plus the fade.
    const fade = amp / 160;
    expect(maxStep(a.heard, 160)).toBeLessThanOrEqual(sineStep(amp, 300, 8000) + sineStep(amp, 250, 8000) + 2 * fade);
    expect(maxStep(b.heard, 160)).toBeLessThanOrEqual(sineStep(amp, 200, 8000) + sineStep(amp, 250, 8000) + 2 * fade);
    // And the bound is tight enough to catch an abrupt join: C's first sample alone steps by 8000.
    expect(sineStep(amp, 300, 8000) + sineStep(amp, 250, 8000) + 2 * fade).toBeLessThan(amp / 2);
    expect(mixer.participants.map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('accepts the id of a participant that left again, and ignores unknown ids', () => {
    const mixer = new AudioMixer({ sampleRate: 16000 });
    mixer.addParticipant('x');
    mixer.removeParticipant('x');
    mixer.removeParticipant('nobody');
    expect(mixer.addParticipant('x').id).toBe('x');
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
