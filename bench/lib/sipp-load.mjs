// Load runs with SIPp 3.6 (Debian package `sip-tester`): its built-in `uac`
// scenario (INVITE, 200, ACK, BYE; `-d 0` makes its one pause last 0 ms)
// against a target at a given rate, reading the cumulative counters of the
// final `-trace_stat` line. JavaScript twin of test/helpers/sipp-load.ts: keep
// them in step.
//
// Always binds and advertises 127.0.0.1 (`-i`, `-mi`), never reads stdin, is
// bounded by SIPp's `-timeout` (which SIPp 3.6 only honours while calls are
// waiting when `-timeout_error` is given) and `-recv_timeout`, and by a
// Node-side SIGKILL 10 s after the timeout.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {boolean} true when the `sipp` command is on PATH */
export function hasSipp() {
  return spawnSync('sh', ['-c', 'command -v sipp'], { stdio: 'ignore' }).status === 0;
}

/**
 * The final cumulative counters of a SIPp `-trace_stat` CSV.
 *
 * @param {string} csv
 * @returns {{ successful: number, failed: number, retransmissions: number, created: number, callRate: number }}
 */
export function parseSippStats(csv) {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const nan = { successful: NaN, failed: NaN, retransmissions: NaN, created: NaN, callRate: NaN };
  if (lines.length < 2) return nan;
  const head = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  const col = (name) => {
    const i = head.indexOf(name);
    return i < 0 || last[i] === undefined || last[i].trim() === '' ? NaN : Number(last[i]);
  };
  return {
    successful: col('SuccessfulCall(C)'),
    failed: col('FailedCall(C)'),
    retransmissions: col('Retransmissions(C)'),
    created: col('OutgoingCall(C)'),
    callRate: col('CallRate(C)'),
  };
}

/**
 * Run SIPp's `uac` (or `scenarioFile`) against `target`.
 *
 * @param {{ target: string, calls: number, rate: number, limit?: number, localPort?: number,
 *   transport?: 'u1' | 't1', timeoutSec?: number, recvTimeoutMs?: number, scenarioFile?: string,
 *   extraArgs?: string[] }} opts
 * @returns {Promise<{ successful: number, failed: number, retransmissions: number, created: number,
 *   callRate: number, unfinished: number, durationMs: number, exitCode: number | null, killed: boolean,
 *   log: string }>}
 */
export function runSippLoad(opts) {
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
    '-timeout', `${timeoutSec}s`, '-timeout_error',
    '-nostdin',
    '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_err', '-error_file', errFile,
    ...(opts.extraArgs ?? []),
  ];
  const started = Date.now();
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d) => { out = (out + d.toString('latin1')).slice(-8000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let killed = false;
  const killTimer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, (timeoutSec + 10) * 1000);
  return new Promise((resolve) => {
    const finish = (exitCode, extra = '') => {
      clearTimeout(killTimer);
      const durationMs = Date.now() - started;
      const stats = parseSippStats(existsSync(statFile) ? readFileSync(statFile, 'latin1') : '');
      let errLog = '';
      try { errLog = existsSync(errFile) ? readFileSync(errFile, 'latin1').slice(0, 8000) : ''; } catch { /* unreadable */ }
      rmSync(dir, { recursive: true, force: true });
      const unfinished = Number.isNaN(stats.successful)
        ? opts.calls
        : opts.calls - stats.successful - (Number.isNaN(stats.failed) ? 0 : stats.failed);
      resolve({
        ...stats, unfinished, durationMs, exitCode, killed,
        log: `args: sipp ${args.join(' ')}\n--- output (tail) ---\n${out.slice(-3000)}${extra}\n--- error log ---\n${errLog}`,
      });
    };
    child.once('close', (code) => finish(code));
    child.once('error', (err) => finish(-1, `\nspawn error: ${String(err)}`));
  });
}
