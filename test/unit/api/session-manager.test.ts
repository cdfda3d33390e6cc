import { describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src/api/session-manager.js';
import { NotSupportedError } from '../../../src/api/errors.js';
import type { CallSession } from '../../../src/api/call-session.js';
import type { IncomingCall } from '../../../src/api/incoming-call.js';
import { InvalidArgumentError, InvalidStateError } from '../../../src/util/index.js';
import { FakeEngine } from './fake-engine.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

function setup(): { engine: FakeEngine; manager: SessionManager } {
  const engine = new FakeEngine();
  return { engine, manager: new SessionManager(engine) };
}

describe('SessionManager handler semantics', () => {
  it('returns the manager from setCallHandler so calls chain', () => {
    const { manager } = setup();
    expect(manager.setCallHandler({})).toBe(manager);
    expect(manager.setCallHandler({}).setCallHandler({ onIncomingCall: () => undefined })).toBe(manager);
  });

  it('answers incoming calls when no handler is set', async () => {
    const { engine } = setup();
    const inc = engine.invite();
    await tick();
    expect(inc.responses.map((r) => r.status)).toEqual([200]);
    expect(inc.call.state).toBe('connected');
  });

  it('answers incoming calls when the handler has no onIncomingCall', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler({ onCallEnded: () => undefined });
    const inc = engine.invite();
    await tick();
    expect(inc.responses.map((r) => r.status)).toEqual([200]);
  });

  it('answers without a 180 when the handler answers synchronously', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler({ onIncomingCall: (call) => call.answer() });
    const inc = engine.invite();
    await tick();
    expect(inc.responses.map((r) => r.status)).toEqual([200]);
  });

  it('keeps a deferred call ringing with 180 until the application answers later', async () => {
    const { engine, manager } = setup();
    let saved: IncomingCall | undefined;
    manager.setCallHandler({ onIncomingCall: (call) => { saved = call; } });
    const inc = engine.invite();
    await tick(10);
    expect(inc.responses.map((r) => r.status)).toEqual([180]);
    expect(inc.call.state).toBe('ringing');
    expect(saved?.decision).toBe('pending');
    const session = await saved!.answer();
    expect(session.state).toBe('connected');
    expect(inc.responses.map((r) => r.status)).toEqual([180, 200]);
  });

  it('ends a deferred call as cancelled when the caller gives up', async () => {
    const { engine, manager } = setup();
    const ended: string[] = [];
    manager.setCallHandler({ onIncomingCall: () => undefined, onCallEnded: (_s, reason) => { ended.push(reason); } });
    const inc = engine.invite();
    await tick();
    inc.cancel();
    await tick();
    expect(ended).toEqual(['cancelled']);
    expect(manager.sessions()).toHaveLength(0);
  });

  it('rejects with 500 and reports the error when onIncomingCall throws', async () => {
    const { engine, manager } = setup();
    const errors: unknown[] = [];
    const boom = new Error('boom');
    manager.setCallHandler({ onIncomingCall: () => { throw boom; }, onError: (err) => { errors.push(err); } });
    const inc = engine.invite();
    await tick();
    expect(inc.responses.map((r) => r.status)).toEqual([500]);
    expect(errors).toEqual([boom]);
  });

  it('rejects with 500 and emits the manager error event when an async onIncomingCall rejects', async () => {
    const { engine, manager } = setup();
    const errors: unknown[] = [];
    manager.on('error', (err) => errors.push(err));
    manager.setCallHandler({ onIncomingCall: async () => { await tick(1); throw new Error('later'); } });
    const inc = engine.invite();
    await tick(20);
    expect(inc.responses.map((r) => r.status)).toEqual([180, 500]);
    expect((errors[0] as Error).message).toBe('later');
  });

  it('keeps the call when the handler throws after answering', async () => {
    const { engine, manager } = setup();
    const errors: unknown[] = [];
    manager.setCallHandler({
      onIncomingCall: async (call) => { await call.answer(); throw new Error('after'); },
      onError: (err) => { errors.push(err); },
    });
    const inc = engine.invite();
    await tick();
    expect(inc.responses.map((r) => r.status)).toEqual([200]);
    expect(inc.call.state).toBe('connected');
    expect(errors).toHaveLength(1);
  });

  it('accepts an awaited decision: reject with a code and reason', async () => {
    const { engine, manager } = setup();
    manager.setCallHandler({ onIncomingCall: async (call) => { await tick(1); await call.reject(603, 'Not Today'); } });
    const inc = engine.invite();
    await tick(20);
    expect(inc.responses.map((r) => [r.status, r.reason])).toEqual([[180, undefined], [603, 'Not Today']]);
  });

  it('refuses a second decision with InvalidStateError and changes nothing', async () => {
    const { engine, manager } = setup();
    let saved: IncomingCall | undefined;
    manager.setCallHandler({ onIncomingCall: async (call) => { saved = call; await call.reject(486); } });
    const inc = engine.invite();
    await tick();
    await expect(saved!.answer()).rejects.toBeInstanceOf(InvalidStateError);
    expect(inc.responses.map((r) => r.status)).toEqual([486]);
  });

  it('rejects bad status codes with InvalidArgumentError', async () => {
    const { engine, manager } = setup();
    let saved: IncomingCall | undefined;
    manager.setCallHandler({ onIncomingCall: (call) => { saved = call; } });
    engine.invite();
    await tick();
    await expect(saved!.reject(200)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(saved!.reject(486, 'two\r\nlines')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(saved!.decision).toBe('pending');
  });

  it('reports early media as not supported when the engine lacks it', async () => {
    const { engine, manager } = setup();
    let saved: IncomingCall | undefined;
    manager.setCallHandler({ onIncomingCall: (call) => { saved = call; } });
    engine.invite();
    await tick();
    const { ToneSource } = await import('../../../src/media/index.js');
    const err = await saved!.ring({ earlyMedia: new ToneSource({ frequency: 440 }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotSupportedError);
    expect((err as NotSupportedError).code).toBe('ERR_NOT_SUPPORTED');
  });

  it('exposes caller, callee, headers and the remote media summary on the incoming call', async () => {
    const { engine, manager } = setup();
    let saved: IncomingCall | undefined;
    manager.setCallHandler({ onIncomingCall: (call) => { saved = call; } });
    const inc = engine.invite();
    await tick();
    expect(saved!.caller).toEqual({ uri: 'sip:remote@127.0.0.1', displayName: 'Remote' });
    expect(saved!.callee.uri).toBe('sip:local@127.0.0.1');
    expect(saved!.callId).toBe(inc.call.callId);
    expect(saved!.header('User-Agent')).toBe('fake/1');
    expect(saved!.remoteMedia?.codecs).toContain('PCMU');
    expect(saved!.session.direction).toBe('incoming');
  });

  it('calls the handler hooks of one session in order', async () => {
    const { engine, manager } = setup();
    const log: string[] = [];
    manager.setCallHandler({
      onIncomingCall: async (call) => { await tick(5); log.push('incoming'); await call.answer(); },
      onStateChanged: (_s, c) => { log.push(`${c.from}->${c.to}`); },
      onCallEstablished: () => { log.push('established'); },
      onDtmf: (_s, e) => { log.push(`dtmf ${e.digit}`); },
      onCallEnded: (_s, reason) => { log.push(`ended ${reason}`); },
    });
    const inc = engine.invite();
    await tick(20);
    inc.call.emitDtmf({ digit: '5', durationMs: 100, method: 'rfc4733' });
    await manager.sessions()[0]!.hangup();
    await tick();
    expect(log).toEqual(['incoming', 'ringing->connected', 'established', 'dtmf 5', 'connected->terminated', 'ended local-hangup']);
  });

  it('does not let a slow handler for one call delay another call', async () => {
    const { engine, manager } = setup();
    const answered: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let n = 0;
    manager.setCallHandler({
      onIncomingCall: async (call) => {
        const me = ++n;
        if (me === 1) await gate;
        await call.answer();
        answered.push(String(me));
      },
    });
    engine.invite();
    engine.invite();
    await tick(10);
    expect(answered).toEqual(['2']);
    release();
    await tick();
    expect(answered).toEqual(['2', '1']);
  });

  it('reads its counters from the engine', async () => {
    const { engine, manager } = setup();
    engine.invite();
    await tick();
    await manager.makeCall('sip:bob@127.0.0.1:5070');
    expect(manager.counters).toMatchObject({ callsIn: 1, callsOut: 1, active: 2 });
    await manager.close();
    expect(manager.counters.active).toBe(0);
  });

  it('reports engine-side errors of a session through onError', async () => {
    const { engine, manager } = setup();
    const seen: [unknown, string | undefined][] = [];
    manager.setCallHandler({ onError: (err, session) => { seen.push([err, session?.id]); } });
    const inc = engine.invite();
    await tick();
    const err = new Error('media failed');
    engine.fail(err, inc.call);
    expect(seen).toEqual([[err, inc.call.id]]);
  });

  it('builds URIs that reach it', () => {
    const { manager } = setup();
    expect(manager.uri('bob')).toBe('sip:bob@127.0.0.1:5099');
    expect(manager.uri('bob', 'TCP')).toBe('sip:bob@127.0.0.1:5099;transport=tcp');
  });
});

describe('SessionManager.makeCall', () => {
  it('rejects a target that is not a SIP URI', async () => {
    const { manager } = setup();
    await expect(manager.makeCall('bob@example.com')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.makeCall('sip:bob@127.0.0.1', { timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('passes from, headers and codecs to the engine but not the signal or timeout', async () => {
    const { engine, manager } = setup();
    const ac = new AbortController();
    await manager.makeCall('sip:bob@127.0.0.1:5070', { from: 'sip:alice@127.0.0.1', headers: { 'X-A': '1' }, codecs: ['PCMA'], signal: ac.signal, timeoutMs: 1000 });
    expect(engine.outgoing[0]!.options).toEqual({ from: 'sip:alice@127.0.0.1', headers: { 'X-A': '1' }, codecs: ['PCMA'] });
    await manager.close();
  });

  it('hangs up with reason no-answer when the ring timeout runs out', async () => {
    const { engine, manager } = setup();
    const session = await manager.makeCall('sip:bob@127.0.0.1:5070', { timeoutMs: 20 });
    const failure = session.answered().catch((e: unknown) => e);
    await tick(60);
    expect(engine.outgoing[0]!.call.hangups).toEqual(['no-answer']);
    expect(await session.ended()).toBe('no-answer');
    expect(await failure).toMatchObject({ code: 'ERR_CALL_FAILED', reason: 'no-answer' });
  });

  it('hangs up when the abort signal fires and refuses an already aborted signal', async () => {
    const { engine, manager } = setup();
    const ac = new AbortController();
    const session = await manager.makeCall('sip:bob@127.0.0.1:5070', { signal: ac.signal });
    ac.abort();
    await tick();
    expect(session.state).toBe('terminated');
    expect(engine.outgoing[0]!.call.hangups).toHaveLength(1);
    await expect(manager.makeCall('sip:bob@127.0.0.1:5070', { signal: ac.signal })).rejects.toBeDefined();
    expect(engine.outgoing).toHaveLength(1);
  });

  it('refuses new calls after close with InvalidStateError', async () => {
    const { manager } = setup();
    await manager.close();
    await expect(manager.makeCall('sip:bob@127.0.0.1')).rejects.toBeInstanceOf(InvalidStateError);
  });
});

describe('SessionManager.close', () => {
  it('ends every call and runs onCallEnded before resolving', async () => {
    const { engine, manager } = setup();
    const ended: string[] = [];
    manager.setCallHandler({ onCallEnded: (_s, r) => { ended.push(r); } });
    engine.invite();
    await manager.makeCall('sip:bob@127.0.0.1:5070');
    await tick();
    await manager.close();
    expect(engine.closed).toBe(true);
    expect(ended.sort()).toEqual(['manager-closed', 'manager-closed']);
    expect(manager.sessions()).toHaveLength(0);
  });

  it('closes at the end of an await using scope', async () => {
    const engine = new FakeEngine();
    {
      await using manager = new SessionManager(engine);
      expect(manager.closed).toBe(false);
    }
    expect(engine.closed).toBe(true);
  });

  it('emits session for incoming and outgoing calls', async () => {
    const { engine, manager } = setup();
    const seen: CallSession[] = [];
    manager.on('session', (s) => seen.push(s));
    engine.invite();
    await manager.makeCall('sip:bob@127.0.0.1');
    expect(seen.map((s) => s.direction)).toEqual(['incoming', 'outgoing']);
    await manager.close();
  });
});

describe('SessionManager.close with a handler that never settles', () => {
  it('does not wait longer than close.timeoutMs for the handler', async () => {
    const engine = new FakeEngine();
    Object.defineProperty(engine, 'config', { value: { ...engine.config, close: { timeoutMs: 50 } } });
    const manager = new SessionManager(engine);
    manager.setCallHandler({ onIncomingCall: () => new Promise(() => undefined) });
    engine.invite();
    await tick();
    const started = Date.now();
    await manager.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(manager.sessions()).toHaveLength(0);
  });
});
