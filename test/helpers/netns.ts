/**
 * Runs a child vitest inside a network namespace of the test's own (`ip netns add`, only `lo` up):
 * traffic in it can reach nothing but the namespace's loopback. The namespace is deleted
 * afterwards, even on failure. Extra commands (e.g. nftables loss rules) run inside it before the
 * child starts. Needs root and iproute2 (see netnsGate in interop-gate.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What {@link runVitestInNamespace} needs. */
export interface NamespaceRun {
  /** A short prefix for the namespace name. */
  readonly prefix: string;
  /** The child's vitest config, relative to the repository root. */
  readonly config: string;
  /** Extra environment for the child. */
  readonly env?: Record<string, string>;
  /** Commands (argv) run inside the namespace after `lo` is up, before the child starts. */
  readonly setup?: readonly (readonly string[])[];
  /** Kill the child after this long. */
  readonly timeoutMs: number;
}

/** How the child ended: its exit code and its output without colour codes. */
export interface NamespaceResult {
  readonly code: number | null;
  readonly output: string;
  readonly namespace: string;
}

function run(args: readonly string[]): { status: number | null; stderr: string } {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stderr: r.stderr ?? String(r.error ?? '') };
}

/** Create a namespace, run the child vitest in it, delete the namespace. Throws when set-up fails. */
export async function runVitestInNamespace(o: NamespaceRun): Promise<NamespaceResult> {
  const name = `${o.prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const add = run(['ip', 'netns', 'add', name]);
  if (add.status !== 0) throw new Error(`ip netns add failed: ${add.stderr}`);
  try {
    for (const argv of [['ip', 'link', 'set', 'lo', 'up'], ...(o.setup ?? [])]) {
      const r = run(['ip', 'netns', 'exec', name, ...argv]);
      if (r.status !== 0) throw new Error(`${argv.join(' ')} failed in ${name}: ${r.stderr}`);
    }
    const child = spawn('ip', [
      'netns', 'exec', name, process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--config', o.config,
    ], {
      cwd: root,
      env: { ...process.env, ...o.env, SIPLINE_NETNS_CHILD: name, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(killer);
    // eslint-disable-next-line no-control-regex
    return { code, output: out.replace(/\u001b\[[0-9;]*m/g, ''), namespace: name };
  } finally {
    run(['ip', 'netns', 'del', name]);
  }
}
