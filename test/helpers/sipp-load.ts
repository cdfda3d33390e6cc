/**
 * Load runs with SIPp 3.6 (Debian package `sip-tester`): its built-in `uac`
 * scenario (INVITE, 200, ACK, BYE; `-d 0` makes its one pause last 0 ms)
 * against a target at a given rate, reading the cumulative counters of the
 * final `-trace_stat` line.
 *
 * Always binds and advertises 127.0.0.1 (`-i`, `-mi`), never reads stdin, is
 * bounded by SIPp's `-timeout` (with `-timeout_error`) and `-recv_timeout`, and
 * by a Node-side SIGKILL 10 s after the timeout.
 * bench/lib/sipp-load.mjs is the JavaScript twin used by `npm run bench`: keep
 * them in step.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of one load run. */
export interface SippLoadOptions {
  /** `host:port` to call. */
  readonly target: string;
  /** Number of calls (`-m`). */
  readonly calls: number;
  /** Calls per second (`-r`). */
  readonly rate: number;
  /** Maximum simultaneous calls (`-l`). Default max(rate * 2, 100). */
  readonly limit?: number;
  /** Local SIP port (`-p`); default: SIPp picks a free one. */
  readonly localPort?: number;
  /** `u1` (UDP, one socket) or `t1` (TCP, one connection). Default `u1`. */
  readonly transport?: 'u1' | 't1';
  /** SIPp's global timeout (`-timeout`), seconds. Default: calls / rate + 20. */
  readonly timeoutSec?: number;
  /** A call fails when no expected message arrives within this time (`-recv_timeout`), ms. Default 5000. */
  readonly recvTimeoutMs?: number;
  /** A scenario file (`-sf`) instead of the built-in `uac`. */
  readonly scenarioFile?: string;
  /** Extra arguments appended at the end. */
  readonly extraArgs?: readonly string[];
}

/** Outcome of one load run (counters are cumulative over the run; NaN when unknown). */
export interface SippLoadResult {
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  /** Calls SIPp started (OutgoingCall(C)). */
  readonly created: number;
  /** Calls asked for that neither succeeded nor failed (SIPp stopped by its timeout or killed). */
  readonly unfinished: number;
  /** Calls per second SIPp achieved over the run (CallRate(C)). */
  readonly callRate: number;
  /** Wall time from spawn to exit. */
  readonly durationMs: number;
  /** SIPp's exit code (0: every call succeeded); null when killed. */
  readonly exitCode: number | null;
  /** True when the Node-side kill fired. */
  readonly killed: boolean;
  /** Command line, output tail and error log, for failure messages. */
  readonly log: string;
}

/** The final cumulative counters of a SIPp `-trace_stat` CSV (`;`-separated, header on line 1). */
export function parseSippStats(csv: string): { successful: number; failed: number; retransmissions: number; created: number; callRate: number } {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const nan = { successful: Number.NaN, failed: Number.NaN, retransmissions: Number.NaN, created: Number.NaN, callRate: Number.NaN };
  if (lines.length < 2) return nan;
  const head = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const col = (name: string): number => {
    const i = head.indexOf(name);
    return i < 0 || last[i] === undefined || last[i]!.trim() === '' ? Number.NaN : Number(last[i]);
  };
  return {
    successful: col('SuccessfulCall(C)'),
    failed: col('FailedCall(C)'),
    retransmissions: col('Retransmissions(C)'),
    created: col('OutgoingCall(C)'),
    callRate: col('CallRate(C)'),
  };
}

/** Run SIPp's `uac` against `target`; resolves when SIPp exits or is killed. */
export function runSippLoad(opts: SippLoadOptions): Promise<SippLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sipline-sipp-load-'));
  const statFile = join(dir, 'stats.csv');
  const errFile = join(dir, 'errors.log');
  const timeoutSec = opts.timeoutSec ?? Math.ceil(opts.calls / opts.rate) + 20;
  const args = [
    ...(opts.scenarioFile ? ['-sf', opts.scenarioFile] : ['-sn', 'uac']),
    opts.target,
    '-i', '127.0.0.1', '-mi', '127.0.0.1',
    ...(opts.localPort === undefined ? [] : ['-p', String(opts.localPort)]),
    '-t', opts.transport ?? 'u1',
    '-m', String(opts.calls),
    '-r', String(opts.rate),
    '-l', String(opts.limit ?? Math.max(opts.rate * 2, 100)),
    '-d', '0',
    '-recv_timeout', String(opts.recvTimeoutMs ?? 5000),
    // Without -timeout_error, SIPp 3.6 ignores -timeout while calls are still waiting (found by trying).
    '-timeout', `${timeoutSec}s`, '-timeout_error',
    '-nostdin',
    '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_err', '-error_file', errFile,
    ...(opts.extraArgs ?? []),
  ];
  const started = Date.now();
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => { out = (out + d.toString('latin1')).slice(-8000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let killed = false;
  const killTimer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, (timeoutSec + 10) * 1000);
  return new Promise((resolve) => {
    const finish = (exitCode: number | null, extra = ''): void => {
      clearTimeout(killTimer);
      const durationMs = Date.now() - started;
      const stats = parseSippStats(existsSync(statFile) ? readFileSync(statFile, 'latin1') : '');
      let errLog = '';
      try { errLog = existsSync(errFile) ? readFileSync(errFile, 'latin1').slice(0, 8000) : ''; } catch { /* unreadable: leave empty */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        ...stats, unfinished: Number.isNaN(stats.successful) ? opts.calls : opts.calls - stats.successful - (Number.isNaN(stats.failed) ? 0 : stats.failed),
        durationMs, exitCode, killed,
        log: `args: sipp ${args.join(' ')}\n--- output (tail) ---\n${out.slice(-3000)}${extra}\n--- error log ---\n${errLog}`,
      });
    };
    child.once('close', (code) => finish(code));
    child.once('error', (err) => finish(-1, `\nspawn error: ${String(err)}`));
  });
}
