/**
 * Runs SIPp 3.6 (Debian package `sip-tester`) with a scenario file of ours (`-sf`) for one call,
 * and returns its exit code with the message trace (`-trace_msg`), so tests can assert the exact
 * sequence of messages SIPp sent and received.
 *
 * Always binds and advertises 127.0.0.1 (`-i`, `-mi`), never reads stdin, and is killed by a
 * Node-side timer if SIPp's own `-timeout` does not stop it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of one scenario run. */
export interface SippScenarioOptions {
  /** Path of the scenario XML. */
  readonly scenarioFile: string;
  /** Local SIP port SIPp binds (`-p`). */
  readonly localPort: number;
  /** `host:port` SIPp sends its first request to (UAC scenarios). */
  readonly remote?: string;
  /** Number of calls (`-m`). Default 1. */
  readonly calls?: number;
  /** SIPp's global timeout, seconds. Default 20. */
  readonly timeoutSeconds?: number;
  /** `-s` service (Request-URI user part). Default `ivr`. */
  readonly service?: string;
}

/** One message in SIPp's trace, in order. */
export interface SippTraceEntry {
  /** `sent` or `received` by SIPp. */
  readonly direction: 'sent' | 'received';
  /** The start line, e.g. `PRACK sip:... SIP/2.0` or `SIP/2.0 183 Session Progress`. */
  readonly startLine: string;
  /** The whole message text. */
  readonly text: string;
}

/** What a run produced. */
export interface SippScenarioResult {
  /** SIPp's exit code (0: every call succeeded); null when killed. */
  readonly exitCode: number | null;
  /** Messages SIPp sent and received, in order. */
  readonly trace: readonly SippTraceEntry[];
  /** Output and error log for diagnostics. */
  readonly log: string;
}

/** Split SIPp's `-trace_msg` file into messages. */
export function parseSippTrace(text: string): SippTraceEntry[] {
  const out: SippTraceEntry[] = [];
  // Each message: a line of dashes with a timestamp, `UDP message sent (N bytes):` or
  // `UDP message received [N] bytes :`, then the message.
  for (const block of text.split(/^-{10,}.*$/m)) {
    const lines = block.replace(/^\s*\n/, '').split(/\r?\n/);
    const head = lines[0] ?? '';
    const direction = /message sent/i.test(head) ? 'sent' : /message received/i.test(head) ? 'received' : undefined;
    if (direction === undefined) continue;
    const rest = lines.slice(1);
    while (rest.length > 0 && rest[0]!.trim() === '') rest.shift();
    out.push({ direction, startLine: (rest[0] ?? '').trim(), text: rest.join('\r\n') });
  }
  return out;
}

/** Start SIPp on a scenario file; the promise settles when it exits (or is killed). */
export function runSippScenario(opts: SippScenarioOptions): { done: Promise<SippScenarioResult>; kill(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sipline-sipp-sf-'));
  const timeout = opts.timeoutSeconds ?? 20;
  const args = [
    '-sf', opts.scenarioFile,
    ...(opts.remote ? [opts.remote] : []),
    '-i', '127.0.0.1', '-mi', '127.0.0.1',
    '-p', String(opts.localPort),
    '-t', 'u1',
    '-m', String(opts.calls ?? 1),
    '-s', opts.service ?? 'ivr',
    '-timeout', `${timeout}s`, '-timeout_error',
    '-nostdin',
    '-trace_msg', '-message_file', join(dir, 'messages.log'),
    '-trace_err', '-error_file', join(dir, 'errors.log'),
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { if (out.length < 100_000) out += d.toString('latin1'); });
  child.stderr.on('data', (d: Buffer) => { if (out.length < 100_000) out += d.toString('latin1'); });
  const killTimer = setTimeout(() => child.kill('SIGKILL'), (timeout + 10) * 1000);
  const read = (name: string): string => {
    const p = join(dir, name);
    return existsSync(p) ? readFileSync(p, 'latin1') : '';
  };
  const done = new Promise<SippScenarioResult>((resolve) => {
    const finish = (code: number | null, extra = ''): void => {
      clearTimeout(killTimer);
      const messages = read('messages.log');
      const errors = read('errors.log');
      const files = existsSync(dir) ? readdirSync(dir).join(', ') : '';
      rmSync(dir, { recursive: true, force: true });
      resolve({
        exitCode: code,
        trace: parseSippTrace(messages),
        log: `args: sipp ${args.join(' ')}\nfiles: ${files}\n${extra}--- output (tail) ---\n${out.slice(-3000)}\n`
          + `--- error log ---\n${errors.slice(0, 6000)}\n--- messages (tail) ---\n${messages.slice(-6000)}`,
      });
    };
    child.once('close', (code) => finish(code));
    child.once('error', (err) => finish(-1, `${String(err)}\n`));
  });
  return { done, kill: () => child.kill('SIGKILL') };
}
