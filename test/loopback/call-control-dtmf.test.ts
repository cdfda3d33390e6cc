import { afterEach, describe, expect, it } from 'vitest';
import { engineSessionOf } from '../../src/api/index.js';
import { DtmfSendError, SessionManager } from '../../src/index.js';
import type { CallSession, DtmfEvent, SessionManagerConfig } from '../../src/index.js';
import { localManager, waitFor } from './api-helpers.js';

let managers: SessionManager[] = [];

async function start(config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await localManager(config);
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers) await m.close();
  managers = [];
});

interface Pair {
  readonly caller: CallSession;
  readonly callee: CallSession;
  /** Digits the callee's handler saw (onDtmf). */
  readonly handlerDigits: DtmfEvent[];
  /** Digits the caller's session saw. */
  readonly callerDigits: DtmfEvent[];
}

async function connectedPair(callerConfig: SessionManagerConfig = {}, calleeConfig: SessionManagerConfig = {}): Promise<Pair> {
  const calleeManager = await start(calleeConfig);
  const callerManager = await start(callerConfig);
  const handlerDigits: DtmfEvent[] = [];
  let callee: CallSession | undefined;
  calleeManager.setCallHandler({
    onIncomingCall: async (call) => { callee = await call.answer(); },
    onDtmf: (_s, event) => { handlerDigits.push(event); },
  });
  const caller = await callerManager.makeCall(calleeManager.uri('ivr'));
  const callerDigits: DtmfEvent[] = [];
  caller.on('dtmf', (e) => callerDigits.push(e));
  await caller.answered();
  await waitFor(() => callee !== undefined && callee.state === 'connected');
  return { caller, callee: callee!, handlerDigits, callerDigits };
}

describe('DTMF between two managers', () => {
  it('sends RFC 4733 telephone-events when they were negotiated and reports digit, duration and method', async () => {
    const { caller, callee, handlerDigits } = await connectedPair();
    const sessionDigits: DtmfEvent[] = [];
    callee.on('dtmf', (e) => sessionDigits.push(e));
    await caller.sendDtmf('4#', { durationMs: 120 });
    await waitFor(() => handlerDigits.length === 2);
    expect(handlerDigits.map((d) => d.digit)).toEqual(['4', '#']);
    expect(handlerDigits.every((d) => d.method === 'rfc4733')).toBe(true);
    expect(handlerDigits[0]!.durationMs).toBeGreaterThanOrEqual(100);
    expect(handlerDigits[0]!.durationMs).toBeLessThanOrEqual(160);
    await waitFor(() => sessionDigits.length === 2);
    expect(sessionDigits.map((d) => d.digit)).toEqual(['4', '#']);
  });

  it('sends SIP INFO application/dtmf-relay when asked and reports the duration from the body', async () => {
    const { caller, handlerDigits } = await connectedPair();
    await caller.sendDtmf('7*', { method: 'info', durationMs: 160, gapMs: 10 });
    await waitFor(() => handlerDigits.length === 2);
    expect(handlerDigits).toEqual([
      { digit: '7', durationMs: 160, method: 'info' },
      { digit: '*', durationMs: 160, method: 'info' },
    ]);
  });

  it('lets a peer configured with media.dtmfMethod info send INFO by default, in both directions', async () => {
    const { caller, callee, handlerDigits, callerDigits } = await connectedPair({ media: { dtmfMethod: 'info' } });
    await caller.sendDtmf('9', { durationMs: 80 });
    await waitFor(() => handlerDigits.length === 1);
    expect(handlerDigits[0]).toEqual({ digit: '9', durationMs: 80, method: 'info' });
    await callee.sendDtmf('0', { method: 'info', durationMs: 90 });
    await waitFor(() => callerDigits.length === 1);
    expect(callerDigits[0]).toEqual({ digit: '0', durationMs: 90, method: 'info' });
  });

  it('answers an INFO with application/dtmf 200 and reports its digit', async () => {
    const { caller, handlerDigits } = await connectedPair();
    const dialog = engineSessionOf(caller)!.dialog!;
    const res = await dialog.request('INFO', { body: '11', contentType: 'application/dtmf' });
    expect(res.status).toBe(200);
    await waitFor(() => handlerDigits.length === 1);
    expect(handlerDigits[0]).toEqual({ digit: '#', durationMs: 0, method: 'info' });
  });

  it('answers an INFO with an unknown content type 415 with Accept, and reports nothing', async () => {
    const { caller, handlerDigits } = await connectedPair();
    const dialog = engineSessionOf(caller)!.dialog!;
    const res = await dialog.request('INFO', { body: 'hello', contentType: 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.get('Accept')).toContain('application/dtmf-relay');
    const sdpInfo = await dialog.request('INFO', { body: 'v=0\r\n', contentType: 'application/sdp' });
    expect(sdpInfo.status).toBe(415);
    const empty = await dialog.request('INFO', {});
    expect(empty.status).toBe(200);
    expect(handlerDigits).toHaveLength(0);
    expect(caller.state).toBe('connected');
  });

  it('rejects an unknown method or an out-of-range duration with InvalidArgumentError and sends nothing', async () => {
    const { caller, handlerDigits } = await connectedPair();
    await expect(caller.sendDtmf('1', { method: 'sms' as 'info' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(caller.sendDtmf('1', { method: 'info', durationMs: 10 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await new Promise((r) => setTimeout(r, 200));
    expect(handlerDigits).toHaveLength(0);
  });

  it('rejects sendDtmf with DtmfSendError when the far end refuses the INFO', async () => {
    const { caller, callee } = await connectedPair();
    const calleeDialog = engineSessionOf(callee)!.dialog!;
    calleeDialog.setMethodHandler('INFO', (req) => { req.respond(403); });
    const err = await caller.sendDtmf('12', { method: 'info' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DtmfSendError);
    expect((err as DtmfSendError).code).toBe('ERR_DTMF_SEND');
    expect((err as DtmfSendError).status).toBe(403);
    expect((err as DtmfSendError).digit).toBe('1');
  });
});
