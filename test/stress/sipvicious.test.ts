/**
 * sipvicious (issue 9, bad input): the classic SIP scanners against a manager of ours on
 * 127.0.0.1 that challenges requests with digest authentication (RFC 3261 §22.1).
 * - `svmap` finds the server and nothing crashes;
 * - `svwar` (REGISTER, INVITE, OPTIONS) cannot tell the existing users from the missing ones;
 * - `svcrack` guesses passwords: without the rate limit every guess is checked, with it the
 *   guesses past the burst get 503 without a check, so it is slowed to a few real checks.
 * After each tool, a normal call from another manager still succeeds. Each tool runs with a
 * private HOME (its session database) and is killed after a bound. Gated like the interop tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { AuthRateLimit, SessionManager } from '../../src/index.js';
import { createRegistrar } from '../../src/advanced/index.js';
import { engineOf } from '../../src/api/index.js';
import { SipRequest } from '../../src/sip/index.js';
import { sipviciousGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { localManager } from '../loopback/api-helpers.js';

/** The users that exist on the server, with their passwords. */
const USERS: Readonly<Record<string, string>> = { 1001: '137', 1004: 'x-not-numeric', 1007: '4242' };
const REALM = 'hostile.test';

const home = mkdtempSync(join(tmpdir(), 'sipline-sipvicious-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

let managers: SessionManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.close()));
  managers = [];
});

/** What a tool run left behind. */
interface ToolRun {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
  readonly killed: boolean;
}

/** Run a sipvicious command with a private HOME, killing it (by its pid) after `timeoutMs`. */
function tool(command: string, args: readonly string[], timeoutMs: number): Promise<ToolRun> {
  const started = performance.now();
  const child = spawn(command, args, { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  let killed = false;
  const killer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output, seconds: (performance.now() - started) / 1000, killed });
    });
  });
}

/** What the server saw: digest checks (lookups) per user, requests carrying credentials. */
interface Server {
  readonly manager: SessionManager;
  readonly port: number;
  readonly lookups: Map<string, number>;
  /** Requests that arrived with an Authorization header (the guesses). */
  readonly guesses: { count: number };
}

async function server(rateLimit: AuthRateLimit | false): Promise<Server> {
  const port = await freePort();
  const lookups = new Map<string, number>();
  const manager = await localManager({
    sip: { port, transports: ['UDP'] },
    // sipvicious computes MD5 digests only.
    authenticate: {
      realm: REALM, algorithms: ['MD5'], rateLimit,
      lookup: (user) => { lookups.set(user, (lookups.get(user) ?? 0) + 1); return USERS[user]; },
    },
  });
  managers.push(manager);
  // A registrar for the domain 127.0.0.1 relying on the manager's own `authenticate`: a
  // REGISTER with the right password gets 200, as on a PBX.
  createRegistrar(manager, { domain: '127.0.0.1' });
  const guesses = { count: 0 };
  engineOf(manager)!.transport.on('message', ({ message }) => {
    if (message instanceof SipRequest && message.get('authorization') !== undefined) guesses.count++;
  });
  return { manager, port, lookups, guesses };
}

/** A normal call from another manager of ours (with credentials) is answered and hung up. */
async function stillServes(target: Server): Promise<void> {
  const caller = await localManager({ credentials: [{ realm: REALM, username: '1007', password: USERS['1007']! }] });
  managers.push(caller);
  const call = await caller.makeCall(`sip:1001@127.0.0.1:${target.port}`);
  await call.answered();
  expect(call.state).toBe('connected');
  await call.hangup();
}

/** Destination port, and 127.0.0.1 for binding and for the address written into the messages. */
async function common(s: Server): Promise<string[]> {
  return ['-p', String(s.port), '-P', String(await freePort()), '-b', '127.0.0.1', '-x', '127.0.0.1'];
}

/** A run ended by itself, without a Python traceback. */
function expectNoCrash(run: ToolRun): void {
  expect(run.killed, run.output).toBe(false);
  expect(run.code, run.output).toBe(0);
  expect(run.output).not.toMatch(/Traceback/);
}

/** The extensions listed in svwar's result table (`| 1001 | reqauth |`). */
function listedExtensions(output: string): string[] {
  return [...output.matchAll(/^\|\s*(\d+)\s*\|/gm)].map((m) => m[1]!).sort();
}

/** Checks per second of a run. */
const perSecond = (checks: number, run: ToolRun): number => Math.round((checks / run.seconds) * 10) / 10;

const RANGE = Array.from({ length: 11 }, (_, i) => String(1000 + i));

sipviciousGate().describe('sipvicious against a server with digest authentication', () => {
  it('svmap finds the server and nothing crashes', async () => {
    const s = await server(false);
    const run = await tool('svmap', [...(await common(s)), '127.0.0.1'], 30_000);
    process.stdout.write(`svmap (${run.seconds.toFixed(1)} s, exit ${run.code}):\n${run.output}\n`);
    expectNoCrash(run);
    expect(run.output).toMatch(new RegExp(`127\\.0\\.0\\.1:${s.port}\\s*\\|\\s*sipline`));
    await stillServes(s);
  }, 60_000);

  for (const method of ['REGISTER', 'INVITE', 'OPTIONS']) {
    it(`svwar -m ${method} cannot tell existing users from missing ones`, async () => {
      const s = await server(false);
      // --force: past its own sanity check, which already gives up ("authentication request
      // for an unknown extension") when every user is challenged alike.
      const run = await tool('svwar', [...(await common(s)), '-e', '1000-1010', '-m', method, '--force', '127.0.0.1'], 45_000);
      const listed = listedExtensions(run.output);
      process.stdout.write(`SVWAR ${method} (${run.seconds.toFixed(1)} s, exit ${run.code}) listed ${JSON.stringify(listed)}:\n${run.output}\n`);
      expectNoCrash(run);
      // Whatever it reports, it reports for every extension alike: none, or all of them.
      expect(listed.length === 0 || listed.join() === RANGE.join(), `svwar listed ${listed.join()}`).toBe(true);
      expect(listed.join()).not.toBe(Object.keys(USERS).sort().join());
      await stillServes(s);
    }, 90_000);
  }

  it('svcrack finds a weak password without the rate limit and is slowed to a few checks with it', async () => {
    const open = await server(false);
    const a = await tool('svcrack', [...(await common(open)), '-u', '1001', '-r', '1-200', '-v', '127.0.0.1'], 60_000);
    const aChecks = open.lookups.get('1001') ?? 0;
    const limited = await server({ burst: 5, refillPerSecond: 0.2 });
    const b = await tool('svcrack', [...(await common(limited)), '-u', '1001', '-r', '1-200', '-v', '127.0.0.1'], 60_000);
    const bChecks = limited.lookups.get('1001') ?? 0;
    // The attacker goes on where it stopped: the bucket of its address is still nearly empty.
    const bGuesses = limited.guesses.count;
    const c = await tool('svcrack', [...(await common(limited)), '-u', '1001', '-r', '6-200', '-v', '127.0.0.1'], 60_000);
    const cChecks = (limited.lookups.get('1001') ?? 0) - bChecks;
    const figures = {
      open: { seconds: Math.round(a.seconds * 10) / 10, guesses: open.guesses.count, checks: aChecks, checksPerSecond: perSecond(aChecks, a), cracked: /password for 1001 is 137/.test(a.output) },
      limited: { seconds: Math.round(b.seconds * 10) / 10, guesses: bGuesses, checks: bChecks, checksPerSecond: perSecond(bChecks, b), refused503: bGuesses - bChecks, cracked: /password for 1001 is/.test(b.output) },
      limitedAgain: { seconds: Math.round(c.seconds * 10) / 10, guesses: limited.guesses.count - bGuesses, checks: cChecks, checksPerSecond: perSecond(cChecks, c), cracked: /password for 1001 is/.test(c.output) },
    };
    process.stdout.write(`SVCRACK ${JSON.stringify(figures)}\nopen:\n${a.output}\nlimited:\n${b.output}\nlimited again:\n${c.output}\n`);
    expectNoCrash(a);
    expectNoCrash(b);
    // Without the limit every guess is checked and the weak password falls.
    expect(figures.open.cracked, a.output).toBe(true);
    expect(aChecks).toBeGreaterThanOrEqual(137);
    // With it: the burst (5) and what refilled at 0.2/s are checked; the rest gets 503 unchecked.
    expect(bChecks).toBeLessThanOrEqual(5 + Math.ceil(b.seconds * 0.2) + 1);
    expect(figures.limited.refused503).toBeGreaterThan(0);
    expect(figures.limited.cracked).toBe(false);
    expect(figures.limited.checksPerSecond).toBeLessThan(figures.open.checksPerSecond / 10);
    expectNoCrash(c);
    // Only what refilled at 0.2/s since the first run is checked.
    expect(cChecks).toBeLessThanOrEqual(Math.ceil((b.seconds + c.seconds) * 0.2) + 1);
    expect(figures.limitedAgain.cracked).toBe(false);
    // The limited server still serves a normal call.
    await stillServes(limited);
  }, 200_000);
});
