import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuthCredentialsError,
  AuthRejectedError,
  DigestClient,
  DigestParseError,
  DigestServer,
  computeDigestResponse,
  parseDigestChallenge,
  parseDigestCredentials,
  serializeDigestChallenge,
  type DigestRefusal,
  type DigestServerOptions,
} from '../../../src/sip/index.js';
import { SiplineError } from '../../../src/util/index.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** RFC 7616 §3.9.1: the worked example. */
const RFC7616 = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  nc: 1,
} as const;

describe('computeDigestResponse', () => {
  it('reproduces the RFC 7616 §3.9.1 MD5 example', () => {
    expect(computeDigestResponse({ ...RFC7616, algorithm: 'MD5', qop: 'auth' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('reproduces the RFC 7616 §3.9.1 SHA-256 example', () => {
    expect(computeDigestResponse({ ...RFC7616, algorithm: 'SHA-256', qop: 'auth' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('reproduces the RFC 2617 §3.5 example with qop=auth', () => {
    const response = computeDigestResponse({
      algorithm: 'MD5',
      qop: 'auth',
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      cnonce: '0a4f113b',
      nc: '00000001',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('computes the RFC 2069 form without qop as H(HA1:nonce:HA2)', () => {
    const response = computeDigestResponse({
      algorithm: 'MD5',
      qop: undefined,
      username: 'alice',
      realm: 'atlanta.com',
      password: 'pw',
      method: 'REGISTER',
      uri: 'sip:atlanta.com',
      nonce: 'abc',
    });
    const expected = md5(`${md5('alice:atlanta.com:pw')}:abc:${md5('REGISTER:sip:atlanta.com')}`);
    expect(response).toBe(expected);
  });

  it('hashes the body into A2 for auth-int, so a changed body changes the response', () => {
    const base = {
      algorithm: 'MD5' as const,
      qop: 'auth-int' as const,
      username: 'bob',
      realm: 'biloxi.com',
      password: 'zanzibar',
      method: 'INVITE',
      uri: 'sip:bob@biloxi.com',
      nonce: 'n1',
      cnonce: 'c1',
      nc: 1,
    };
    const body = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
    const ha1 = md5('bob:biloxi.com:zanzibar');
    const ha2 = md5(`INVITE:sip:bob@biloxi.com:${md5(body)}`);
    expect(computeDigestResponse({ ...base, body })).toBe(md5(`${ha1}:n1:00000001:c1:auth-int:${ha2}`));
    expect(computeDigestResponse({ ...base, body: `${body} ` })).not.toBe(computeDigestResponse({ ...base, body }));
  });

  it('folds nonce and cnonce into HA1 for MD5-sess', () => {
    const ha1 = md5(`${md5('a:r:p')}:n:c`);
    const expected = md5(`${ha1}:n:00000002:c:auth:${md5('BYE:sip:x@y')}`);
    expect(
      computeDigestResponse({ algorithm: 'MD5-sess', qop: 'auth', username: 'a', realm: 'r', password: 'p', method: 'BYE', uri: 'sip:x@y', nonce: 'n', cnonce: 'c', nc: 2 }),
    ).toBe(expected);
  });
});

describe('Digest challenge and credentials values', () => {
  it('parses an RFC 7616 challenge with two qop values and an opaque', () => {
    const ch = parseDigestChallenge(
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`,
    );
    expect(ch).toMatchObject({ realm: RFC7616.realm, algorithm: 'SHA-256', qop: ['auth', 'auth-int'], opaque: RFC7616.opaque, stale: false });
  });

  it('treats a missing algorithm as MD5 and reads stale case-insensitively', () => {
    expect(parseDigestChallenge('Digest realm="r", nonce="n", stale=TRUE')).toMatchObject({ algorithm: 'MD5', stale: true, qop: [] });
  });

  it('refuses Basic, unknown algorithms and challenges without a nonce with typed reasons', () => {
    const reason = (v: string): string => {
      try {
        parseDigestChallenge(v);
      } catch (err) {
        expect(err).toBeInstanceOf(DigestParseError);
        expect(err).toBeInstanceOf(SiplineError);
        expect((err as DigestParseError).code).toBe('ERR_AUTH_PARSE');
        return (err as DigestParseError).reason;
      }
      return 'accepted';
    };
    expect(reason('Basic realm="r"')).toBe('not-digest');
    expect(reason('Digest realm="r", nonce="n", algorithm=SHA-512-256')).toBe('unsupported-algorithm');
    expect(reason('Digest realm="r"')).toBe('missing-param');
    expect(reason('Digest realm="r, nonce="n"')).toBe('malformed');
  });

  it('writes a challenge that parses back to the same values', () => {
    const ch = { realm: 'pbx', nonce: 'abc', algorithm: 'SHA-256' as const, qop: ['auth' as const], stale: true, userhash: false };
    expect(parseDigestChallenge(serializeDigestChallenge(ch))).toMatchObject(ch);
  });

  it('builds the RFC 7616 SHA-256 Authorization value with quoted strings and bare tokens', () => {
    const client = new DigestClient({
      credentials: [{ realm: RFC7616.realm, username: RFC7616.username, password: RFC7616.password }],
      cnonce: () => RFC7616.cnonce,
    });
    const ch = parseDigestChallenge(
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`,
    );
    const answer = client.authorize(ch, { method: 'GET', uri: RFC7616.uri });
    expect(answer.header).toBe('Authorization');
    expect(answer.value).toContain('username="Mufasa"');
    expect(answer.value).toContain('uri="/dir/index.html"');
    expect(answer.value).toContain('qop=auth,');
    expect(answer.value).toContain('nc=00000001');
    expect(answer.value).toContain('algorithm=SHA-256');
    expect(answer.value).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
    expect(answer.value).toContain(`opaque="${RFC7616.opaque}"`);
    const back = parseDigestCredentials(answer.value);
    expect(back).toMatchObject({ username: 'Mufasa', realm: RFC7616.realm, nc: '00000001', qop: 'auth', cnonce: RFC7616.cnonce });
  });

  it('refuses credentials values holding CR or LF', () => {
    expect(() => new DigestClient({ credentials: [{ realm: 'r', username: 'a\r\nVia: x', password: 'p' }] })).toThrow(SiplineError);
  });
});

describe('DigestClient', () => {
  const challenge = 'Digest realm="pbx", nonce="n-1", qop="auth", algorithm=MD5';
  const request = { method: 'REGISTER', uri: 'sip:pbx.example' };

  it('increments the nonce-count for each use of the same nonce and restarts at 1 for a new nonce', () => {
    const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
    const ch = parseDigestChallenge(challenge);
    expect([1, 2, 3].map(() => client.authorize(ch, request).nc)).toEqual([1, 2, 3]);
    expect(parseDigestCredentials(client.authorize(ch, request).value).nc).toBe('00000004');
    expect(client.authorize({ ...ch, nonce: 'n-2' }, request).nc).toBe(1);
  });

  it('draws a different cnonce for every answer', () => {
    const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
    const ch = parseDigestChallenge(challenge);
    const a = parseDigestCredentials(client.authorize(ch, request).value).cnonce;
    const b = parseDigestCredentials(client.authorize(ch, request).value).cnonce;
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('never offers credentials to a realm they were not configured for', () => {
    const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
    const attempt = client.attempt();
    const err = (() => {
      try {
        attempt.respond(401, ['Digest realm="evil", nonce="x", qop="auth"'], request);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AuthCredentialsError);
    expect((err as AuthCredentialsError).code).toBe('ERR_AUTH_NO_CREDENTIALS');
    expect((err as AuthCredentialsError).realms).toEqual(['evil']);
  });

  it('answers a 407 with Proxy-Authorization and picks SHA-256 over MD5 for the same realm', () => {
    const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
    const answers = client.attempt().respond(
      407,
      ['Digest realm="pbx", nonce="n", qop="auth", algorithm=MD5', 'Digest realm="pbx", nonce="n", qop="auth", algorithm=SHA-256'],
      request,
    );
    expect(answers).toHaveLength(1);
    expect(answers[0]!.header).toBe('Proxy-Authorization');
    expect(parseDigestCredentials(answers[0]!.value).algorithm).toBe('SHA-256');
  });

  it('retries once on stale=true and then gives up, and gives up at once on a non-stale repeat', () => {
    const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
    const attempt = client.attempt();
    expect(attempt.respond(401, [challenge], request)).toHaveLength(1);
    expect(attempt.respond(401, ['Digest realm="pbx", nonce="n-2", qop="auth", stale=true'], request)).toHaveLength(1);
    expect(() => attempt.respond(401, ['Digest realm="pbx", nonce="n-3", qop="auth", stale=true'], request)).toThrow(AuthRejectedError);

    const second = client.attempt();
    second.respond(401, [challenge], request);
    expect(() => second.respond(401, ['Digest realm="pbx", nonce="n-4", qop="auth"'], request)).toThrow(AuthRejectedError);
  });

  it('answers the realm it knows when a 407 challenges two realms', () => {
    const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
    const answers = client.attempt().respond(407, ['Digest realm="carrier", nonce="c", qop="auth"', challenge], request);
    expect(answers.map((a) => a.realm)).toEqual(['pbx']);
    expect(answers[0]!.value).not.toContain('carrier');
  });

  it('sends credentials up front for the next request with the next nonce-count', () => {
    const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 'pw' }] });
    expect(client.preemptive(request)).toEqual([]);
    client.attempt().respond(401, [challenge], request);
    const [next] = client.preemptive(request);
    expect(next!.nc).toBe(2);
  });
});

describe('DigestServer', () => {
  const users = new Map([['alice', 'wonderland']]);
  let clock = 1_800_000_000_000;
  const now = (): number => clock;

  function server(extra: Partial<DigestServerOptions> = {}): DigestServer {
    return new DigestServer({ realm: 'pbx.test', lookup: (u) => (users.has(u) ? { password: users.get(u)! } : undefined), now, ...extra });
  }

  function answer(challenges: readonly string[], username: string, password: string, nc = 1, uri = 'sip:pbx.test'): string {
    const ch = parseDigestChallenge(challenges[0]!);
    return computeAuth(ch.nonce, ch.algorithm as 'MD5' | 'SHA-256', username, password, nc, uri);
  }

  function computeAuth(nonce: string, algorithm: 'MD5' | 'SHA-256', username: string, password: string, nc: number, uri: string): string {
    const response = computeDigestResponse({ algorithm, qop: 'auth', username, realm: 'pbx.test', password, method: 'REGISTER', uri, nonce, cnonce: 'cn', nc });
    const ncHex = nc.toString(16).padStart(8, '0');
    return `Digest username="${username}", realm="pbx.test", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, cnonce="cn", qop=auth, nc=${ncHex}`;
  }

  const req = (authorization?: string) => ({ method: 'REGISTER', uri: 'sip:pbx.test', source: '192.0.2.9', ...(authorization ? { authorization } : {}) });

  it('challenges a request without credentials with SHA-256 first, then MD5, sharing one nonce', async () => {
    const v = await server().verify(req());
    expect(v.ok).toBe(false);
    const r = v as DigestRefusal;
    expect(r).toMatchObject({ reason: 'missing', status: 401, header: 'WWW-Authenticate' });
    const parsed = r.challenges.map((c) => parseDigestChallenge(c));
    expect(parsed.map((c) => c.algorithm)).toEqual(['SHA-256', 'MD5']);
    expect(parsed[0]!.nonce).toBe(parsed[1]!.nonce);
    expect(parsed[0]!.qop).toEqual(['auth']);
  });

  it('accepts a correct response computed by the DigestClient', async () => {
    const s = server();
    const first = (await s.verify(req())) as DigestRefusal;
    const client = new DigestClient({ credentials: [{ realm: 'pbx.test', username: 'alice', password: 'wonderland' }] });
    const [a] = client.attempt().respond(401, first.challenges, { method: 'REGISTER', uri: 'sip:pbx.test' });
    expect(await s.verify(req(a!.value))).toEqual({ ok: true, username: 'alice', realm: 'pbx.test', algorithm: 'SHA-256' });
  });

  it('accepts a lookup that returns HA1 instead of the password', async () => {
    const s = new DigestServer({ realm: 'pbx.test', now, lookup: (u, r, alg) => ({ ha1: createHash(alg === 'MD5' ? 'md5' : 'sha256').update(`${u}:${r}:wonderland`).digest('hex') }) });
    const first = (await s.verify(req())) as DigestRefusal;
    expect((await s.verify(req(answer(first.challenges, 'alice', 'wonderland')))).ok).toBe(true);
  });

  it('refuses a wrong password with a fresh, non-stale challenge', async () => {
    const s = server();
    const first = (await s.verify(req())) as DigestRefusal;
    const v = (await s.verify(req(answer(first.challenges, 'alice', 'guess')))) as DigestRefusal;
    expect(v).toMatchObject({ ok: false, reason: 'invalid', status: 401 });
    expect(parseDigestChallenge(v.challenges[0]!).stale).toBe(false);
  });

  it('refuses a replayed nonce-count and a lower one, but accepts the next count', async () => {
    const s = server();
    const first = (await s.verify(req())) as DigestRefusal;
    const nonce = parseDigestChallenge(first.challenges[0]!).nonce;
    expect((await s.verify(req(computeAuth(nonce, 'SHA-256', 'alice', 'wonderland', 2, 'sip:pbx.test')))).ok).toBe(true);
    expect(await s.verify(req(computeAuth(nonce, 'SHA-256', 'alice', 'wonderland', 2, 'sip:pbx.test')))).toMatchObject({ ok: false, reason: 'replayed' });
    expect(await s.verify(req(computeAuth(nonce, 'SHA-256', 'alice', 'wonderland', 1, 'sip:pbx.test')))).toMatchObject({ ok: false, reason: 'replayed' });
    expect((await s.verify(req(computeAuth(nonce, 'SHA-256', 'alice', 'wonderland', 3, 'sip:pbx.test')))).ok).toBe(true);
  });

  it('answers stale=true to a correct response with an expired nonce, and the retry succeeds', async () => {
    const s = server({ nonceTtlMs: 60_000 });
    const first = (await s.verify(req())) as DigestRefusal;
    clock += 61_000;
    const v = (await s.verify(req(answer(first.challenges, 'alice', 'wonderland')))) as DigestRefusal;
    expect(v).toMatchObject({ ok: false, reason: 'stale', status: 401 });
    expect(parseDigestChallenge(v.challenges[0]!).stale).toBe(true);
    expect((await s.verify(req(answer(v.challenges, 'alice', 'wonderland')))).ok).toBe(true);
    // A wrong password with an expired nonce is not told that the nonce was the only problem.
    clock += 61_000;
    expect(await s.verify(req(answer(v.challenges, 'alice', 'nope')))).toMatchObject({ reason: 'invalid' });
  });

  it('refuses a nonce it did not issue (forged or from another secret)', async () => {
    const s = server();
    const other = server();
    const foreign = (await other.verify(req())) as DigestRefusal;
    expect(await s.verify(req(answer(foreign.challenges, 'alice', 'wonderland')))).toMatchObject({ reason: 'invalid' });
    expect(await s.verify(req(computeAuth('made-up', 'MD5', 'alice', 'wonderland', 1, 'sip:pbx.test')))).toMatchObject({ reason: 'invalid' });
  });

  it('keeps nonces valid across a restart when the secret is kept', async () => {
    const secret = Buffer.alloc(32, 7);
    const before = (await server({ secret }).verify(req())) as DigestRefusal;
    expect((await server({ secret }).verify(req(answer(before.challenges, 'alice', 'wonderland')))).ok).toBe(true);
  });

  it('answers an unknown user exactly like a wrong password (same status, same header shape)', async () => {
    const s = server({ rateLimit: false });
    const first = (await s.verify(req())) as DigestRefusal;
    const wrong = (await s.verify(req(answer(first.challenges, 'alice', 'guess')))) as DigestRefusal;
    const unknown = (await s.verify(req(answer(first.challenges, 'mallory', 'guess')))) as DigestRefusal;
    const shape = (r: DigestRefusal) => ({
      ok: r.ok,
      reason: r.reason,
      status: r.status,
      header: r.header,
      keys: Object.keys(r).sort(),
      challenges: r.challenges.map((c) => c.replace(/nonce="[^"]*"/, 'nonce="*"')),
    });
    expect(shape(unknown)).toEqual(shape(wrong));
  });

  it('refuses credentials for a different Request-URI', async () => {
    const s = server();
    const first = (await s.verify(req())) as DigestRefusal;
    expect(await s.verify(req(answer(first.challenges, 'alice', 'wonderland', 1, 'sip:other.test')))).toMatchObject({ reason: 'invalid' });
  });

  it('slows a brute force down to the token-bucket rate and lets the right password in after the wait', async () => {
    const s = server({ rateLimit: { burst: 5, refillPerSecond: 0.1 } });
    let checked = 0;
    let limited: DigestRefusal | undefined;
    for (let i = 0; i < 120; i++) {
      clock += 500; // two guesses a second for one minute
      const first = (await s.verify(req())) as DigestRefusal;
      const v = (await s.verify(req(answer(first.challenges, 'alice', `guess-${i}`)))) as DigestRefusal;
      if (v.reason === 'rate-limited') limited = v;
      else checked++;
    }
    // 5 at once, then one per 10 s over 60 s.
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(5 + 6 + 1);
    expect(limited).toMatchObject({ status: 503, challenges: [] });
    expect(limited!.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited!.retryAfterSeconds).toBeLessThanOrEqual(10);

    const unlimited = server({ rateLimit: false });
    let unlimitedChecked = 0;
    for (let i = 0; i < 120; i++) {
      const first = (await unlimited.verify(req())) as DigestRefusal;
      if ((await unlimited.verify(req(answer(first.challenges, 'alice', `guess-${i}`)))).ok === false) unlimitedChecked++;
    }
    expect(unlimitedChecked).toBe(120);

    // Another source is not affected; the attacker's source recovers after Retry-After.
    const fresh = (await s.verify(req())) as DigestRefusal;
    const otherSource = await s.verify({ ...req(answer(fresh.challenges, 'alice', 'wonderland')), source: '198.51.100.1' });
    expect(otherSource.ok).toBe(true);
    clock += limited!.retryAfterSeconds! * 1000;
    const first = (await s.verify(req())) as DigestRefusal;
    expect((await s.verify(req(answer(first.challenges, 'alice', 'wonderland')))).ok).toBe(true);
  });

  it('verifies auth-int end to end and refuses the same credentials on a changed body', async () => {
    const s = server({ qop: ['auth-int', 'auth'], algorithms: ['SHA-256-sess'] });
    const first = (await s.verify(req())) as DigestRefusal;
    const client = new DigestClient({ credentials: [{ realm: 'pbx.test', username: 'alice', password: 'wonderland' }], preferAuthInt: true });
    const body = 'v=0\r\n';
    const [a] = client.attempt().respond(401, first.challenges, { method: 'REGISTER', uri: 'sip:pbx.test', body });
    expect(parseDigestCredentials(a!.value)).toMatchObject({ qop: 'auth-int', algorithm: 'SHA-256-sess' });
    expect(await s.verify({ ...req(a!.value), body: 'v=1\r\n' })).toMatchObject({ reason: 'invalid' });
    const [b] = client.preemptive({ method: 'REGISTER', uri: 'sip:pbx.test', body });
    expect((await s.verify({ ...req(b!.value), body })).ok).toBe(true);
  });

  it('refuses credentials without qop (the RFC 2069 form) and malformed credentials as invalid', async () => {
    const s = server();
    const first = (await s.verify(req())) as DigestRefusal;
    const nonce = parseDigestChallenge(first.challenges[0]!).nonce;
    const response = computeDigestResponse({ algorithm: 'SHA-256', qop: undefined, username: 'alice', realm: 'pbx.test', password: 'wonderland', method: 'REGISTER', uri: 'sip:pbx.test', nonce });
    const noQop = `Digest username="alice", realm="pbx.test", nonce="${nonce}", uri="sip:pbx.test", response="${response}", algorithm=SHA-256`;
    expect(await s.verify(req(noQop))).toMatchObject({ reason: 'invalid' });
    expect(await s.verify(req('Digest username="alice", realm="pbx.test"'))).toMatchObject({ reason: 'invalid', status: 401 });
    expect(await s.verify(req('Basic YWxpY2U6d29uZGVybGFuZA=='))).toMatchObject({ reason: 'invalid' });
  });

  it('picks the Authorization value of its own realm among several', async () => {
    const s = server();
    const first = (await s.verify(req())) as DigestRefusal;
    const other = 'Digest username="x", realm="elsewhere", nonce="n", uri="sip:pbx.test", response="00", algorithm=MD5';
    const v = await s.verify({ ...req(), authorization: [other, answer(first.challenges, 'alice', 'wonderland')] });
    expect(v.ok).toBe(true);
    expect(await s.verify({ ...req(), authorization: [other] })).toMatchObject({ reason: 'missing' });
  });

  it('challenges with 407 and Proxy-Authenticate when configured as a proxy', async () => {
    const v = (await server({ proxy: true }).verify(req())) as DigestRefusal;
    expect(v).toMatchObject({ status: 407, header: 'Proxy-Authenticate' });
  });
});

describe('digest errors', () => {
  it('are SiplineErrors whose codes and classes are listed in docs/errors.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const err of [new DigestParseError('malformed', 'x'), new AuthCredentialsError(['r']), new AuthRejectedError('r')]) {
      expect(err).toBeInstanceOf(SiplineError);
      expect(err.name).toBe(err.constructor.name);
      expect(doc).toContain(`\`${err.code}\``);
      expect(doc).toContain(`\`${err.name}\``);
    }
  });
});
