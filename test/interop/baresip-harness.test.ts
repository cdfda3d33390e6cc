/**
 * Proves the baresip harness (test/helpers/baresip.ts) independently of
 * sipline: one baresip calls another on 127.0.0.1, each sends its own tone
 * (440 Hz and 880 Hz), and each recording of what it heard holds the other's
 * tone. Both hang-up directions, and manual answering through ctrl_tcp.
 */
import { afterEach, expect, it } from 'vitest';
import { baresipGate, dominantToneOfWav, freeBaresipPorts, startBaresip, type BaresipInstance } from '../helpers/baresip.js';

const running: BaresipInstance[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
});

function expectTone(path: string, hz: number, label: string): void {
  const tone = dominantToneOfWav(path);
  console.info(`[baresip harness] ${label}: ${tone.frequencyHz} Hz, ratio ${tone.ratio.toFixed(3)}, ${tone.seconds.toFixed(2)} s at ${tone.sampleRate} Hz`);
  expect(tone.seconds, `${label}: seconds of audio`).toBeGreaterThan(1);
  expect(tone.frequencyHz, `${label}: dominant frequency`).toBeGreaterThanOrEqual(hz - 10);
  expect(tone.frequencyHz, `${label}: dominant frequency`).toBeLessThanOrEqual(hz + 10);
  expect(tone.ratio, `${label}: share of power in the tone`).toBeGreaterThan(0.5);
}

baresipGate().describe('baresip harness (baresip calls baresip)', () => {
  it('records each side hearing the other side\'s tone when the caller hangs up', async () => {
    const callee = await freeBaresipPorts();
    const b = await startBaresip({ ...callee, toneHz: 880, autoAnswer: true, durationSec: 15, user: 'bob' });
    running.push(b);
    const caller = await freeBaresipPorts();
    const a = await startBaresip({
      ...caller, toneHz: 440, autoAnswer: false, durationSec: 15, user: 'alice', dial: b.uri, hangupAfterSec: 2,
    });
    running.push(a);

    const closedA = await a.waitForEvent('CALL_CLOSED', 12_000);
    const closedB = await b.waitForEvent('CALL_CLOSED', 5_000);
    expect(closedA.param).toMatch(/by user/);
    expect(closedB.param).toMatch(/by peer/);
    // Quitting closes the recordings for sure.
    await Promise.all([a.quit(), b.quit()]);

    expectTone(a.recordings().sent, 440, 'alice sent');
    expectTone(a.recordings().heard, 880, 'alice heard');
    expectTone(b.recordings().sent, 880, 'bob sent');
    expectTone(b.recordings().heard, 440, 'bob heard');
  }, 30_000);

  it('rings until answered over ctrl_tcp, and the callee hangs up', async () => {
    const callee = await freeBaresipPorts();
    const b = await startBaresip({ ...callee, toneHz: 880, autoAnswer: false, durationSec: 15, user: 'bob' });
    running.push(b);
    const caller = await freeBaresipPorts();
    const a = await startBaresip({ ...caller, toneHz: 440, autoAnswer: false, durationSec: 15, user: 'alice', dial: b.uri });
    running.push(a);

    await b.waitForEvent('CALL_INCOMING', 5_000);
    await a.waitForEvent('CALL_RINGING', 5_000);
    expect(a.events.some((e) => e.type === 'CALL_ESTABLISHED')).toBe(false);
    const accepted = await b.command('accept');
    expect(accepted.ok).toBe(true);
    await a.waitForEvent('CALL_ESTABLISHED', 5_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await b.command('hangup')).ok).toBe(true);

    const closedA = await a.waitForEvent('CALL_CLOSED', 5_000);
    const closedB = await b.waitForEvent('CALL_CLOSED', 5_000);
    expect(closedA.param).toMatch(/by peer/);
    expect(closedB.param).toMatch(/by user/);
    await Promise.all([a.quit(), b.quit()]);

    expectTone(a.recordings().heard, 880, 'alice heard');
    expectTone(b.recordings().heard, 440, 'bob heard');
  }, 30_000);
});
