/**
 * Test harness for the session engine: engines on 127.0.0.1 with ephemeral SIP ports and
 * per-test RTP port ranges, an in-memory audio sink, and checks that nothing is left open.
 */
import { expect } from 'vitest';
import type { AudioSink } from '../../../src/media/index.js';
import { systemClock } from '../../../src/util/index.js';
import type { Clock, TimerHandle } from '../../../src/util/index.js';
import { resolveConfig, SessionEngine } from '../../../src/session/index.js';
import type { SessionEngineOptions, SessionManagerConfig } from '../../../src/session/index.js';

/** Collects received PCM in memory. */
export class MemorySink implements AudioSink {
  readonly frames: Int16Array[] = [];
  sampleRate = 0;
  closed = false;

  write(frame: Int16Array, sampleRate: number): void {
    this.sampleRate = sampleRate;
    this.frames.push(frame.slice());
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Every sample received, in order. */
  samples(): Int16Array {
    const total = this.frames.reduce((n, f) => n + f.length, 0);
    const out = new Int16Array(total);
    let at = 0;
    for (const f of this.frames) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  }
}

/** The system clock, counting the timers that are armed and neither fired nor cleared. */
export class TrackingClock implements Clock {
  readonly #live = new Set<TimerHandle>();
  readonly stacks = new Map<TimerHandle, string>();

  /** Timers still pending. */
  get live(): number {
    return this.#live.size;
  }

  /** True while `handle` is pending. */
  pending(handle: TimerHandle): boolean {
    return this.#live.has(handle);
  }

  now(): number {
    return systemClock.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle: TimerHandle = systemClock.setTimeout(() => {
      this.#live.delete(handle);
      fn();
    }, ms);
    this.#live.add(handle);
    if (process.env.SIPLINE_TIMER_STACKS) this.stacks.set(handle, `${ms} ms ${new Error().stack ?? ''}`);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#live.delete(handle);
    systemClock.clearTimeout(handle);
  }
}

/** The tracking clock of each engine started by {@link startEngine}. */
export const engineClocks = new WeakMap<object, TrackingClock>();

/** Start an engine on 127.0.0.1 (SIP port 0) with the RTP ports `[min, min + 999]`. */
export async function startEngine(
  portBase: number,
  config: SessionManagerConfig = {},
  options: SessionEngineOptions = {},
): Promise<SessionEngine> {
  const resolved = resolveConfig({
    ...config,
    sip: { host: '127.0.0.1', port: 0, ...config.sip },
    media: { portRange: { min: portBase, max: portBase + 999 }, ...config.media },
    close: { timeoutMs: 2000, ...config.close },
  });
  const clock = new TrackingClock();
  const engine = await SessionEngine.start(resolved, { rtcpIntervalMs: 500, clock, ...options });
  engineClocks.set(engine, clock);
  return engine;
}

/** Kinds of active handles that sipline could leak. */
const WATCHED = ['UDPWRAP', 'TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP', 'Timeout'];

/** Counts of the watched handle kinds now. */
export function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Close engines, then assert no sessions and no more watched handles than `baseline`. */
export async function closeAndCheck(engines: SessionEngine[], baseline: Record<string, number>): Promise<void> {
  await Promise.all(engines.map((e) => e.close()));
  // RtpSession.close() arms a 100 ms guard for its RTCP BYE and does not clear it: let such
  // short timers run out, so what remains is a real leak.
  for (let i = 0; i < 30 && engines.some((e) => (engineClocks.get(e)?.live ?? 0) > 0); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const e of engines) {
    expect(e.sessions()).toHaveLength(0);
    const clock = engineClocks.get(e);
    if (process.env.SIPLINE_TIMER_STACKS && clock !== undefined && clock.live > 0) {
      for (const [h, st] of clock.stacks) if (clock.pending(h)) process.stderr.write(`${st}\n`);
    }
    expect(clock?.live ?? 0, 'sipline timers left').toBe(0);
  }
  // Closed sockets leave the handle list after a turn or two of the event loop.
  let now = handleCounts();
  for (let i = 0; i < 20 && WATCHED.some((k) => (now[k] ?? 0) > (baseline[k] ?? 0)); i++) {
    await new Promise((r) => setTimeout(r, 10));
    now = handleCounts();
  }
  for (const kind of WATCHED) {
    expect(now[kind] ?? 0, `${kind} handles left`).toBeLessThanOrEqual(baseline[kind] ?? 0);
  }
}

/** Resolve when `predicate` holds, polling every 10 ms, failing after `ms`. */
export async function until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
