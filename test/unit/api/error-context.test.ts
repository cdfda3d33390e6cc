import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src/api/session-manager.js';
import * as root from '../../../src/index.js';
import { InvalidStateError, SiplineError } from '../../../src/index.js';
import { CallFailedError } from '../../../src/session/errors.js';
import { ERROR_HINTS, GENERIC_HINT, errorHint, withErrorContext } from '../../../src/util/index.js';
import { FakeEngine } from './fake-engine.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Codes of every error class exported from the package root. */
function rootCodes(): string[] {
  const codes: string[] = [];
  for (const [name, value] of Object.entries(root)) {
    if (typeof value !== 'function' || !(value.prototype instanceof SiplineError)) continue;
    const Ctor = value as unknown as new (...args: unknown[]) => SiplineError;
    codes.push((name === 'TransportError' ? new Ctor('ERR_TRANSPORT_BIND', 'm') : new Ctor('error', 'm')).code);
  }
  return codes;
}

describe('SiplineError context and hint', () => {
  it('gives every code a hint of its own and a generic one to unknown codes', () => {
    expect(new CallFailedError('busy', 486).hint).toBe(ERROR_HINTS['ERR_CALL_FAILED']);
    expect(new SiplineError('ERR_SOMETHING_NEW', 'x').hint).toBe(GENERIC_HINT);
    expect(new SiplineError('ERR_CALL_FAILED', 'x', { hint: 'call back later' }).hint).toBe('call back later');
  });

  it('fills context fields that are missing and never overwrites the ones set', () => {
    const err = new SiplineError('ERR_X', 'x', { context: { sessionId: 'a' } });
    err.addContext({ sessionId: 'b', callId: 'c@h', status: 486, localTag: undefined });
    expect(err.context).toEqual({ sessionId: 'a', callId: 'c@h', status: 486 });
    expect(Object.isFrozen(err.context)).toBe(true);
    expect(withErrorContext('not an error', { sessionId: 'z' })).toBe('not an error');
  });

  it('serializes code, hint and context for structured logs', () => {
    const err = new CallFailedError('busy', 486).addContext({ sessionId: 's1', callId: 'c1', status: 486 });
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'CallFailedError', code: 'ERR_CALL_FAILED', message: err.message, hint: errorHint('ERR_CALL_FAILED'),
      sessionId: 's1', callId: 'c1', status: 486,
    });
  });
});

describe('errors of the public API carry the call they concern', () => {
  it('puts session id, state, Call-ID and correlation id on a refused operation', async () => {
    const engine = new FakeEngine();
    const manager = new SessionManager(engine);
    manager.setCallHandler({ onIncomingCall: () => undefined });
    const inc = engine.invite();
    await tick(5);
    const [session] = manager.sessions();
    const err = await session!.hold().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidStateError);
    expect((err as SiplineError).context).toMatchObject({
      sessionId: inc.call.id, sessionState: 'ringing', callId: inc.call.callId, correlationId: session!.correlationId,
    });
    expect((err as SiplineError).hint).toMatch(/state/);
  });

  it('puts the session context on errors reported to onError', async () => {
    const engine = new FakeEngine();
    const manager = new SessionManager(engine);
    const reported: unknown[] = [];
    manager.setCallHandler({ onCallStarted: () => { throw new SiplineError('ERR_APP', 'app failed'); }, onError: (e) => reported.push(e) });
    const inc = engine.invite();
    await tick(5);
    expect((reported[0] as SiplineError).context).toMatchObject({ sessionId: inc.call.id, callId: inc.call.callId });
  });
});

describe('docs/errors.md recovery hints', () => {
  it('lists every exported code with its hint, and a hint exists for each of them', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const codes = rootCodes();
    expect(codes.length).toBeGreaterThanOrEqual(6);
    for (const code of codes) {
      expect(ERROR_HINTS[code], `hint for ${code} in src/util/error-hints.ts`).toBeDefined();
    }
    for (const [code, hint] of Object.entries(ERROR_HINTS)) {
      expect(doc, `docs/errors.md hint row for ${code}`).toContain(`| \`${code}\` | ${hint} |`);
    }
  });
});
