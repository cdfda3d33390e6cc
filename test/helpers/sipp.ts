/**
 * Runs SIPp (3.6, Debian package `sip-tester`) with one of its built-in
 * scenarios and reports its exit code and final statistics.
 *
 * Always binds and advertises 127.0.0.1 (`-i`, `-mi`), never reads stdin, and
 * is killed by a Node-side timer if SIPp's own `-timeout` does not stop it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of one SIPp run. */
export interface SippRunOptions {
  /** Built-in scenario name (`uac`, `uas`, ...). */
  readonly scenario: 'uac' | 'uas';
  /** Local SIP port SIPp binds (`-p`). */
  readonly localPort: number;
  /** `host:port` SIPp calls (uac only). */
  readonly remote?: string;
  /** `u1` (UDP, one socket) or `t1` (TCP, one connection). Default `u1`. */
  readonly transport?: 'u1' | 't1';
  /** Number of calls before SIPp exits (`-m`). */
  readonly calls: number;
  /** Call rate per second (`-r`, uac only). Default 50. */
  readonly rate?: number;
  /** SIPp's global timeout in seconds (`-timeout`). Default 60. */
  readonly timeoutSeconds?: number;
  /** Extra arguments appended at the end. */
  readonly extraArgs?: readonly string[];
}

/** What a SIPp run produced. */
export interface SippResult {
  /** SIPp's exit code (0: every call succeeded); null when killed. */
  readonly exitCode: number | null;
  /** True when the Node-side kill timer fired. */
  readonly killed: boolean;
  /** Cumulative SuccessfulCall(C) from the last statistics line (NaN when unknown). */
  readonly successfulCalls: number;
  /** Cumulative FailedCall(C) from the last statistics line (NaN when unknown). */
  readonly failedCalls: number;
  /** Cumulative Retransmissions(C). */
  readonly retransmissions: number;
  /** SIPp's stdout and stderr, plus its error log, for diagnostics. */
  readonly log: string;
}

function lastStats(file: string): { ok: number; failed: number; retrans: number } {
  const none = { ok: Number.NaN, failed: Number.NaN, retrans: Number.NaN };
  if (!existsSync(file)) return none;
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return none;
  const head = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const col = (name: string): number => {
    const i = head.indexOf(name);
    return i < 0 ? Number.NaN : Number(last[i]);
  };
  return { ok: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), retrans: col('Retransmissions(C)') };
}

/** Start SIPp; the promise settles when it exits (or is killed). */
export function runSipp(opts: SippRunOptions): { done: Promise<SippResult>; kill(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sipline-sipp-'));
  const statFile = join(dir, 'stats.csv');
  const errFile = join(dir, 'errors.log');
  const timeout = opts.timeoutSeconds ?? 60;
  const args = [
    '-sn', opts.scenario,
    ...(opts.remote ? [opts.remote] : []),
    '-i', '127.0.0.1', '-mi', '127.0.0.1',
    '-p', String(opts.localPort),
    '-t', opts.transport ?? 'u1',
    '-m', String(opts.calls),
    ...(opts.scenario === 'uac' ? ['-r', String(opts.rate ?? 50)] : []),
    '-timeout', `${timeout}s`,
    '-nostdin',
    '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_err', '-error_file', errFile,
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { if (out.length < 200_000) out += d.toString('latin1'); });
  child.stderr.on('data', (d: Buffer) => { if (out.length < 200_000) out += d.toString('latin1'); });
  let killed = false;
  const killTimer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, (timeout + 15) * 1000);
  const done = new Promise<SippResult>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(killTimer);
      const s = lastStats(statFile);
      let errLog = '';
      try { errLog = existsSync(errFile) ? readFileSync(errFile, 'latin1').slice(0, 20_000) : ''; } catch { /* ignore */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        exitCode: code,
        killed,
        successfulCalls: s.ok,
        failedCalls: s.failed,
        retransmissions: s.retrans,
        log: `args: sipp ${args.join(' ')}\n--- output (tail) ---\n${out.slice(-4000)}\n--- error log ---\n${errLog}`,
      });
    });
    child.once('error', (err) => {
      clearTimeout(killTimer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ exitCode: -1, killed, successfulCalls: Number.NaN, failedCalls: Number.NaN, retransmissions: Number.NaN, log: String(err) });
    });
  });
  return { done, kill: () => { killed = true; child.kill('SIGKILL'); } };
}
