/**
 * Bridges, conferences and the B2BUA helper without sockets: argument checks, errors and their
 * documentation. (Audio, relay, transcoding and mixing are proven over real sockets in
 * test/loopback/advanced-*.test.ts.)
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as advanced from '../../../src/advanced/index.js';
import {
  BridgeMediaError, ConferenceFullError, ConferenceLockedError, SessionAlreadyBridgedError, createB2bua, createBridge, createConference,
} from '../../../src/advanced/index.js';
import { SiplineError } from '../../../src/index.js';
import type { CallSession, SessionManager } from '../../../src/index.js';

/** Just enough of a manager for construction: `on`/`off` of `close`, `setCallHandler`. */
function fakeManager(): SessionManager & { handler: unknown; listeners: number } {
  const m = {
    handler: undefined as unknown,
    listeners: 0,
    on() { m.listeners++; return m; },
    off() { m.listeners--; return m; },
    setCallHandler(h: unknown) { m.handler = h; return m; },
    config: { media: { codecs: ['PCMU', 'PCMA', 'G722'] } },
  };
  return m as unknown as SessionManager & { handler: unknown; listeners: number };
}

describe('createBridge', () => {
  it('listens once to its manager, however many bridges it has, and is destroyed when the manager closes', () => {
    const manager = fakeManager();
    let onClose: (() => void) | undefined;
    manager.on = ((event: string, fn: () => void) => { manager.listeners++; if (event === 'close') onClose = fn; return manager; }) as never;
    const bridges = Array.from({ length: 20 }, () => createBridge(manager));
    expect(manager.listeners).toBe(1);
    bridges[0]!.destroy();
    onClose!();
    expect(bridges.every((b) => b.destroyed)).toBe(true);
  });

  it('rejects a bad mixing clock or mode', () => {
    expect(() => createBridge(fakeManager(), { sampleRate: 44100 as 8000 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => createBridge(fakeManager(), { mode: 'loud' as 'mix' })).toThrow(/mode/);
  });

  it('refuses a session that does not come from a SessionManager with ERR_BRIDGE_MEDIA', () => {
    const bridge = createBridge(fakeManager());
    const stranger = { id: 'x', on() { return this; }, off() { return this; } } as unknown as CallSession;
    expect(() => bridge.add(stranger)).toThrow(BridgeMediaError);
    expect(bridge.sessions).toEqual([]);
    expect(bridge.state).toBe('idle');
  });

  it('rejects a gain outside 0-16 before looking at the session', () => {
    const bridge = createBridge(fakeManager());
    const s = {} as CallSession;
    expect(() => bridge.add(s, { gain: -1 })).toThrow(/gain/);
    expect(() => bridge.add(s, { gain: Number.NaN })).toThrow(/gain/);
    expect(() => bridge.add(s, { gain: 17 })).toThrow(/gain/);
  });

  it('is destroyed once, and refuses sessions afterwards', () => {
    const manager = fakeManager();
    const bridge = createBridge(manager, { id: 'b1' });
    const events: string[] = [];
    bridge.on('state', (s, prev) => events.push(`${prev}->${s}`));
    bridge.on('destroyed', () => events.push('destroyed'));
    bridge.destroy();
    bridge.destroy();
    expect(events).toEqual(['idle->destroyed', 'destroyed']);
    expect(() => bridge.add({} as CallSession)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
  });
});

describe('createConference', () => {
  it('takes an id and a capacity, and checks the capacity', () => {
    const room = createConference(fakeManager(), { id: 'sales', capacity: 4 });
    expect(room.id).toBe('sales');
    expect(room.capacity).toBe(4);
    expect(room.size).toBe(0);
    expect(() => createConference(fakeManager(), { capacity: 0 })).toThrow(/capacity/);
    expect(() => createConference(fakeManager(), { capacity: 2.5 })).toThrow(/capacity/);
  });

  it('reports lock changes once and refuses to join while locked', async () => {
    const room = createConference(fakeManager(), { locked: true });
    const locked: boolean[] = [];
    room.on('locked', (l) => locked.push(l));
    expect(() => room.join({} as CallSession)).toThrow(ConferenceLockedError);
    await expect(room.invite('sip:x@127.0.0.1')).rejects.toBeInstanceOf(ConferenceLockedError);
    room.unlock();
    room.unlock();
    room.lock();
    expect(locked).toEqual([false, true]);
  });

  it('closes once and refuses everything afterwards', async () => {
    const room = createConference(fakeManager());
    let closed = 0;
    room.on('closed', () => { closed++; });
    await room.close();
    await room.close();
    expect(closed).toBe(1);
    expect(room.closed).toBe(true);
    expect(() => room.lock()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
  });
});

describe('createB2bua', () => {
  it('needs a SIP URI or a function as target', () => {
    expect(() => createB2bua(fakeManager(), { target: 'mailto:x@example.com' })).toThrow(/target/);
    expect(() => createB2bua(fakeManager(), {} as never)).toThrow(/target/);
    expect(() => createB2bua(fakeManager(), { target: 'sip:x@127.0.0.1', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('installs itself as the call handler unless told not to', () => {
    const m = fakeManager();
    createB2bua(m, { target: 'sip:x@127.0.0.1' });
    expect(m.handler).toEqual({ onIncomingCall: expect.any(Function) });
    const other = fakeManager();
    const b2bua = createB2bua(other, { target: () => undefined, install: false });
    expect(other.handler).toBeUndefined();
    expect(b2bua.calls).toEqual([]);
  });
});

describe('errors of bridges and conferences', () => {
  const errors: SiplineError[] = [
    new SessionAlreadyBridgedError('s1', 'b1'),
    new BridgeMediaError('no media'),
    new ConferenceFullError('r1', 3),
    new ConferenceLockedError('r1'),
  ];

  it('carry stable codes and the ids of what they concern', () => {
    expect(errors.map((e) => e.code)).toEqual(['ERR_SESSION_ALREADY_BRIDGED', 'ERR_BRIDGE_MEDIA', 'ERR_CONFERENCE_FULL', 'ERR_CONFERENCE_LOCKED']);
    expect(errors.map((e) => e.name)).toEqual(['SessionAlreadyBridgedError', 'BridgeMediaError', 'ConferenceFullError', 'ConferenceLockedError']);
    expect(errors[0]).toMatchObject({ sessionId: 's1', bridgeId: 'b1' });
    expect(errors[2]).toMatchObject({ roomId: 'r1', capacity: 3 });
    for (const e of errors) expect(e).toBeInstanceOf(SiplineError);
  });

  it('are listed with code and class in docs/errors.md', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const e of errors) {
      expect(doc).toContain(`\`${e.code}\``);
      expect(doc).toContain(`\`${e.name}\``);
      expect(Object.keys(advanced)).toContain(e.name);
    }
  });
});
