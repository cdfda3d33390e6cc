/**
 * Overload and exhaustion (issue 9): INVITEs far above `limits.maxSessions`, faster than the
 * server serves them (SIPp's uac flooding while five calls of ours carry audio); RTP ports running
 * out; and close() with hundreds of calls up. Real sockets on 127.0.0.1.
 */
import { createSocket } from 'node:dgram';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dominantFrequency } from '../../src/media/index.js';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, SessionManagerConfig } from '../../src/index.js';
import { sippGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { runSippLoad } from '../helpers/sipp-load.js';
import { openHandles, sleep, waitFor } from '../loopback/api-helpers.js';

let managers: SessionManager[] = [];
let baseline: Record<string, number>;
const escaped: unknown[] = [];
const onEscape = (err: unknown): void => { escaped.push(err); };

beforeEach(() => {
  baseline = openHandles();
  escaped.length = 0;
  process.on('unhandledRejection', onEscape);
});

afterEach(async () => {
  process.off('unhandledRejection', onEscape);
  await Promise.all(managers.map((m) => m.close()));
  for (const m of managers) expect(m.sessions()).toHaveLength(0);
  managers = [];
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 5000).catch(() => undefined);
  expect(openHandles(), 'sockets left open').toEqual(baseline);
  expect(escaped, 'unhandled rejections').toEqual([]);
});

async function manager(portMin: number, config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await SessionManager.new({
    ...config,
    sip: { host: '127.0.0.1', port: 0, ...config.sip },
    media: { portRange: { min: portMin, max: portMin + 1999 }, ...config.media },
    close: { timeoutMs: 3000, ...config.close },
  });
  managers.push(m);
  return m;
}

/** Collect what a receiveAudio stream delivers, from now on. */
function collect(stream: Readable): { pcm(): Int16Array; mark(): number } {
  const frames: Int16Array[] = [];
  let total = 0;
  stream.on('data', (f: Int16Array) => { frames.push(f); total += f.length; });
  return {
    mark: () => total,
    pcm: () => {
      const out = new Int16Array(total);
      let at = 0;
      for (const f of frames) { out.set(f, at); at += f.length; }
      return out;
    },
  };
}

/** Send one INVITE from a raw socket and return the first final response's status and Retry-After. */
async function probe(port: number): Promise<{ status: number; retryAfter: string | undefined }> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const me = s.address().port;
  const sdp = 'v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';
  const invite = [
    `INVITE sip:bob@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bKprobe${me};rport`,
    'Max-Forwards: 70', `From: <sip:probe@127.0.0.1:${me}>;tag=p1`, `To: <sip:bob@127.0.0.1:${port}>`,
    `Call-ID: probe-${me}@127.0.0.1`, 'CSeq: 1 INVITE', `Contact: <sip:probe@127.0.0.1:${me}>`,
    'Content-Type: application/sdp', `Content-Length: ${sdp.length}`, '', sdp,
  ].join('\r\n');
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no final response to the probe')), 5000);
      s.on('message', (m) => {
        const text = m.toString('latin1');
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0);
        if (status < 200) return;
        clearTimeout(timer);
        resolve({ status, retryAfter: /^Retry-After:\s*(\S+)/im.exec(text)?.[1] });
      });
      s.send(invite, port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

const near = (pcm: Int16Array, hz: number): boolean => Math.abs(dominantFrequency(pcm, 8000, undefined, 10) - hz) <= 15;

sippGate().describe('overload: INVITEs far past limits.maxSessions', () => {
  it('refuses the excess with 503 and Retry-After, keeps the admitted calls and their audio, and recovers', async () => {
    const server = await manager(24000, { limits: { maxSessions: 25, overloadResponse: { status: 503, retryAfter: 5 } } });
    server.setCallHandler({
      onIncomingCall: async (call) => {
        const s = await call.answer();
        s.play(new ToneSource({ frequency: 440 })).catch(() => undefined);
      },
    });
    const client = await manager(27000);
    const admitted = await Promise.all(Array.from({ length: 5 }, () => client.makeCall(server.uri('bob'))));
    await Promise.all(admitted.map((c) => c.answered()));
    const audio = admitted.map((c) => collect(c.receiveAudio({ sampleRate: 8000 })));
    // A quiet window first: the audio rate this machine delivers without the flood, as the control.
    await sleep(300);
    const quietMarks = audio.map((a) => a.mark());
    const quietStarted = Date.now();
    await sleep(1500);
    const quietMs = Date.now() - quietStarted;
    const marks = audio.map((a) => a.mark());
    const quietRate = marks.reduce((n, m, i) => n + (m - quietMarks[i]!), 0) / marks.length / quietMs;

    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => { heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed); }, 50);
    // 300 calls/s for 3 s, each admitted one held for a second: ~300 wanted at once, 20 places.
    const floodStarted = Date.now();
    const flood = runSippLoad({
      target: `127.0.0.1:${server.port}`, localPort: await freePort(), calls: 900, rate: 300, limit: 900,
      timeoutSec: 25, recvTimeoutMs: 8000, extraArgs: ['-d', '1000'],
    });
    await sleep(1000);
    const refused = await probe(server.port);
    const result = await flood;
    const floodMs = Date.now() - floodStarted;
    clearInterval(sampler);

    expect(refused).toEqual({ status: 503, retryAfter: '5' });
    expect(result.killed, result.log).toBe(false);
    expect(result.successful + result.failed, result.log).toBe(900);
    expect(result.failed, 'the excess was refused').toBeGreaterThan(300);
    expect(result.successful, 'calls were still admitted during the flood').toBeGreaterThan(20);
    expect(server.counters.failed.overloaded ?? 0).toBeGreaterThan(300);
    // Memory stays bounded while refusing hundreds of calls a second.
    expect(heapPeak - heapBefore).toBeLessThan(96 * 2 ** 20);

    // The admitted calls are up, and their audio went on through the flood.
    for (const c of admitted) expect(c.state).toBe('connected');
    const floodRates = audio.map((a, i) => {
      const during = a.pcm().subarray(marks[i]);
      expect(near(during, 440), `call ${i} still hears 440 Hz`).toBe(true);
      return during.length / floodMs;
    });
    // Each admitted call gets at least 80% of the audio it got in the quiet window.
    for (const rate of floodRates) expect(rate / quietRate, `audio rate in the flood vs quiet (${quietRate.toFixed(2)} samples/ms quiet)`).toBeGreaterThan(0.8);

    // Recovery: once the flood is over, a new call is answered at once.
    await waitFor(() => server.sessions().length === 5, 10_000);
    const after = await client.makeCall(server.uri('bob'));
    await after.answered();
    await after.hangup();
    await Promise.all(admitted.map((c) => c.hangup()));
    console.info(`[overload] sipp: ${result.successful} admitted, ${result.failed} refused in ${floodMs} ms; heap +${((heapPeak - heapBefore) / 2 ** 20).toFixed(1)} MiB at peak; audio ${floodRates.map((r) => (r / quietRate).toFixed(2)).join(', ')} of the quiet rate`);
  }, 60_000);
});

describe('exhaustion and shutdown under load', () => {
  it('refuses new calls cleanly when the RTP port range runs out, and leaves the calls it has alone', async () => {
    // Four ports: two RTP/RTCP pairs, so two calls fit.
    const server = await manager(30000, { media: { portRange: { min: 30000, max: 30003 } } });
    server.setCallHandler({
      onIncomingCall: async (call) => {
        const s = await call.answer();
        s.play(new ToneSource({ frequency: 440 })).catch(() => undefined);
      },
    });
    const client = await manager(31000);
    const up = [await client.makeCall(server.uri('bob')), await client.makeCall(server.uri('bob'))];
    await Promise.all(up.map((c) => c.answered()));
    const third = await client.makeCall(server.uri('bob'));
    const failure = await third.answered().then(() => undefined, (err: unknown) => err as { status?: number });
    expect(failure, 'the third call must fail').toBeDefined();
    expect([488, 503]).toContain(failure!.status);
    const audio = collect(up[0]!.receiveAudio({ sampleRate: 8000 }));
    await sleep(400);
    for (const c of up) expect(c.state).toBe('connected');
    expect(near(audio.pcm(), 440)).toBe(true);
    // Ports come back when a call ends: the next call fits again.
    await up[1]!.hangup();
    await waitFor(() => server.sessions().length === 1, 3000);
    const again = await client.makeCall(server.uri('bob'));
    await again.answered();
    await Promise.all([again.hangup(), up[0]!.hangup()]);
  }, 30_000);

  it('close() with 500 calls up ends every call with BYE and closes every socket', async () => {
    const server = await manager(33000, { limits: { maxSessions: 600 }, media: { portRange: { min: 33000, max: 35999 } } });
    const client = await manager(36000, { limits: { maxSessions: 600 }, media: { portRange: { min: 36000, max: 38999 } } });
    server.setCallHandler({ onIncomingCall: (call) => call.answer() });
    const calls: CallSession[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const some = await Promise.all(Array.from({ length: 50 }, () => client.makeCall(server.uri('bob'))));
      await Promise.all(some.map((c) => c.answered()));
      calls.push(...some);
    }
    expect(calls).toHaveLength(500);
    await waitFor(() => server.sessions().filter((s) => s.state === 'connected').length === 500, 10_000);
    const serverSessions = [...server.sessions()];
    await server.close();
    expect(server.sessions()).toHaveLength(0);
    // Every call of the closed side ended as manager-closed, and the far end heard a BYE for each.
    expect(await Promise.all(serverSessions.map((s) => s.ended()))).toEqual(serverSessions.map(() => 'manager-closed'));
    const reasons = await Promise.all(calls.map((c) => c.ended()));
    expect(reasons.filter((r) => r === 'remote-hangup')).toHaveLength(500);
  }, 90_000);
});
