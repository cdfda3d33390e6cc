/**
 * The manager's own limits go through the resource tracker of sipline/advanced (issue 7): each
 * live call holds one `sessions` unit, refusals are `limit-exceeded` events, and changing the
 * limit at run time changes what the manager admits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import { ResourceLimitError, managerResources } from '../../src/advanced/index.js';
import { localManager, waitFor } from './api-helpers.js';

let managers: SessionManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.close()));
  managers = [];
});

async function start(maxSessions: number): Promise<SessionManager> {
  const m = await localManager({ limits: { maxSessions } });
  managers.push(m);
  return m;
}

describe("the manager's limits through its resource tracker", () => {
  it('counts live calls as sessions units, reports refusals, and follows a new limit', async () => {
    const server = await start(2);
    const client = await start(10);
    server.setCallHandler({ onIncomingCall: (call) => call.answer() });
    const resources = managerResources(server);
    expect(resources.snapshot().sessions).toMatchObject({ used: 0, limit: 2 });
    const refusals: ResourceLimitError[] = [];
    resources.on('limit-exceeded', (err) => refusals.push(err));

    const a = await client.makeCall(server.uri('bob'));
    const b = await client.makeCall(server.uri('bob'));
    await Promise.all([a.answered(), b.answered()]);
    expect(resources.used('sessions')).toBe(2);

    const c = await client.makeCall(server.uri('bob'));
    await expect(c.answered()).rejects.toMatchObject({ status: 486 });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toBeInstanceOf(ResourceLimitError);
    expect(refusals[0]).toMatchObject({ kind: 'sessions', limit: 2, used: 2 });

    // Raise the limit at run time: the next call is admitted.
    resources.setLimit('sessions', { global: 3 });
    const d = await client.makeCall(server.uri('bob'));
    await d.answered();
    expect(resources.used('sessions')).toBe(3);

    await Promise.all([a.hangup(), b.hangup(), d.hangup()]);
    await waitFor(() => resources.used('sessions') === 0, 3000);
    expect(server.counters.failed.overloaded).toBe(1);
  });

  it('refuses an outgoing call past the limit with overloaded, the tracker error as its cause', async () => {
    const server = await start(10);
    const client = await start(1);
    server.setCallHandler({ onIncomingCall: (call) => call.answer() });
    const first = await client.makeCall(server.uri('bob'));
    await first.answered();
    const err = await client.makeCall(server.uri('bob')).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'ERR_CALL_FAILED', reason: 'overloaded' });
    expect((err as Error).cause).toBeInstanceOf(ResourceLimitError);
    await first.hangup();
  });
});
