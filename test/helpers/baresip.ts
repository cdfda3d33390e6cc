/**
 * Runs baresip 1.0.0 (Debian package `baresip`) headless on 127.0.0.1 as a
 * real softphone for interop tests: a sine source as its microphone, the
 * `sndfile` filter recording what it sends and what it hears, and the
 * `ctrl_tcp` module to drive it (dial, accept, hangup) and to watch its call
 * events during a test.
 *
 * The configuration below was verified on this machine (two instances calling
 * each other, each recording the other's tone). Per instance, in a fresh temp
 * dir DIR:
 *
 * ```text
 * # DIR/config
 * poll_method      epoll
 * sip_listen       127.0.0.1:PORT        # also TCP on PORT and TLS on PORT+1
 * net_interface    127.0.0.1             # else the SDP carries the other interface
 * call_local_timeout 30
 * call_max_calls   4
 * audio_source     ausine,440            # the tone; needs the two lines below
 * ausrc_srate      48000
 * ausrc_channels   2
 * audio_level      no
 * rtp_timeout      0
 * module_path      /usr/lib/baresip/modules
 * module           g711.so
 * module           g722.so
 * module           ausine.so
 * module           sndfile.so            # writes DIR/rec/dump-<time>-enc.wav (sent) and -dec.wav (heard)
 * module_tmp       account.so
 * module_app       menu.so               # the command set ctrl_tcp forwards to
 * module_app       ctrl_tcp.so
 * ctrl_tcp_listen  127.0.0.1:CTRLPORT
 * snd_path         DIR/rec
 *
 * # DIR/accounts
 * <sip:NAME@127.0.0.1:PORT>;regint=0;answermode=auto     # or answermode=manual: rings (180) until `accept`
 * ```
 *
 * Started as `baresip -f DIR -t SECONDS` with stdin closed: `-t` makes it quit
 * after SECONDS, sending BYE for a live call. No `audio_player` is configured
 * (Debian's aufile 1.0.0 has no player): the decoder still runs and sndfile
 * still records what was heard. The recordings are 8 kHz (16 kHz for G.722)
 * mono 16-bit WAV.
 *
 * ctrl_tcp speaks netstrings (`LEN:JSON,`) both ways: commands
 * `{"command":"dial","params":"sip:...","token":"1"}`, `accept`, `hangup`,
 * `quit`; responses `{"response":true,"ok":true,"data":"...","token":"1"}`;
 * events `{"event":true,"type":"CALL_ESTABLISHED",...}` (also CALL_INCOMING,
 * CALL_RINGING, CALL_CLOSED with `param` "Connection reset by user" when it hung
 * up itself, "Connection reset by peer" on the other side's BYE).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goertzelPower, readWav, signalPower } from '../../src/media/index.js';
import { hasCommand, interopGate, type InteropGate } from './interop-gate.js';
import { freePort } from './ports.js';

/** Options of one baresip instance. */
export interface BaresipOptions {
  /** SIP port (UDP and TCP); baresip also opens TLS on port + 1. See {@link freeBaresipPorts}. */
  readonly port: number;
  /** ctrl_tcp port; default: a free port. */
  readonly ctrlPort?: number;
  /** Frequency of the sine it sends, Hz. */
  readonly toneHz: number;
  /** `answermode=auto` (answers by itself) or manual (rings until {@link BaresipInstance.command}('accept')). */
  readonly autoAnswer: boolean;
  /** Dial this URI as soon as baresip is ready. */
  readonly dial?: string;
  /** Hard lifetime: baresip quits (BYE for a live call) after this many seconds (`-t`); killed 5 s later. */
  readonly durationSec: number;
  /** Hang up (BYE) this many seconds after the call is established. */
  readonly hangupAfterSec?: number;
  /** User part of its account, default `baresip`. */
  readonly user?: string;
  /** RTP port range `[min, max]`; default baresip's own (10000-20000). */
  readonly rtpPorts?: readonly [number, number];
  /** Audio codec modules to load, in preference order. Default `['g711', 'g722']`. */
  readonly codecs?: readonly ('g711' | 'g722')[];
  /** `-s`: print SIP messages into the log. */
  readonly sipTrace?: boolean;
  /** Account line replacing the default one (e.g. with `auth_pass`, `outbound`, `regint` for a registrar). */
  readonly account?: string;
  /** Extra config lines (e.g. `sip_certificate PATH`, `sip_cafile PATH` for TLS). */
  readonly extraConfig?: readonly string[];
}

/** One event from ctrl_tcp. */
export interface BaresipEvent {
  /** e.g. CALL_INCOMING, CALL_RINGING, CALL_ESTABLISHED, CALL_CLOSED. */
  readonly type: string;
  /** `incoming` or `outgoing`. */
  readonly direction?: string;
  readonly peeruri?: string;
  readonly param?: string;
  /** Milliseconds since the instance started. */
  readonly atMs: number;
}

/** A command's answer from ctrl_tcp. */
export interface BaresipResponse {
  readonly ok: boolean;
  readonly data: string;
}

/** A running baresip. */
export interface BaresipInstance {
  readonly process: ChildProcess;
  /** Temp dir holding config, accounts and `rec/` (removed by stop()). */
  readonly dir: string;
  readonly port: number;
  readonly ctrlPort: number;
  /** `sip:<user>@127.0.0.1:<port>`. */
  readonly uri: string;
  /** Events seen so far, oldest first. */
  readonly events: readonly BaresipEvent[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Send a ctrl_tcp command (`dial`, `accept`, `hangup`, `quit`, ...); rejects after 5 s without an answer. */
  command(command: string, params?: string): Promise<BaresipResponse>;
  /** Resolves with the first event of `type` (already seen or future); rejects after `timeoutMs`. */
  waitForEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  /** Newest recording pair: `sent` (what it encoded) and `heard` (what it decoded). Throws when none. */
  recordings(): { sent: string; heard: string };
  /** stdout + stderr so far (for failure messages). */
  log(): string;
  /** Quit (BYE for a live call; the recordings are closed), SIGKILL after 2 s; keeps the temp dir. */
  quit(): Promise<number | null>;
  /** quit(), then remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Gate for suites that drive baresip (Debian package `baresip`). */
export function baresipGate(): InteropGate {
  return interopGate('baresip interop', () => (hasCommand('baresip') ? undefined : 'the `baresip` command is not installed (apt-get install baresip)'));
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => { s.close(); resolve(false); });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A SIP port for baresip whose TLS neighbour (port + 1) is free too, and a ctrl_tcp port. */
export async function freeBaresipPorts(): Promise<{ port: number; ctrlPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (port >= 65535 || !(await udpFree(port + 1)) || !(await tcpFree(port + 1))) continue;
    const ctrlPort = await freePort();
    if (ctrlPort === port || ctrlPort === port + 1) continue;
    return { port, ctrlPort };
  }
  throw new Error('no free port pair for baresip on 127.0.0.1 after 50 attempts');
}

function configText(o: BaresipOptions, dir: string, ctrlPort: number): string {
  const codecs = o.codecs ?? ['g711', 'g722'];
  return [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${o.port}`,
    'net_interface 127.0.0.1',
    'call_local_timeout 30',
    'call_max_calls 4',
    `audio_source ausine,${o.toneHz}`,
    'ausrc_srate 48000',
    'ausrc_channels 2',
    'audio_level no',
    'rtp_timeout 0',
    ...(o.rtpPorts ? [`rtp_ports ${o.rtpPorts[0]}-${o.rtpPorts[1]}`] : []),
    'module_path /usr/lib/baresip/modules',
    ...codecs.map((c) => `module ${c}.so`),
    'module ausine.so',
    'module sndfile.so',
    'module_tmp account.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
    `snd_path ${join(dir, 'rec')}`,
    ...(o.extraConfig ?? []),
    '',
  ].join('\n');
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave a baresip behind when the test process dies.
  process.once('exit', () => { for (const p of live) p.kill('SIGKILL'); });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Connect to ctrl_tcp, retrying while baresip starts (at most `ms`). */
async function connectCtrl(port: number, child: ChildProcess, ms: number): Promise<Socket> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('baresip exited before ctrl_tcp was reachable');
    const sock = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => { s.destroy(); resolve(undefined); });
    });
    if (sock) return sock;
    if (Date.now() > deadline) throw new Error(`baresip's ctrl_tcp on 127.0.0.1:${port} not reachable after ${ms} ms`);
    await sleep(50);
  }
}

/**
 * Start baresip with a fresh config in a temp dir and connect to its ctrl_tcp.
 * Resolves once it is ready (and, with `dial`, once the dial command was accepted).
 */
export async function startBaresip(opts: BaresipOptions): Promise<BaresipInstance> {
  installExitHook();
  const started = Date.now();
  const ctrlPort = opts.ctrlPort ?? (await freePort());
  const user = opts.user ?? 'baresip';
  const dir = mkdtempSync(join(tmpdir(), 'sipline-baresip-'));
  mkdirSync(join(dir, 'rec'));
  writeFileSync(join(dir, 'config'), configText(opts, dir, ctrlPort));
  writeFileSync(join(dir, 'accounts'), `${opts.account ?? `<sip:${user}@127.0.0.1:${opts.port}>;regint=0;answermode=${opts.autoAnswer ? 'auto' : 'manual'}`}\n`);

  const args = ['-f', dir, '-t', String(opts.durationSec), ...(opts.sipTrace ? ['-s'] : [])];
  const child = spawn('baresip', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const collect = (d: Buffer): void => {
    // The menu's status line repeats every 100 ms: keep the log readable.
    const text = d.toString('latin1').replace(/\[\d+:\d\d:\d\d\] audio=\S+ \(bit\/s\)\s*/g, '');
    if (out.length < 200_000) out += text;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const killTimer = setTimeout(() => child.kill('SIGKILL'), (opts.durationSec + 5) * 1000);
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => { clearTimeout(killTimer); live.delete(child); resolve(code); });
    child.once('error', (err) => { clearTimeout(killTimer); live.delete(child); out += `\nspawn error: ${String(err)}`; resolve(-1); });
  });

  const events: BaresipEvent[] = [];
  const waiters: { type: string; resolve: (e: BaresipEvent) => void }[] = [];
  const pending = new Map<string, (r: BaresipResponse) => void>();
  let token = 0;
  let hangupTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  let sock: Socket;
  try {
    sock = await connectCtrl(ctrlPort, child, 5000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n--- baresip log ---\n${out}`);
  }
  sock.on('error', () => { /* baresip quit: nothing more to read */ });
  let buf = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const colon = buf.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(buf.toString('latin1', 0, colon));
      if (!Number.isInteger(len) || buf.length < colon + 1 + len + 1) return;
      const json = buf.toString('utf8', colon + 1, colon + 1 + len);
      buf = buf.subarray(colon + 1 + len + 1);
      let msg: Record<string, unknown>;
      try { msg = JSON.parse(json) as Record<string, unknown>; } catch { continue; }
      if (msg.event === true && typeof msg.type === 'string') {
        const ev: BaresipEvent = {
          type: msg.type,
          atMs: Date.now() - started,
          ...(typeof msg.direction === 'string' ? { direction: msg.direction } : {}),
          ...(typeof msg.peeruri === 'string' ? { peeruri: msg.peeruri } : {}),
          ...(typeof msg.param === 'string' ? { param: msg.param } : {}),
        };
        events.push(ev);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i]!.type === ev.type) waiters.splice(i, 1)[0]!.resolve(ev);
        }
        if (ev.type === 'CALL_ESTABLISHED' && opts.hangupAfterSec !== undefined && hangupTimer === undefined) {
          hangupTimer = setTimeout(() => { void command('hangup').catch(() => undefined); }, opts.hangupAfterSec * 1000);
        }
      } else if (msg.response === true) {
        const done = pending.get(String(msg.token));
        pending.delete(String(msg.token));
        done?.({ ok: msg.ok === true, data: typeof msg.data === 'string' ? msg.data : '' });
      }
    }
  });
  void exited.then(() => {
    if (hangupTimer) clearTimeout(hangupTimer);
    sock.destroy();
    for (const done of pending.values()) done({ ok: false, data: 'baresip exited' });
    pending.clear();
  });

  function command(name: string, params?: string): Promise<BaresipResponse> {
    const t = String(++token);
    const json = JSON.stringify({ command: name, ...(params === undefined ? {} : { params }), token: t });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { pending.delete(t); reject(new Error(`baresip: no answer to "${name}" within 5 s`)); }, 5000);
      pending.set(t, (r) => { clearTimeout(timer); resolve(r); });
      if (sock.destroyed) { pending.get(t)?.({ ok: false, data: 'ctrl_tcp connection closed' }); pending.delete(t); return; }
      sock.write(`${Buffer.byteLength(json)}:${json},`);
    });
  }

  function waitForEvent(type: string, timeoutMs = 10_000): Promise<BaresipEvent> {
    const seen = events.find((e) => e.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = {
        type,
        resolve: (e: BaresipEvent) => { clearTimeout(timer); resolve(e); },
      };
      const timer = setTimeout(() => {
        const i = waiters.indexOf(w);
        if (i >= 0) waiters.splice(i, 1);
        reject(new Error(`baresip: no ${type} within ${timeoutMs} ms; events: ${events.map((e) => e.type).join(', ') || 'none'}\n--- baresip log ---\n${out.slice(-4000)}`));
      }, timeoutMs);
      waiters.push(w);
    });
  }

  function recordings(): { sent: string; heard: string } {
    const rec = join(dir, 'rec');
    const files = existsSync(rec) ? readdirSync(rec).sort() : [];
    const sent = files.filter((f) => f.endsWith('-enc.wav')).pop();
    const heard = files.filter((f) => f.endsWith('-dec.wav')).pop();
    if (sent === undefined || heard === undefined) throw new Error(`baresip recorded nothing in ${rec}\n--- baresip log ---\n${out.slice(-4000)}`);
    return { sent: join(rec, sent), heard: join(rec, heard) };
  }

  async function quit(): Promise<number | null> {
    if (hangupTimer) clearTimeout(hangupTimer);
    if (child.exitCode === null && child.signalCode === null) {
      const json = JSON.stringify({ command: 'quit' });
      if (!sock.destroyed) sock.write(`${Buffer.byteLength(json)}:${json},`);
      const gone = await Promise.race([exited.then(() => true), sleep(2000).then(() => false)]);
      if (!gone) child.kill('SIGKILL');
    }
    return exited;
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    await quit();
    sock.destroy();
    rmSync(dir, { recursive: true, force: true });
  }

  const instance: BaresipInstance = {
    process: child, dir, port: opts.port, ctrlPort, uri: `sip:${user}@127.0.0.1:${opts.port}`,
    events, exited, command, waitForEvent, recordings, log: () => out, quit, stop,
  };
  if (opts.dial !== undefined) {
    const r = await command('dial', opts.dial);
    if (!r.ok) {
      await stop();
      throw new Error(`baresip refused to dial ${opts.dial}: ${r.data}`);
    }
  }
  return instance;
}

/** What {@link dominantToneOfWav} found. */
export interface ToneAnalysis {
  /** The candidate frequency with the most power, Hz. */
  readonly frequencyHz: number;
  /** That frequency's share of the signal's power (1 = pure tone, near 0 = absent). */
  readonly ratio: number;
  /** Root mean square of the analysed samples (0 = silence). */
  readonly rms: number;
  /** Seconds of audio analysed (leading silence skipped). */
  readonly seconds: number;
  readonly sampleRate: number;
}

/**
 * The dominant tone of a WAV file (e.g. a baresip recording), by Goertzel power
 * at each candidate frequency (default: every 10 Hz from 100 Hz to just below
 * Nyquist). Leading near-silence (before the call's audio started) is skipped.
 */
export function dominantToneOfWav(path: string, candidates?: readonly number[]): ToneAnalysis {
  const wav = readWav(readFileSync(path));
  const all = wav.samples;
  let start = 0;
  while (start < all.length && Math.abs(all[start]!) < 64) start++;
  const samples = all.subarray(start);
  const grid: number[] = candidates ? [...candidates] : [];
  if (!candidates) for (let f = 100; f < wav.sampleRate / 2 - 50; f += 10) grid.push(f);
  const total = signalPower(samples);
  let best = grid[0] ?? 0;
  let bestPower = -1;
  for (const f of grid) {
    const p = goertzelPower(samples, wav.sampleRate, f);
    if (p > bestPower) { bestPower = p; best = f; }
  }
  return {
    frequencyHz: best,
    ratio: total === 0 ? 0 : Math.min(1, (2 * bestPower) / total),
    rms: Math.sqrt(total),
    seconds: samples.length / wav.sampleRate,
    sampleRate: wav.sampleRate,
  };
}
