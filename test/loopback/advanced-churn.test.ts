/**
 * Join and leave under load: 20 participants join one conference room and leave it over 30
 * seconds (one joins every second and stays 10 to 12 seconds, so 10 to 12 are in the room at once),
 * leaving in three ways: taken out by the application and hung up, kicked, or hanging up
 * themselves. Every 2.5 seconds the audio of the participants in the room is checked: each one
 * sends its own tone (300 Hz + 150 Hz per participant) and must not hear it (under 2% of the
 * received power, mix-minus), and must hear the participants that were in the room throughout
 * (their tones together at least 40% of the received power; Goertzel per 100 ms block, averaged
 * over the last 600 ms). Afterwards nothing leaks: every session ended, every RTP port released
 * (the UDP sockets are back to the count before the first call), the managers' active counters at 0.
 */
import { afterAll, expect, it } from 'vitest';
import { createConference } from '../../src/advanced/index.js';
import { ToneSource } from '../../src/index.js';
import type { CallSession, SessionManager } from '../../src/index.js';
import { localManager, openHandles } from './api-helpers.js';
import { CollectSink, sleep, waitFor } from './advanced-helpers.js';

const PARTICIPANTS = 20;
const JOIN_EVERY_MS = 1000;
const STAY_MS = 10_000;
const CHECK_EVERY_MS = 2500;
const SETTLE_MS = 1200;
const toneOf = (i: number): number => 300 + 150 * i;

interface Member {
  readonly i: number;
  started?: boolean;
  hub?: CallSession;
  far?: CallSession;
  readonly heard: CollectSink;
  joinedAt?: number;
  leftAt?: number;
}

const opened: SessionManager[] = [];
afterAll(async () => {
  for (const m of opened.splice(0)) await m.close();
});

it('keeps the audio right for the others while 20 participants join and leave over 30 seconds, and leaks nothing', async () => {
  const hub = await localManager({ media: { codecs: ['PCMU'] } });
  const far = await localManager({ media: { codecs: ['PCMU'] } });
  opened.push(hub, far);
  const members: Member[] = Array.from({ length: PARTICIPANTS }, (_, i) => ({ i, heard: new CollectSink(3) }));
  far.setCallHandler({
    async onIncomingCall(call) {
      const i = Number(/sip:p(\d+)@/.exec(call.callee.uri)?.[1]);
      const m = members[i]!;
      const s = await call.answer();
      m.far = s;
      await s.record(m.heard);
      void s.play(new ToneSource({ frequency: toneOf(i), amplitude: 4000 })).catch(() => undefined);
    },
  });
  const baseline = openHandles();
  const room = createConference(hub, { id: 'churn', sampleRate: 8000 });
  const leaves: string[] = [];
  room.on('participant-left', (_s, reason) => leaves.push(reason));
  const start = Date.now();
  const failures: string[] = [];
  let checks = 0;
  let maxOwn = 0;
  let minHeard = 1;

  const join = async (m: Member): Promise<void> => {
    const s = await hub.makeCall(far.uri(`p${m.i}`));
    m.hub = s;
    await s.answered();
    room.join(s);
    m.joinedAt = Date.now();
  };
  const leave = async (m: Member): Promise<void> => {
    m.leftAt = Date.now();
    const how = m.i % 3;
    if (how === 0) {
      room.leave(m.hub!);
      await m.hub!.hangup();
    } else if (how === 1) {
      await room.kick(m.hub!);
    } else {
      await m.far!.hangup(); // the far end hangs up: the participant leaves by itself
    }
  };
  const check = (): void => {
    const now = Date.now();
    const inRoom = members.filter((m) => m.joinedAt !== undefined && m.leftAt === undefined && room.participant(m.hub!) !== undefined);
    const stable = inRoom.filter((m) => now - m.joinedAt! >= SETTLE_MS);
    for (const m of stable) {
      const others = stable.filter((o) => o !== m);
      if (others.length === 0) continue;
      checks++;
      const own = m.heard.ratio(toneOf(m.i));
      const heard = others.reduce((sum, o) => sum + m.heard.ratio(toneOf(o.i)), 0);
      maxOwn = Math.max(maxOwn, own);
      minHeard = Math.min(minHeard, heard);
      if (own >= 0.02 || heard < 0.4) failures.push(`t=${now - start} ms p${m.i}: own ${own.toFixed(3)}, others (${others.length}) ${heard.toFixed(3)}`);
    }
  };

  const pending: Promise<void>[] = [];
  let nextCheck = CHECK_EVERY_MS;
  for (;;) {
    const t = Date.now() - start;
    for (const m of members) {
      if (!m.started && t >= m.i * JOIN_EVERY_MS) {
        m.started = true;
        pending.push(join(m).catch((err: unknown) => { failures.push(`p${m.i} join failed: ${String(err)}`); }));
      }
    }
    for (const m of members) {
      if (m.joinedAt !== undefined && m.leftAt === undefined && t >= m.i * JOIN_EVERY_MS + STAY_MS + (m.i % 3) * 1000) {
        pending.push(leave(m).catch((err: unknown) => { failures.push(`p${m.i} leave failed: ${String(err)}`); }));
      }
    }
    if (t >= nextCheck) {
      check();
      nextCheck += CHECK_EVERY_MS;
    }
    if (members.every((m) => m.leftAt !== undefined) || t > 40_000) break;
    await sleep(50);
  }
  await Promise.all(pending);
  const elapsed = Date.now() - start;
  console.info(`[churn] ${checks} checks over ${elapsed} ms: own tone at most ${maxOwn.toFixed(4)}, the others' tones at least ${minHeard.toFixed(3)} of the power`);

  expect(failures).toEqual([]);
  expect(checks).toBeGreaterThan(40);
  expect(elapsed).toBeGreaterThanOrEqual(30_000);
  expect(leaves.filter((r) => r === 'left')).toHaveLength(7);
  expect(leaves.filter((r) => r === 'kicked')).toHaveLength(7);
  expect(leaves.filter((r) => r === 'ended')).toHaveLength(6);
  expect(room.size).toBe(0);
  await room.close();

  // Nothing leaks: sessions ended, RTP ports released, counters back to 0.
  await waitFor(() => hub.sessions().length === 0 && far.sessions().length === 0, 5000);
  expect(hub.counters.active).toBe(0);
  expect(far.counters.active).toBe(0);
  expect(hub.counters.answered).toBe(PARTICIPANTS);
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 3000).catch(() => undefined);
  expect(openHandles()).toEqual(baseline);
}, 60_000);
