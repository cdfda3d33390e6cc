/**
 * The internal way from the public objects to the engine objects they wrap (used by
 * sipline/advanced), and its absence from the package root.
 */
import { describe, expect, it } from 'vitest';
import { engineOf, engineSessionOf } from '../../../src/api/index.js';
import * as root from '../../../src/index.js';
import * as advanced from '../../../src/advanced/index.js';
import { Session, SessionEngine } from '../../../src/session/index.js';
import { localManager } from '../../loopback/api-helpers.js';

describe('engineSessionOf and engineOf', () => {
  it('reach the engine session of a call and the engine of a manager', async () => {
    await using manager = await localManager();
    const engine = engineOf(manager);
    expect(engine).toBeInstanceOf(SessionEngine);
    expect(engine?.port).toBe(manager.port);
    const call = await manager.makeCall(manager.uri('self'));
    const session = engineSessionOf(call);
    expect(session).toBeInstanceOf(Session);
    expect(session?.id).toBe(call.id);
    expect(session?.callId).toBe(call.callId);
    await call.answered();
    await call.hangup();
  });

  it('answer undefined for objects they do not know, and mix nothing up', async () => {
    await using manager = await localManager();
    expect(engineSessionOf({})).toBeUndefined();
    expect(engineOf({})).toBeUndefined();
    expect(engineSessionOf(manager)).toBeUndefined();
  });

  it('are exported by neither public entry point', () => {
    expect(Object.keys(root)).not.toContain('engineSessionOf');
    expect(Object.keys(root)).not.toContain('engineOf');
    expect(Object.keys(advanced)).not.toContain('engineSessionOf');
    expect(Object.keys(advanced)).not.toContain('engineOf');
  });
});
