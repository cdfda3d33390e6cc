/**
 * Two session engines over real 127.0.0.1 sockets: calls that are not answered (rejections,
 * cancel, ring timeout, overload, no common codec, a failing handler), a deferred decision, and
 * closing an engine with live calls.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session, SessionEnd, SessionEngine, SessionManagerConfig } from '../../src/session/index.js';
import { CallFailedError } from '../../src/session/index.js';
import { closeAndCheck, handleCounts, startEngine, until } from '../unit/session/engine-harness.js';

let engines: SessionEngine[] = [];
let baseline: Record<string, number> = {};

beforeEach(() => {
  baseline = handleCounts();
});

afterEach(async () => {
  const list = engines;
  engines = [];
  await closeAndCheck(list, baseline);
});

async function pair(basePort: number, bobConfig: SessionManagerConfig = {}): Promise<{ alice: SessionEngine; bob: SessionEngine }> {
  const alice = await startEngine(basePort);
  const bob = await startEngine(basePort + 500, bobConfig);
  engines.push(alice, bob);
  return { alice, bob };
}

async function failure(session: Session): Promise<CallFailedError> {
  try {
    await session.answered();
  } catch (err) {
    expect(err).toBeInstanceOf(CallFailedError);
    return err as CallFailedError;
  }
  throw new Error('the call was answered');
}

describe.each([['UDP', 40000], ['TCP', 44000]] as const)('unanswered calls between session engines over %s', (protocol, base) => {
  it('reports 486, 603 and 404 rejections as busy, declined and not-found', async () => {
    const { alice, bob } = await pair(base);
    const statuses = [486, 603, 404];
    bob.setIncomingSessionHandler((s) => s.reject(statuses.shift()));
    const seen: [number | undefined, string][] = [];
    for (let i = 0; i < 3; i++) {
      const call = await alice.call({ target: bob.uriFor('bob', protocol) });
      const err = await failure(call);
      seen.push([err.status, err.reason]);
      expect(err.code).toBe('ERR_CALL_FAILED');
      expect(call.end).toEqual({ reason: err.reason, status: err.status });
    }
    expect(seen).toEqual([[486, 'busy'], [603, 'declined'], [404, 'not-found']]);
    expect(alice.counters.failed).toEqual({ busy: 1, declined: 1, 'not-found': 1 });
    expect(bob.counters.failed).toEqual({ rejected: 3 });
    expect(alice.sessions()).toHaveLength(0);
  });

  it('keeps the caller ringing while the handler defers, then connects when it answers', async () => {
    const { alice, bob } = await pair(base + 1000);
    let pending: Session | undefined;
    bob.setIncomingSessionHandler((s) => { pending = s; });
    const call = await alice.call({ target: bob.uriFor('bob', protocol) });
    const progress: number[] = [];
    call.on('progress', (status) => progress.push(status));
    await until(() => call.state === 'ringing', 3000, 'ringing');
    expect(progress).toContain(180);
    expect(pending?.state).toBe('ringing');
    expect(pending?.decided).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    expect(call.state).toBe('ringing');
    await pending!.answer();
    await call.answered();
    expect(call.state).toBe('connected');
    await expect(pending!.answer()).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
    await call.hangup();
  });

  it('cancels while ringing: 487 and reason cancelled on both sides', async () => {
    const { alice, bob } = await pair(base + 2000);
    let callee: Session | undefined;
    bob.setIncomingSessionHandler((s) => { callee = s; });
    const call = await alice.call({ target: bob.uriFor('bob', protocol) });
    await until(() => call.state === 'ringing', 3000, 'ringing');
    const calleeEnded = new Promise<SessionEnd>((resolve) => callee!.once('ended', resolve));
    await call.hangup();
    const err = await failure(call);
    expect([err.status, err.reason]).toEqual([487, 'cancelled']);
    expect(await calleeEnded).toEqual({ reason: 'cancelled', status: 487 });
  });

  it('gives up after the ring timeout with reason no-answer', async () => {
    const { alice, bob } = await pair(base + 3000);
    bob.setIncomingSessionHandler(() => undefined);
    const call = await alice.call({ target: bob.uriFor('bob', protocol), timeoutMs: 300 });
    const err = await failure(call);
    expect(err.reason).toBe('no-answer');
    expect(err.status).toBe(487);
    await until(() => bob.sessions().length === 0, 3000, 'callee cleanup');
  });
});

describe('limits and failures of session engines over UDP', () => {
  it('answers 486 past maxSessions', async () => {
    const { alice, bob } = await pair(48000, { limits: { maxSessions: 1 } });
    bob.setIncomingSessionHandler(() => undefined);
    const first = await alice.call({ target: bob.uriFor('bob') });
    await until(() => first.state === 'ringing', 3000, 'first call ringing');
    const second = await alice.call({ target: bob.uriFor('bob') });
    const err = await failure(second);
    expect([err.status, err.reason]).toEqual([486, 'busy']);
    expect(bob.counters.failed).toEqual({ overloaded: 1 });
    expect(bob.sessions()).toHaveLength(1);
    await first.hangup();
  });

  it('answers 503 with Retry-After past maxSessions when configured', async () => {
    const { alice, bob } = await pair(49000, { limits: { maxSessions: 1, overloadResponse: { status: 503, retryAfter: 7 } } });
    bob.setIncomingSessionHandler(() => undefined);
    const retryAfter: string[] = [];
    alice.transport.on('message', (m) => {
      if (m.message.isResponse() && m.message.status === 503) retryAfter.push(m.message.get('Retry-After') ?? '');
    });
    const first = await alice.call({ target: bob.uriFor('bob') });
    await until(() => first.state === 'ringing', 3000, 'first call ringing');
    const err = await failure(await alice.call({ target: bob.uriFor('bob') }));
    expect([err.status, err.reason]).toEqual([503, 'unavailable']);
    expect(retryAfter).toEqual(['7']);
    await first.hangup();
  });

  it('answers 488 when no codec is common and ends both sides with codec-mismatch', async () => {
    const { alice, bob } = await pair(50000, { media: { codecs: ['PCMA'] } });
    const ended: SessionEnd[] = [];
    bob.on('session-ended', (_s, end) => ended.push(end));
    const call = await alice.call({ target: bob.uriFor('bob'), codecs: ['PCMU'] });
    const err = await failure(call);
    expect([err.status, err.reason]).toEqual([488, 'codec-mismatch']);
    expect(ended).toEqual([expect.objectContaining({ reason: 'codec-mismatch', status: 488 })]);
  });

  it('rejects with 500 and reports the error when the handler throws', async () => {
    const { alice, bob } = await pair(51000);
    const errors: unknown[] = [];
    bob.on('error', (e) => errors.push(e));
    bob.setIncomingSessionHandler(async () => { throw new Error('handler bug'); });
    const err = await failure(await alice.call({ target: bob.uriFor('bob') }));
    expect([err.status, err.reason]).toEqual([500, 'server-error']);
    expect(errors).toEqual([expect.objectContaining({ message: 'handler bug' })]);
  });

  it('hangs up every call when an engine closes: BYE for answered calls, CANCEL for ringing ones', async () => {
    const { alice, bob } = await pair(52000);
    let n = 0;
    bob.setIncomingSessionHandler((s) => { if (n++ === 0) return s.answer(); return undefined; });
    const answered = await alice.call({ target: bob.uriFor('bob') });
    await answered.answered();
    const ringing = await alice.call({ target: bob.uriFor('bob') });
    await until(() => ringing.state === 'ringing', 3000, 'second call ringing');
    const bobEnds: string[] = [];
    bob.on('session-ended', (_s, end) => bobEnds.push(end.reason));
    await alice.close();
    expect(answered.endReason).toBe('manager-closed');
    expect(ringing.endReason).toBe('manager-closed');
    await until(() => bobEnds.length === 2, 3000, 'callee sessions ended');
    expect(bobEnds.sort()).toEqual(['cancelled', 'remote-hangup']);
    await expect(alice.call({ target: bob.uriFor('bob') })).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
  });
});
