/**
 * Registration loopback: our managers register to a sipline registrar (createRegistrar on
 * another manager) with digest authentication, over real UDP sockets on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import type { Registration, RegistrationFailure, SessionManagerConfig } from '../../src/index.js';
import { createB2bua, createRegistrar, UserNotRegisteredError } from '../../src/advanced/index.js';
import type { Registrar, RegistrarOptions } from '../../src/advanced/index.js';
import { engineOf } from '../../src/api/index.js';
import { UacAuthenticator, authFailureOf } from '../../src/dialog/index.js';
import { freePort } from '../helpers/ports.js';
import { localManager, waitFor } from './api-helpers.js';

const USERS: Record<string, string> = { alice: 'wonderland', bob: 'builder' };
const DOMAIN = 'example.test';
/** Short SIP timers so a registrar that is gone times out in about a second (64*T1). */
const FAST: SessionManagerConfig = { timers: { T1: 20, T2: 200, T4: 500 } };

const open: SessionManager[] = [];
async function manager(config: SessionManagerConfig = {}): Promise<SessionManager> {
  const m = await localManager({ ...FAST, ...config });
  open.push(m);
  return m;
}

async function registrarOn(
  port: number, options: Partial<RegistrarOptions> = {}, transports: ('UDP' | 'TCP')[] = ['UDP'],
): Promise<{ manager: SessionManager; registrar: Registrar }> {
  const m = await manager({ sip: { port, transports } });
  const registrar = createRegistrar(m, {
    domain: DOMAIN,
    authenticate: { lookup: (user) => USERS[user] },
    minExpires: 1,
    ...options,
  });
  return { manager: m, registrar };
}

function nextEvent<T>(reg: Registration, event: 'registered' | 'failed'): Promise<T> {
  return new Promise((resolve) => reg.once(event, resolve as never));
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

describe('registration to a sipline registrar with digest authentication', () => {
  it('registers, refreshes before expiry, and a call to the AOR reaches the registered phone', async () => {
    const port = await freePort();
    const { manager: pbx, registrar } = await registrarOn(port);
    const phone = await manager();
    const calledAs: string[] = [];
    phone.setCallHandler({ onIncomingCall: (call) => { calledAs.push(call.callee.uri); return call.answer(); } });
    const reg = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: USERS.alice!, expires: 2 });
    const first = await nextEvent<{ expires: number; contacts: string[] }>(reg, 'registered');
    expect(first.expires).toBe(2);
    expect(first.contacts.join()).toContain(`127.0.0.1:${phone.port}`);
    const bindings = await registrar.lookup(`sip:alice@${DOMAIN}`);
    expect(bindings.map((b) => b.contact)).toEqual([reg.contact]);
    // The refresh comes at 50-90% of the 2 s granted.
    const t0 = Date.now();
    await nextEvent(reg, 'registered');
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThan(700);
    expect(elapsed).toBeLessThan(2000);

    const call = await pbx.makeCall(`sip:alice@${DOMAIN}`);
    await call.answered();
    expect(call.state).toBe('connected');
    expect(calledAs).toEqual([`sip:alice@${DOMAIN}`]);
    await call.hangup();
  });

  it('lets a third manager call the AOR through the registrar, with the registrar as outbound proxy', async () => {
    const port = await freePort();
    const { manager: pbx } = await registrarOn(port);
    createB2bua(pbx, { target: (call) => call.callee.uri });
    const phone = await manager();
    const calledAs: string[] = [];
    phone.setCallHandler({ onIncomingCall: (call) => { calledAs.push(call.callee.uri); return call.answer(); } });
    const reg = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: USERS.alice! });
    await nextEvent(reg, 'registered');
    const caller = await manager({ sip: { outboundProxy: `sip:127.0.0.1:${port}` } });
    const invites: string[] = [];
    engineOf(pbx)!.transport.on('message', (m) => {
      if (m.message.isRequest() && m.message.method === 'INVITE') invites.push(m.message.get('Route') ?? '');
    });
    const call = await caller.makeCall(`sip:alice@${DOMAIN}`);
    await call.answered();
    expect(calledAs).toEqual([`sip:alice@${DOMAIN}`]);
    expect(invites[0]).toBe(`<sip:127.0.0.1:${port};lr>`);
    await call.hangup();
    await waitFor(() => phone.sessions().length === 0);
  });

  it('answers 423 Interval Too Brief by registering again with Min-Expires', async () => {
    const port = await freePort();
    await registrarOn(port, { minExpires: 60 });
    const phone = await manager();
    const seen: number[] = [];
    engineOf(phone)!.transport.on('message', (m) => { if (m.message.isResponse()) seen.push(m.message.status); });
    const reg = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:bob@${DOMAIN}`, username: 'bob', password: USERS.bob!, expires: 5 });
    const info = await nextEvent<{ expires: number }>(reg, 'registered');
    expect(info.expires).toBe(60);
    expect(seen).toContain(423);
  });

  it('survives a stale nonce on refresh', async () => {
    const port = await freePort();
    await registrarOn(port, { authenticate: { lookup: (user) => USERS[user], nonceTtlMs: 1000 } });
    const phone = await manager();
    const stale: string[] = [];
    engineOf(phone)!.transport.on('message', (m) => {
      const h = m.message.isResponse() ? m.message.get('WWW-Authenticate') : undefined;
      if (h !== undefined && /stale=true/i.test(h)) stale.push(h);
    });
    const failures: RegistrationFailure[] = [];
    const reg = phone.register({
      registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: USERS.alice!, expires: 2,
      refreshWindow: [0.7, 0.9],
    });
    reg.on('failed', (f) => failures.push(f));
    await nextEvent(reg, 'registered');
    await nextEvent(reg, 'registered'); // the refresh reused the nonce, now older than 1 s
    expect(stale.length).toBeGreaterThanOrEqual(1);
    expect(failures).toEqual([]);
  });

  it('re-registers with back-off after the registrar restarts on the same port', async () => {
    const port = await freePort();
    const first = await registrarOn(port);
    const phone = await manager();
    const reg = phone.register({
      registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: USERS.alice!, expires: 2,
      retry: { initialMs: 200, maxMs: 1000 },
    });
    await nextEvent(reg, 'registered');
    await first.manager.close();
    const failure = await nextEvent<RegistrationFailure>(reg, 'failed');
    expect(failure.status).toBe(408);
    expect(failure.retryInMs).toBeGreaterThan(0);
    expect(reg.state).toBe('retrying');
    const second = await registrarOn(port);
    await nextEvent(reg, 'registered');
    expect((await second.registrar.lookup(`sip:alice@${DOMAIN}`)).map((b) => b.contact)).toEqual([reg.contact]);
  }, 15_000);

  it('survives the loss of its TCP connection: the registrar goes away, comes back, and the refresh opens a new connection', async () => {
    const port = await freePort();
    const first = await registrarOn(port, {}, ['UDP', 'TCP']);
    const phone = await manager();
    const reg = phone.register({
      registrar: `sip:127.0.0.1:${port};transport=tcp`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: USERS.alice!, expires: 2,
      retry: { initialMs: 200, maxMs: 1000 },
    });
    await nextEvent(reg, 'registered');
    await first.manager.close(); // closes the TCP connection under the registration
    const failure = await nextEvent<RegistrationFailure>(reg, 'failed');
    expect([408, 503]).toContain(failure.status);
    const second = await registrarOn(port, {}, ['UDP', 'TCP']);
    await nextEvent(reg, 'registered');
    expect((await second.registrar.lookup(`sip:alice@${DOMAIN}`)).map((b) => b.contact)).toEqual([reg.contact]);
    // And the AOR is reachable again, over the new connection.
    await waitFor(() => reg.state === 'registered', 3000);
  }, 15_000);

  it('unregister removes the binding and the AOR is no longer reachable', async () => {
    const port = await freePort();
    const { manager: pbx, registrar } = await registrarOn(port);
    const phone = await manager();
    const reg = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: USERS.alice! });
    await nextEvent(reg, 'registered');
    expect(await registrar.lookup(`sip:alice@${DOMAIN}`)).toHaveLength(1);
    const unregistered = new Promise((resolve) => reg.once('unregistered', resolve));
    expect(await reg.unregister()).toBe(200);
    await unregistered;
    expect(reg.state).toBe('unregistered');
    expect(await registrar.lookup(`sip:alice@${DOMAIN}`)).toEqual([]);
    await expect(pbx.makeCall(`sip:alice@${DOMAIN}`)).rejects.toBeInstanceOf(UserNotRegisteredError);
  });

  it('keeps several registrations of one manager apart', async () => {
    const port = await freePort();
    const { registrar } = await registrarOn(port);
    const phone = await manager();
    const a = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: USERS.alice! });
    const b = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:bob@${DOMAIN}`, username: 'bob', password: USERS.bob! });
    await Promise.all([nextEvent(a, 'registered'), nextEvent(b, 'registered')]);
    expect((await registrar.lookup(`sip:alice@${DOMAIN}`))[0]!.contact).toContain('sip:alice@');
    expect((await registrar.lookup(`sip:bob@${DOMAIN}`))[0]!.contact).toContain('sip:bob@');
  });

  it('reports a wrong password as a failed registration with the status', async () => {
    const port = await freePort();
    const { registrar } = await registrarOn(port);
    const phone = await manager();
    const reg = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'alice', password: 'wrong' });
    const failure = await nextEvent<RegistrationFailure>(reg, 'failed');
    expect([401, 403]).toContain(failure.status);
    expect(failure.error?.code).toBe('ERR_AUTHENTICATION_FAILED');
    expect(await registrar.lookup(`sip:alice@${DOMAIN}`)).toEqual([]);
  });

  it('refuses to bind another user\'s address-of-record', async () => {
    const port = await freePort();
    await registrarOn(port);
    const phone = await manager();
    const reg = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'bob', password: USERS.bob! });
    expect((await nextEvent<RegistrationFailure>(reg, 'failed')).status).toBe(403);
  });
});

describe('digest authentication of a registrar under attack', () => {
  async function tryPassword(core: ReturnType<typeof engineOf> & object, port: number, user: string, password: string) {
    const res = await core.core.request('REGISTER', {
      target: `sip:127.0.0.1:${port}`, from: `<sip:${user}@${DOMAIN}>`, to: `<sip:${user}@${DOMAIN}>`,
      headers: { Contact: `<sip:${user}@127.0.0.1:9>`, Expires: '60' },
      auth: new UacAuthenticator([{ username: user, password }]),
    });
    return res;
  }

  it('slows a password brute force down with the per-source rate limit', async () => {
    const port = await freePort();
    await registrarOn(port, { authenticate: { lookup: (user) => USERS[user], rateLimit: { burst: 5, refillPerSecond: 0.2 } } });
    const attacker = engineOf(await manager())!;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await tryPassword(attacker, port, 'alice', `guess-${i}`)).status);
    // A 401 after our credentials means they were really checked; a 503 means refused unchecked.
    const checked = statuses.filter((s) => s === 401).length;
    const limited = statuses.filter((s) => s === 503).length;
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(6);
    expect(limited).toBe(20 - checked);
    // Even the right password is refused unchecked while the source is limited.
    expect((await tryPassword(attacker, port, 'alice', USERS.alice!)).status).toBe(503);
  }, 15_000);

  it('answers an unknown user exactly like a wrong password', async () => {
    const port = await freePort();
    await registrarOn(port, { authenticate: { lookup: (user) => USERS[user], rateLimit: false } });
    const client = engineOf(await manager())!;
    const shape = (res: Awaited<ReturnType<typeof tryPassword>>) => ({
      status: res.status,
      reason: res.reason,
      headers: res.headers.map((h) => h.name.toLowerCase()).sort(),
      challenge: (res.get('WWW-Authenticate') ?? '').replace(/nonce="[^"]*"/, 'nonce=N'),
      failure: authFailureOf(res)?.reason,
    });
    const wrongPassword = shape(await tryPassword(client, port, 'alice', 'nope'));
    const unknownUser = shape(await tryPassword(client, port, 'mallory', 'nope'));
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.failure).toBe('rejected');
    expect(unknownUser).toEqual({ ...wrongPassword, headers: unknownUser.headers });
    expect(unknownUser.headers).toEqual(wrongPassword.headers);
  });
});

describe('authenticate and credentials in the manager configuration', () => {
  it('challenges an INVITE with 401, and a caller with credentials for the realm gets through', async () => {
    const callee = await manager({ authenticate: { realm: 'calls.test', lookup: (user) => USERS[user] } });
    const caller = await manager({ credentials: [{ realm: 'calls.test', username: 'bob', password: USERS.bob! }] });
    const statuses: number[] = [];
    engineOf(caller)!.transport.on('message', (m) => { if (m.message.isResponse()) statuses.push(m.message.status); });
    const call = await caller.makeCall(callee.uri('callee'));
    await call.answered();
    expect(statuses).toContain(401);
    await call.hangup();
    expect(call.state).toBe('terminated');
  });

  it('uses the credentials given to makeCall for that call only', async () => {
    const callee = await manager({ authenticate: { realm: 'calls.test', lookup: (user) => USERS[user] } });
    const caller = await manager();
    const call = await caller.makeCall(callee.uri('callee'), { credentials: [{ realm: 'calls.test', username: 'alice', password: USERS.alice! }] });
    await call.answered();
    await call.hangup();
    const other = await caller.makeCall(callee.uri('callee'));
    await expect(other.answered()).rejects.toMatchObject({ status: 401 });
  });

  it('never answers a realm it has no credentials for: the call fails with the 401', async () => {
    const callee = await manager({ authenticate: { realm: 'calls.test', lookup: (user) => USERS[user] } });
    const caller = await manager({ credentials: [{ realm: 'elsewhere.test', username: 'bob', password: USERS.bob! }] });
    const sentAuth: string[] = [];
    engineOf(callee)!.transport.on('message', (m) => {
      const a = m.message.isRequest() ? m.message.get('Authorization') : undefined;
      if (a !== undefined) sentAuth.push(a);
    });
    const call = await caller.makeCall(callee.uri('callee'));
    await expect(call.answered()).rejects.toMatchObject({ status: 401 });
    expect(sentAuth).toEqual([]);
  });

  it('challenges with 407 when configured as a proxy, and the caller answers with Proxy-Authorization', async () => {
    const callee = await manager({ authenticate: { realm: 'proxy.test', proxy: true, lookup: (user) => USERS[user] } });
    const caller = await manager({ credentials: [{ username: 'alice', password: USERS.alice! }] });
    const proxyAuth: string[] = [];
    engineOf(callee)!.transport.on('message', (m) => {
      const a = m.message.isRequest() ? m.message.get('Proxy-Authorization') : undefined;
      if (a !== undefined) proxyAuth.push(a);
    });
    const call = await caller.makeCall(callee.uri('callee'));
    await call.answered();
    expect(proxyAuth.length).toBeGreaterThanOrEqual(1);
    expect(proxyAuth[0]).toContain('realm="proxy.test"');
    await call.hangup();
  });
});

describe('a registrar relying on the manager\'s own authenticate configuration', () => {
  it('lets a user bind only its own address-of-record', async () => {
    const port = await freePort();
    const pbx = await manager({ sip: { port, transports: ['UDP'] }, authenticate: { realm: DOMAIN, lookup: (user) => USERS[user] } });
    const registrar = createRegistrar(pbx, { domain: DOMAIN, minExpires: 1 });
    const phone = await manager();
    const own = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:bob@${DOMAIN}`, username: 'bob', password: USERS.bob! });
    await nextEvent(own, 'registered');
    const other = phone.register({ registrar: `sip:127.0.0.1:${port}`, aor: `sip:alice@${DOMAIN}`, username: 'bob', password: USERS.bob! });
    expect((await nextEvent<RegistrationFailure>(other, 'failed')).status).toBe(403);
    expect(await registrar.lookup(`sip:bob@${DOMAIN}`)).toHaveLength(1);
    expect(await registrar.lookup(`sip:alice@${DOMAIN}`)).toEqual([]);
  });
});
