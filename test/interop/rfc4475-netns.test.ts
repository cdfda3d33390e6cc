/**
 * RFC 4475 torture messages over real UDP, inside a network namespace of its
 * own with only loopback up: the Via headers of those messages name public,
 * documentation and broadcast addresses, and every response must still reach
 * 127.0.0.1 (the `received` parameter at work). The namespace is created
 * here, the checks run in a child vitest (test/interop/netns/*.netns.ts)
 * started with `ip netns exec`, and the namespace is deleted afterwards, even
 * on failure. Needs root and iproute2; skipped with a warning otherwise
 * (a failure under SIPLINE_INTEROP=required).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { netnsGate } from '../helpers/interop-gate.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function ip(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stderr: r.stderr };
}

netnsGate().describe('RFC 4475 torture messages over UDP in a network namespace', () => {
  it('answers each message as RFC 4475 expects, only to 127.0.0.1, and keeps serving calls', async () => {
    const name = `sipline-4475-${process.pid}-${randomBytes(3).toString('hex')}`;
    const add = ip(['netns', 'add', name]);
    expect(add.status, `ip netns add failed: ${add.stderr}`).toBe(0);
    try {
      const up = ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
      expect(up.status, `ip link set lo up failed: ${up.stderr}`).toBe(0);
      const child = spawn('ip', [
        'netns', 'exec', name, process.execPath, 'node_modules/vitest/vitest.mjs', 'run',
        '--config', 'test/interop/netns/vitest.netns.config.ts',
      ], { cwd: root, env: { ...process.env, SIPLINE_NETNS_CHILD: name, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      clearTimeout(killer);
      expect(code, `child vitest inside netns ${name} failed:\n${out.slice(-8000)}`).toBe(0);
      // eslint-disable-next-line no-control-regex
      const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
      // The UA-level run (3 tests) and the transport-level table (51 tests), nothing failed or skipped.
      expect(plain).toMatch(/Test Files\s+2 passed \(2\)/);
      expect(plain).toMatch(/Tests\s+54 passed \(54\)/);
    } finally {
      ip(['netns', 'del', name]);
    }
  }, 120_000);
});
