/**
 * Loss (issue 9): calls through a network namespace of the test's own, only loopback up, where an
 * nftables rule on the input hook drops a random share of the UDP datagrams to the SIP and RTP
 * ports in use (`numgen random mod 100 < N drop`), so both directions lose it. At 10%: 100 calls
 * from SIPp's uac and 100 from an engine of ours all complete, with audio, through
 * retransmission. At 30%: calls complete or time out with the right status; nothing hangs or
 * leaks. Also at 10%: hold/resume and blind transfer among three managers (call-control-loss.netns.ts).
 * Needs root, iproute2 and nftables; skipped with a warning otherwise (a failure under
 * SIPLINE_INTEROP=required).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { hasCommand, netnsGate } from '../helpers/interop-gate.js';
import { runVitestInNamespace } from '../helpers/netns.js';

/** The nftables ruleset: drop `percent`% of UDP to the SIP ports and the RTP ranges of loss.netns.ts. */
function ruleset(percent: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sipline-nft-')), 'loss.nft');
  writeFileSync(file, [
    'table inet sipline_loss {',
    '  chain input {',
    '    type filter hook input priority 0; policy accept;',
    `    udp dport { 5070, 5080, 5090, 20000-21999 } numgen random mod 100 < ${percent} counter drop`,
    '  }',
    '}',
    '',
  ].join('\n'));
  return file;
}

async function run(percent: number, env: Record<string, string>, file = 'test/stress/netns/loss.netns.ts'): Promise<string> {
  const { code, output, namespace } = await runVitestInNamespace({
    prefix: `sipline-loss${percent}`, config: 'test/stress/netns/vitest.netns.config.ts', timeoutMs: 280_000,
    setup: [['nft', '-f', ruleset(percent)]],
    env: { SIPLINE_NETNS_FILES: file, SIPLINE_LOSS_PERCENT: String(percent), ...env },
  });
  expect(code, `child vitest inside netns ${namespace} failed:\n${output.slice(-8000)}`).toBe(0);
  expect(output).toMatch(/Tests\s+1 passed \(1\)/);
  const line = /LOSS (\{.*\})/.exec(output);
  expect(line, 'the child printed its figures').not.toBeNull();
  process.stdout.write(`loss ${percent}%: ${line![1]}\n`);
  return line![1]!;
}

netnsGate().describe('calls through random loss in a network namespace', () => {
  it('completes 200 calls (SIPp and ours) with audio through 10% loss each way', async () => {
    if (!hasCommand('nft')) throw new Error('nftables is not installed (apt-get install nftables)');
    await run(10, {});
  }, 300_000);

  it('holds, resumes and blind-transfers calls among three managers through 10% loss each way', async () => {
    if (!hasCommand('nft')) throw new Error('nftables is not installed (apt-get install nftables)');
    await run(10, {}, 'test/stress/netns/call-control-loss.netns.ts');
  }, 300_000);

  it('completes or cleanly times out every call through 30% loss each way', async () => {
    if (!hasCommand('nft')) throw new Error('nftables is not installed (apt-get install nftables)');
    await run(30, { SIPLINE_LOSS_CALLS: '40', SIPLINE_LOSS_SIPP_CALLS: '0' });
  }, 300_000);
});
