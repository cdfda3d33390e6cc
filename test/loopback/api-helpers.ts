/**
 * Helpers of the API loopback tests: two managers of ours on 127.0.0.1, tone
 * detection on recorded WAV files, and a check that nothing stays open.
 */
import { readFile } from 'node:fs/promises';
import { dominantFrequency, readWav } from '../../src/media/index.js';
import { SessionManager } from '../../src/index.js';
import type { SessionManagerConfig } from '../../src/index.js';

/** A manager on an ephemeral port of 127.0.0.1 with a small private RTP range. */
export async function localManager(config: SessionManagerConfig = {}): Promise<SessionManager> {
  return SessionManager.new({
    ...config,
    sip: { host: '127.0.0.1', port: 0, ...config.sip },
    media: { portRange: { min: 20000, max: 40000 }, ...config.media },
    close: { timeoutMs: 2000, ...config.close },
  });
}

/** Dominant frequency of the middle of a recorded WAV file (skips the start and end). */
export async function recordedFrequency(path: string): Promise<{ frequency: number; samples: number }> {
  const wav = readWav(await readFile(path));
  const n = wav.samples.length;
  const window = wav.samples.subarray(Math.floor(n * 0.25), Math.floor(n * 0.75));
  return { frequency: window.length === 0 ? 0 : dominantFrequency(window, wav.sampleRate, undefined, 10), samples: n };
}

/** Handles that keep the process alive: sockets, servers, timers. */
export function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'UDPWRAP' || kind === 'TCPSocketWrap' || kind === 'TCPServerWrap' || kind === 'TCPWRAP') counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Wait until `check` holds, at most `ms`. */
export async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
