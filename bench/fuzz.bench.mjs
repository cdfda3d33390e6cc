#!/usr/bin/env node
// Bad input at scale (issue 9): 1,000,000 mutated SIP messages (SIPLINE_FUZZ_COUNT to change it)
// sent over UDP and TCP to a running sipline server inside a network namespace of its own, with
// only loopback up. It runs the same checks as the CI test (test/stress/netns/fuzz.netns.ts, which
// CI runs with 100,000): no exception escapes, everything winds down, the heap after a full
// collection stays where it was after the warm-up, and a normal call still connects. The figures
// go to docs/reliability.md. Needs root and iproute2; says so and exits 0 without them.
import { spawnSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDocSection } from './lib/doc-section.mjs';
import { machineFacts } from './lib/machine.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.env.SIPLINE_FUZZ_COUNT ?? 1_000_000);
const seed = Number(process.env.SIPLINE_FUZZ_SEED ?? 4475);

if (process.getuid?.() !== 0 || spawnSync('ip', ['-V']).status !== 0) {
  console.log('fuzz: skipped (needs root and iproute2 to create a network namespace)');
  process.exit(0);
}

const name = `sipline-fuzzb-${process.pid}-${randomBytes(3).toString('hex')}`;
const report = join(mkdtempSync(join(tmpdir(), 'sipline-fuzz-')), 'fuzz.json');
const ip = (...args) => spawnSync('ip', args, { encoding: 'utf8' });
if (ip('netns', 'add', name).status !== 0) { console.log('fuzz: skipped (`ip netns add` is not permitted here)'); process.exit(0); }
let code;
const started = Date.now();
try {
  ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  console.log(`fuzz: ${count.toLocaleString('en')} mutated messages (seed ${seed}) in namespace ${name}...`);
  const child = spawn('ip', ['netns', 'exec', name, process.execPath, 'node_modules/vitest/vitest.mjs', 'run',
    '--config', 'test/stress/netns/vitest.netns.config.ts'], {
    cwd: root, stdio: 'inherit',
    env: { ...process.env, SIPLINE_NETNS_CHILD: name, SIPLINE_FUZZ_COUNT: String(count), SIPLINE_FUZZ_SEED: String(seed),
      SIPLINE_FUZZ_REPORT: report, SIPLINE_NETNS_FILES: 'test/stress/netns/fuzz.netns.ts' },
  });
  code = await new Promise((resolve) => child.once('close', resolve));
} finally {
  ip('netns', 'del', name);
}
if (code !== 0) { console.error(`fuzz: FAILED (child exit ${code})`); process.exit(1); }
const f = JSON.parse(readFileSync(report, 'utf8'));
const facts = machineFacts();
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const rows = [
  ['messages sent (after a warm-up of the same stream)', f.messages.toLocaleString('en')],
  ['over UDP / over TCP', `${f.udp.toLocaleString('en')} / ${f.tcp.toLocaleString('en')} (${f.tcpConnections} TCP connections)`],
  ['parsed / refused by the parser', `${f.parsed.toLocaleString('en')} / ${f.parseFailures.toLocaleString('en')}`],
  ['answered with 400-class responses by the transport', f.badRequestsAnswered.toLocaleString('en')],
  ['calls that reached the handler / answered', `${f.callsIn} / ${f.answered}`],
  ['exceptions escaped / errors reported by the engine', `0 / ${f.reportedErrors}`],
  ['heap after full GC: after warm-up -> after the run', `${f.heapBeforeMiB} MiB -> ${f.heapAfterMiB} MiB`],
  ['a normal call afterwards', 'connected and hung up'],
  ['sending time', `${(f.ms / 1000).toFixed(0)} s (${Math.round(f.messages / (f.ms / 1000)).toLocaleString('en')} messages/s, sender and server in one process)`],
];
const table = ['| figure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
console.log(`\n${table}\n`);
writeDocSection(join(root, 'docs/reliability.md'), 'fuzz', 'Fuzzing',
  `Command: \`npm run bench fuzz\` (seed ${seed}, ${minutes} min). Node ${facts.node}, ${facts.cpu}, ${facts.cores} cores, ${facts.date}.\n\n${table}`);
