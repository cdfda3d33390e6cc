/**
 * Observability over real sockets on 127.0.0.1, two managers of ours:
 * - quality alerts raised and cleared on a call whose RTP loses packets (the loss is injected by
 *   dropping datagrams at the callee's RTP socket, below the RTP session);
 * - RTP timeout: all RTP to the callee is dropped, the callee ends the call with a BYE carrying
 *   `Reason: SIP;cause=408;text="RTP timeout"`;
 * - correlation ids carried in a header to the far end, and `session.trace()` of the call.
 */
import { Socket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineSessionOf } from '../../src/api/index.js';
import { composeHandlers, metricsHandler } from '../../src/index.js';
import type { CallSession, MediaTimeoutEvent, QualityEvent, SessionManager, SessionManagerConfig } from '../../src/index.js';
import type { Session } from '../../src/session/index.js';
import { localManager, openHandles, waitFor } from './api-helpers.js';

/** Local ports whose received datagrams are dropped, with the policy (true: drop this one). */
const drops = new Map<number, () => boolean>();
const originalEmit = Socket.prototype.emit;

beforeAll(() => {
  Socket.prototype.emit = function emit(this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message' && drops.size > 0) {
      let port: number | undefined;
      try { port = this.address().port; } catch { port = undefined; }
      const policy = port === undefined ? undefined : drops.get(port);
      if (policy !== undefined && policy()) return false;
    }
    return (originalEmit as (this: Socket, event: string | symbol, ...rest: unknown[]) => boolean).call(this, event, ...args);
  } as typeof Socket.prototype.emit;
});

afterAll(() => {
  Socket.prototype.emit = originalEmit;
});

let managers: SessionManager[] = [];
let baseline: Record<string, number>;

beforeEach(() => {
  baseline = openHandles();
});

afterEach(async () => {
  drops.clear();
  for (const m of managers) await m.close();
  for (const m of managers) expect(m.sessions()).toHaveLength(0);
  managers = [];
  await waitFor(() => JSON.stringify(openHandles()) === JSON.stringify(baseline), 3000).catch(() => undefined);
  expect(openHandles()).toEqual(baseline);
});

async function start(config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await localManager({ ...config, media: { portRange: { min: 45000, max: 45999 }, ...config.media } });
  managers.push(m);
  return m;
}

interface Pair {
  caller: CallSession;
  callee: CallSession;
  calleeManager: SessionManager;
  alerts: QualityEvent[];
  recoveries: QualityEvent[];
  timeouts: MediaTimeoutEvent[];
}

async function connectedPair(calleeConfig: SessionManagerConfig, callerConfig: SessionManagerConfig = {}): Promise<Pair> {
  const calleeManager = await start(calleeConfig);
  const callerManager = await start({ ...callerConfig, media: { rtpTimeoutMs: 0, ...callerConfig.media } });
  let callee: CallSession | undefined;
  const alerts: QualityEvent[] = [];
  const recoveries: QualityEvent[] = [];
  const timeouts: MediaTimeoutEvent[] = [];
  calleeManager.setCallHandler({
    onIncomingCall: async (call) => { callee = await call.answer(); },
    onQualityAlert: (_s, e) => { alerts.push(e); },
    onQualityRecovered: (_s, e) => { recoveries.push(e); },
    onMediaTimeout: (_s, e) => { timeouts.push(e); },
  });
  const caller = await callerManager.makeCall(calleeManager.uri('bob'));
  await caller.answered();
  await waitFor(() => callee !== undefined && callee.state === 'connected' && (engineSessionOf(callee) as Session).mediaInfo !== undefined);
  return { caller, callee: callee!, calleeManager, alerts, recoveries, timeouts };
}

function localRtpPort(session: CallSession): number {
  const engine = engineSessionOf(session) as Session;
  const port = engine.mediaInfo?.local.port;
  if (port === undefined) throw new Error('media not started');
  return port;
}

describe('quality alerts on a call that loses packets', () => {
  it('raises one alert per metric when a third of the RTP is lost, and a recovery once the loss stops', async () => {
    const { caller, callee, alerts, recoveries } = await connectedPair({
      quality: { intervalMs: 400, lossAbove: 0.05, mosBelow: 3.5 },
      media: { rtpTimeoutMs: 0 },
    });
    await waitFor(() => callee.stats().packetsReceived > 10);
    const sessionEvents: QualityEvent[] = [];
    callee.on('quality', (e) => sessionEvents.push(e));
    let n = 0;
    drops.set(localRtpPort(callee), () => ++n % 3 === 0);
    await waitFor(() => alerts.some((a) => a.metrics.includes('loss')), 4000);
    const lossAlert = alerts.find((a) => a.metrics.includes('loss'))!;
    expect(lossAlert.type).toBe('alert');
    expect(lossAlert.sample.loss).toBeGreaterThan(0.05);
    expect(lossAlert.sample.loss).toBeLessThan(0.5);
    await waitFor(() => alerts.some((a) => a.metrics.includes('mos')), 4000);
    expect(alerts.find((a) => a.metrics.includes('mos'))!.sample.mos).toBeLessThan(3.5);
    // Still losing: no second alert for the same crossing.
    await new Promise((r) => setTimeout(r, 900));
    expect(alerts.filter((a) => a.metrics.includes('loss'))).toHaveLength(1);
    expect(recoveries).toHaveLength(0);
    drops.clear();
    await waitFor(() => recoveries.some((r) => r.metrics.includes('loss')) && recoveries.some((r) => r.metrics.includes('mos')), 4000);
    const recovered = recoveries.find((r) => r.metrics.includes('loss'))!;
    expect(recovered.type).toBe('recovered');
    expect(recovered.sample.loss).toBeLessThanOrEqual(0.04);
    expect(recovered.sample.breached).not.toContain('loss');
    expect(sessionEvents.map((e) => e.type)).toEqual([...alerts.map(() => 'alert'), ...recoveries.map(() => 'recovered')].sort());
    await caller.hangup();
  }, 20_000);
});

describe('RTP timeout', () => {
  it('ends a call that receives no RTP with a BYE carrying a Reason header', async () => {
    const metrics = metricsHandler();
    const { caller, callee, calleeManager, timeouts } = await connectedPair({ media: { rtpTimeoutMs: 1000, rtpTimeoutAction: 'hangup' } });
    calleeManager.setCallHandler(composeHandlers(metrics, { onMediaTimeout: (_s, e) => { timeouts.push(e); } }));
    const events: MediaTimeoutEvent[] = [];
    callee.on('media-timeout', (e) => events.push(e));
    const port = localRtpPort(callee);
    drops.set(port, () => true);
    drops.set(port + 1, () => true);
    const started = Date.now();
    expect(await callee.ended()).toBe('media-timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await caller.ended()).toBe('remote-hangup');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ timeoutMs: 1000, action: 'hangup' });
    expect(events[0]!.silentForMs).toBeGreaterThanOrEqual(1000);
    expect(timeouts).toHaveLength(1);
    const byeIn = caller.trace().messages.find((m) => m.direction === 'in' && m.firstLine.startsWith('BYE '));
    expect(byeIn?.raw()).toMatch(/\r\nReason: SIP;cause=408;text="RTP timeout"\r\n/);
    const byeOut = callee.trace().messages.find((m) => m.direction === 'out' && m.firstLine.startsWith('BYE '));
    expect(byeOut).toBeDefined();
    await waitFor(() => metrics.snapshot().ended['media-timeout']?.count === 1);
    expect(metrics.snapshot().mediaTimeouts).toBe(1);
  }, 15_000);

  it('only raises the event, and keeps the call, with rtpTimeoutAction event', async () => {
    const { caller, callee, timeouts } = await connectedPair({ media: { rtpTimeoutMs: 1000, rtpTimeoutAction: 'event' } });
    const port = localRtpPort(callee);
    drops.set(port, () => true);
    drops.set(port + 1, () => true);
    await waitFor(() => timeouts.length === 1, 4000);
    expect(timeouts[0]!.action).toBe('event');
    expect(callee.state).toBe('connected');
    await caller.hangup();
  }, 15_000);
});

describe('correlation ids and traces', () => {
  it('carries the caller correlation id to the callee in the configured header, and traces the call in order', async () => {
    const header = 'X-Correlation-ID';
    const { caller, callee } = await connectedPair(
      { correlation: { header }, media: { rtpTimeoutMs: 0 } },
      { correlation: { header, generate: () => 'order-4711' } },
    );
    expect(caller.correlationId).toBe('order-4711');
    expect(callee.correlationId).toBe('order-4711');
    await caller.hangup();
    await callee.ended();
    // The 200 to the BYE leaves after the callee's session ended: still in its trace.
    await waitFor(() => callee.trace().messages.some((m) => m.direction === 'out' && m.firstLine === 'SIP/2.0 200 OK' && /\r\nCSeq: \d+ BYE\r\n/.test(m.raw())), 2000);
    const out = caller.trace().messages;
    const lines = out.map((m) => `${m.direction} ${m.firstLine.split(' ')[0] === 'SIP/2.0' ? m.firstLine.split(' ')[1] : m.firstLine.split(' ')[0]}`);
    expect(lines[0]).toBe('out INVITE');
    expect(lines).toContain('in 200');
    expect(lines.indexOf('out ACK')).toBeGreaterThan(lines.indexOf('in 200'));
    expect(lines.indexOf('out BYE')).toBeGreaterThan(lines.indexOf('out ACK'));
    for (const m of out.filter((e) => e.direction === 'out' && !e.firstLine.startsWith('SIP/2.0'))) {
      expect(m.raw(), m.firstLine).toContain(`\r\n${header}: order-4711\r\n`);
    }
    for (let i = 1; i < out.length; i++) expect(out[i]!.at).toBeGreaterThanOrEqual(out[i - 1]!.at);
    const inbound = callee.trace().messages;
    expect(inbound[0]?.direction).toBe('in');
    expect(inbound[0]?.firstLine).toMatch(/^INVITE sip:bob@127\.0\.0\.1:\d+ SIP\/2\.0$/);
    expect(caller.trace().dropped).toBe(0);
  }, 15_000);

  it('keeps the trace within trace.maxMessages and counts what it dropped', async () => {
    const { caller } = await connectedPair({ media: { rtpTimeoutMs: 0 } }, { trace: { maxMessages: 2 } });
    await caller.hangup();
    const trace = caller.trace();
    expect(trace.messages.length).toBeLessThanOrEqual(2);
    expect(trace.dropped).toBeGreaterThanOrEqual(3);
    expect(trace.messages.at(-1)?.firstLine.startsWith('BYE') || trace.messages.at(-1)?.firstLine.startsWith('SIP/2.0 200')).toBe(true);
  }, 15_000);
});
