/**
 * Bad input at scale (issue 9): 100,000 mutated SIP messages (RFC 4475 set plus well-formed seeds,
 * see fuzz-corpus.ts) sent over UDP and TCP to a running server, inside a network namespace of
 * its own with only loopback up. The checks run in a child vitest (netns/fuzz.netns.ts). The
 * 1,000,000-message run is `npm run bench fuzz` (figures in docs/reliability.md). Needs root and
 * iproute2; skipped with a warning otherwise (a failure under SIPLINE_INTEROP=required).
 */
import { expect, it } from 'vitest';
import { netnsGate } from '../helpers/interop-gate.js';
import { runVitestInNamespace } from '../helpers/netns.js';

netnsGate().describe('fuzzing a server in a network namespace', () => {
  it('takes 100,000 mutated messages without a crash, a leak or a lost call', async () => {
    const { code, output, namespace } = await runVitestInNamespace({
      prefix: 'sipline-fuzz', config: 'test/stress/netns/vitest.netns.config.ts', timeoutMs: 280_000,
      env: { SIPLINE_FUZZ_COUNT: process.env.SIPLINE_FUZZ_COUNT ?? '100000', SIPLINE_NETNS_FILES: 'test/stress/netns/fuzz.netns.ts' },
    });
    expect(code, `child vitest inside netns ${namespace} failed:\n${output.slice(-8000)}`).toBe(0);
    expect(output).toMatch(/Tests\s+1 passed \(1\)/);
    const line = /FUZZ (\{.*\})/.exec(output);
    expect(line, 'the child printed its figures').not.toBeNull();
    process.stdout.write(`fuzz figures: ${line![1]}\n`);
  }, 300_000);
});
