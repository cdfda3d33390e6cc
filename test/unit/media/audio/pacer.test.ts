import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FramePacer } from '../../../../src/media/audio/pacer.js';
import { systemClock } from '../../../../src/util/index.js';
import type { Clock } from '../../../../src/util/index.js';

beforeEach(() => {
  // Fake performance.now() too: the system clock reads it.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The system clock, but every timer fires `lateness()` ms after it was asked to (a busy event loop). */
function lateClock(lateness: () => number): Clock {
  return {
    now: () => systemClock.now(),
    setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms + lateness()),
    clearTimeout: (h) => systemClock.clearTimeout(h),
  };
}

describe('FramePacer', () => {
  it('fires 1000 ticks exactly on the 20 ms timeline under fake time', () => {
    const pacer = new FramePacer();
    const t0 = performance.now();
    const times: number[] = [];
    pacer.start(() => times.push(performance.now() - t0));
    vi.advanceTimersByTime(20_000);
    pacer.stop();
    expect(times.length).toBe(1000);
    expect(times[0]).toBe(20);
    expect(times[999]).toBe(20_000);
  });

  it('does not drift when every timer fires late: tick n stays within the lateness of n * 20 ms', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pacer = new FramePacer({ clock: lateClock(() => 1 + Math.floor(rand() * 5)) }); // 1..5 ms late
    const t0 = performance.now();
    const times: number[] = [];
    pacer.start((n) => times.push(performance.now() - t0 - (n + 1) * 20));
    vi.advanceTimersByTime(20_000 + 10);
    pacer.stop();
    // A naive setTimeout(20) loop would be ~3 s behind here; the pacer is at most one lateness behind.
    expect(times.length).toBe(1000);
    expect(Math.max(...times)).toBeLessThanOrEqual(5);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(0);
    expect(times[999]).toBeLessThanOrEqual(5);
    expect(pacer.skipped).toBe(0);
  });

  it('catches up missed ticks back to back after a short stall', () => {
    const pacer = new FramePacer();
    const ticks: number[] = [];
    pacer.start((n) => ticks.push(n));
    vi.advanceTimersByTime(100);
    expect(ticks).toEqual([0, 1, 2, 3, 4]);
    pacer.stop();

    const stalled = new FramePacer({ clock: lateClock(() => 70) }); // every timer 70 ms late
    const got: number[] = [];
    stalled.start((n) => got.push(n));
    vi.advanceTimersByTime(90); // first timer at 20 + 70
    expect(got).toEqual([0, 1, 2, 3]); // slots 20, 40, 60, 80 fired together
    expect(stalled.skipped).toBe(0);
    stalled.stop();
  });

  it('skips and counts ticks when far behind instead of bursting', () => {
    const pacer = new FramePacer({ clock: lateClock(() => 500), maxCatchUpMs: 100 });
    const got: number[] = [];
    pacer.start((n) => got.push(n));
    vi.advanceTimersByTime(520);
    // At 520 ms, slots 1..26 are due; 480 ms behind slot 1 -> jump to slot 26.
    expect(got).toEqual([25]);
    expect(pacer.skipped).toBe(25);
    pacer.stop();
  });

  it('stops cleanly and refuses a second start while running', () => {
    const pacer = new FramePacer({ intervalMs: 10 });
    let count = 0;
    pacer.start(() => count++);
    expect(() => pacer.start(() => {})).toThrow(/already running/);
    vi.advanceTimersByTime(55);
    pacer.stop();
    vi.advanceTimersByTime(1000);
    expect(count).toBe(5);
    expect(pacer.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps ticking when the tick handler throws', () => {
    const pacer = new FramePacer();
    let count = 0;
    pacer.start(() => {
      count++;
      throw new Error('application bug');
    });
    vi.advanceTimersByTime(100);
    pacer.stop();
    expect(count).toBe(5);
  });
});
