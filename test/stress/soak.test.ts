/**
 * The CI soak (issue 9): about a minute of continuous calls with audio between two engines of
 * ours, in five phases; measured in the quiet state after each phase, nothing grows. The
 * 30-minute run is `npm run bench soak` (figures in docs/reliability.md).
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { soak, slope, type SoakSample } from './soak-run.js';

describe('a soak of continuous calls with media', () => {
  it('keeps heap, sockets, timers, transactions and sessions flat after the warm-up', async () => {
    // `npm run bench soak` sets these for the 30-minute run.
    const phases = Number(process.env.SIPLINE_SOAK_PHASES ?? 4);
    const phaseMs = Number(process.env.SIPLINE_SOAK_PHASE_MS ?? 8_000);
    const samples: SoakSample[] = await soak({ concurrency: 12, callMs: 400, phaseMs, phases, portBase: 52000 });
    if (process.env.SIPLINE_SOAK_REPORT) writeFileSync(process.env.SIPLINE_SOAK_REPORT, JSON.stringify(samples, null, 2));
    const [warm, ...rest] = samples;
    const line = samples.map((s) => `${s.at.toFixed(0)}s calls=${s.calls} heap=${(s.heapBytes / 2 ** 20).toFixed(2)}MiB rss=${(s.rssBytes / 2 ** 20).toFixed(0)}MiB sockets=${s.sockets}`).join(' | ');
    console.info(`[soak] ${line}`);
    expect(warm).toBeDefined();
    const last = samples[samples.length - 1]!;
    expect(last.calls, 'calls completed').toBeGreaterThan(200);
    expect(last.failures, `failed calls: ${last.failureReasons.join('; ')}`).toBe(0);
    for (const s of rest) {
      expect(s.sockets, 'open sockets').toBe(warm!.sockets);
      expect(s.timers).toBe(0);
      expect(s.transactions).toBe(0);
      expect(s.sessions).toBe(0);
      // Within 2 MiB of the warm-up heap, whatever the number of calls in between.
      expect(s.heapBytes - warm!.heapBytes, 'heap growth since the warm-up').toBeLessThan(2 * 2 ** 20);
    }
    // And no trend: under 2 KiB of heap per second of traffic across the phases after the warm-up.
    const heapSlope = slope(rest.map((s) => s.at), rest.map((s) => s.heapBytes));
    expect(heapSlope, 'heap slope, bytes/s').toBeLessThan(2048);
  }, Number(process.env.SIPLINE_SOAK_TIMEOUT_MS ?? 120_000));
});
