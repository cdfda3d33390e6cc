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
import { expect, it } from 'vitest';
import { netnsGate } from '../helpers/interop-gate.js';
import { runVitestInNamespace } from '../helpers/netns.js';

netnsGate().describe('RFC 4475 torture messages over UDP in a network namespace', () => {
  it('answers each message as RFC 4475 expects, only to 127.0.0.1, and keeps serving calls', async () => {
    const { code, output, namespace } = await runVitestInNamespace({
      prefix: 'sipline-4475', config: 'test/interop/netns/vitest.netns.config.ts', timeoutMs: 100_000,
    });
    expect(code, `child vitest inside netns ${namespace} failed:\n${output.slice(-8000)}`).toBe(0);
    // The UA-level run (3 tests) and the transport-level table (51 tests), nothing failed or skipped.
    expect(output).toMatch(/Test Files\s+2 passed \(2\)/);
    expect(output).toMatch(/Tests\s+54 passed \(54\)/);
  }, 120_000);
});
