/**
 * Kamailio 5.6 (Debian package) as registrar and record-routing proxy with digest
 * authentication, started by the test on 127.0.0.1 with a configuration the test writes: two
 * sipline managers register through it (401 challenges) and call each other through it (407
 * challenges, Record-Route in the path, in-dialog requests loose-routed through it). Audio is
 * checked both ways on each call, and each side hangs up once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SessionManager, ToneSource } from '../../src/index.js';
import type { CallSession, Registration } from '../../src/index.js';
import { engineOf } from '../../src/api/index.js';
import { kamailioGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { recordedFrequency, sleep, waitFor } from '../loopback/api-helpers.js';

const DOMAIN = 'kamailio.test';
const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' } as const;
const ALICE_TONE = 880;
const BOB_TONE = 440;

function kamailioConfig(port: number): string {
  return `#!KAMAILIO
debug=2
log_stderror=yes
children=2
auto_aliases=no
listen=udp:127.0.0.1:${port}
alias="${DOMAIN}"
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "xlog.so"
modparam("usrloc", "db_mode", 0)

request_route {
  xlog("L_INFO", "$rm $ru from $si:$sp\\n");
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (has_totag()) {
    if (loose_route()) { if (!t_relay()) sl_reply_error(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
  remove_hf("Route");
  $var(pass) = "";
  if ($au == "alice") $var(pass) = "${PASSWORDS.alice}";
  if ($au == "bob") $var(pass) = "${PASSWORDS.bob}";
  if (is_method("REGISTER")) {
    if (!pv_www_authenticate("$td", "$var(pass)", "0")) { www_challenge("$td", "1"); exit; }
    if (!save("location")) sl_reply_error();
    exit;
  }
  if (!pv_proxy_authenticate("$fd", "$var(pass)", "0")) { proxy_challenge("$fd", "1"); exit; }
  consume_credentials();
  if (is_method("INVITE")) record_route();
  if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  t_relay();
}
`;
}

let dir: string;
let kamailio: ChildProcess | undefined;
let kamailioLog = '';
let port: number;

async function startKamailio(): Promise<void> {
  const config = join(dir, 'kamailio.cfg');
  await writeFile(config, kamailioConfig(port));
  const child = spawn('kamailio', ['-f', config, '-L', '/usr/lib/x86_64-linux-gnu/kamailio/modules', '-P', join(dir, 'kamailio.pid'),
    '-DD', '-E', '-m', '64', '-M', '8', '-Y', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  kamailio = child;
  const collect = (d: Buffer): void => { if (kamailioLog.length < 200_000) kamailioLog += d.toString('latin1'); };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitFor(() => /INFO: .*(init_tcp|main\.c|listening on)/i.test(kamailioLog) || child.exitCode !== null, 5000).catch(() => undefined);
  if (child.exitCode !== null) throw new Error(`kamailio exited:\n${kamailioLog}`);
}

async function stopKamailio(): Promise<void> {
  const child = kamailio;
  kamailio = undefined;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

const managers: SessionManager[] = [];
let alice: SessionManager;
let bob: SessionManager;
const recordings = new Map<string, string>();
/** `status method` of every response each manager received. */
const responses: Record<string, string[]> = { alice: [], bob: [] };

async function phone(user: 'alice' | 'bob', tone: number): Promise<{ manager: SessionManager; registration: Registration }> {
  const manager = await SessionManager.new({
    sip: { host: '127.0.0.1', port: 0, transports: ['UDP'], outboundProxy: `sip:127.0.0.1:${port}` },
    media: { portRange: user === 'alice' ? { min: 48000, max: 48499 } : { min: 48500, max: 48999 } },
    credentials: [{ realm: DOMAIN, username: user, password: PASSWORDS[user] }],
    identity: `sip:${user}@${DOMAIN}`,
    close: { timeoutMs: 2000 },
  });
  managers.push(manager);
  engineOf(manager)!.transport.on('message', (m) => {
    if (m.message.isResponse()) responses[user]!.push(`${m.message.status} ${m.message.cseq.method}`);
  });
  manager.setCallHandler({
    onIncomingCall: async (call) => {
      await call.answer();
      const path = join(dir, `${user}-heard-${call.callId}.wav`);
      recordings.set(call.callId, path);
      await call.session.record(path);
      void call.session.play(new ToneSource({ frequency: tone })).catch(() => undefined);
    },
  });
  const registration = manager.register({
    registrar: `sip:127.0.0.1:${port}`, aor: `sip:${user}@${DOMAIN}`, username: user, password: PASSWORDS[user], expires: 300,
    retry: { initialMs: 200, maxMs: 1000 },
  });
  return { manager, registration };
}

/** Place a call through Kamailio, talk, and hang up from `hangUp`'s side; checks the audio both ways. */
async function callThroughKamailio(from: SessionManager, fromTone: number, to: string, toTone: number, hangUp: 'caller' | 'callee'): Promise<void> {
  const wire: string[] = [];
  const onMessage = (m: { message: { isRequest(): boolean; isResponse(): boolean; get(n: string): string | undefined; startLine(): string } }): void => {
    if (m.message.isResponse() && m.message.get('Record-Route') !== undefined) wire.push(`RR ${m.message.get('Record-Route')!}`);
  };
  engineOf(from)!.transport.on('message', onMessage as never);
  const caller = from === alice ? 'alice' : 'bob';
  const before = responses[caller]!.length;
  const session: CallSession = await from.makeCall(to);
  await session.answered();
  expect(responses[caller]!.slice(before)).toContain('407 INVITE');
  const callerRecording = join(dir, `caller-heard-${session.callId}.wav`);
  const rec = await session.record(callerRecording);
  void session.play(new ToneSource({ frequency: fromTone })).catch(() => undefined);
  await sleep(2000);
  expect(session.state).toBe('connected');
  expect(wire.some((w) => w.includes(`127.0.0.1:${port}`) && w.includes('lr')), `Record-Route seen: ${wire.join(' | ')}`).toBe(true);
  const callee = (from === alice ? bob : alice).sessions()[0];
  expect(callee, 'the callee has the call').toBeDefined();
  if (hangUp === 'caller') await session.hangup();
  else await callee!.hangup();
  await session.ended();
  await rec.finished;
  await waitFor(() => (from === alice ? bob : alice).sessions().length === 0, 5000);
  engineOf(from)!.transport.off('message', onMessage as never);
  const heardByCaller = await recordedFrequency(callerRecording);
  expect(Math.abs(heardByCaller.frequency - toTone), `caller heard ${heardByCaller.frequency} Hz`).toBeLessThanOrEqual(10);
  const calleePath = recordings.get(session.callId);
  expect(calleePath).toBeDefined();
  const heardByCallee = await recordedFrequency(calleePath!);
  expect(Math.abs(heardByCallee.frequency - fromTone), `callee heard ${heardByCallee.frequency} Hz`).toBeLessThanOrEqual(10);
}

kamailioGate().describe('Kamailio as registrar and proxy with digest authentication', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sipline-kamailio-'));
    port = await freePort();
    await startKamailio();
    const a = await phone('alice', ALICE_TONE);
    const b = await phone('bob', BOB_TONE);
    alice = a.manager;
    bob = b.manager;
    await Promise.all([a.registration.registered(), b.registration.registered()]);
  }, 20_000);

  afterAll(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()));
    await stopKamailio();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('registers both managers through 401 challenges', () => {
    for (const user of ['alice', 'bob']) {
      expect(responses[user]).toContain('401 REGISTER');
      expect(responses[user]).toContain('200 REGISTER');
    }
  });

  it('alice calls bob through Kamailio (407 answered, Record-Route), audio both ways, the caller hangs up', async () => {
    await callThroughKamailio(alice, ALICE_TONE, `sip:bob@${DOMAIN}`, BOB_TONE, 'caller');
  }, 20_000);

  it('bob calls alice through Kamailio, audio both ways, the callee hangs up', async () => {
    await callThroughKamailio(bob, BOB_TONE, `sip:alice@${DOMAIN}`, ALICE_TONE, 'callee');
    // Both hang-ups were loose-routed through the proxy (it logs every request it routes).
    expect(kamailioLog.match(/INFO: .*BYE sip:/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  }, 20_000);
});
