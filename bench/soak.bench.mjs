#!/usr/bin/env node
// The long soak (issue 9): 30 minutes of continuous calls with media between two engines of ours
// (SIPLINE_SOAK_MINUTES to change it), in one-minute phases; after each phase the traffic drains
// and heap (after full GC), RSS, sockets, timers, transactions and sessions are sampled in the same
// quiet state. It runs test/stress/soak.test.ts (CI runs it for about a minute) with longer
// settings and writes the samples and their slopes to docs/reliability.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDocSection } from './lib/doc-section.mjs';
import { machineFacts } from './lib/machine.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const minutes = Number(process.env.SIPLINE_SOAK_MINUTES ?? 30);
const phases = Math.max(3, Math.round(minutes));
const report = join(mkdtempSync(join(tmpdir(), 'sipline-soak-')), 'soak.json');
console.log(`soak: ${phases} phases of 60 s of calls...`);
const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/stress/soak.test.ts'], {
  cwd: root, stdio: 'inherit',
  env: { ...process.env, SIPLINE_SOAK_PHASES: String(phases), SIPLINE_SOAK_PHASE_MS: '60000',
    SIPLINE_SOAK_REPORT: report, SIPLINE_SOAK_TIMEOUT_MS: String((phases * 75 + 120) * 1000) },
});
const code = await new Promise((resolve) => child.once('close', resolve));
if (code !== 0) { console.error(`soak: FAILED (exit ${code})`); process.exit(1); }
const samples = JSON.parse(readFileSync(report, 'utf8'));
const after = samples.slice(1);
const slope = (key) => {
  const xs = after.map((s) => s.at / 60);
  const ys = after.map((s) => s[key]);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0; let den = 0;
  xs.forEach((x, i) => { num += (x - mx) * (ys[i] - my); den += (x - mx) ** 2; });
  return den === 0 ? 0 : num / den;
};
const mib = (b) => (b / 2 ** 20).toFixed(2);
const last = samples[samples.length - 1];
const facts = machineFacts();
const rows = samples.map((s) => `| ${(s.at / 60).toFixed(1)} | ${s.calls} | ${s.failures} | ${mib(s.heapBytes)} | ${mib(s.rssBytes)} | ${s.sockets} | ${s.timers} | ${s.transactions} | ${s.sessions} |`);
const text = [
  `Command: \`npm run bench soak\` (${phases} one-minute phases). Node ${facts.node}, ${facts.cpu}, ${facts.cores} cores, ${facts.date}.`,
  '',
  `${last.calls} calls completed, ${last.failures} failed. Slopes after the warm-up phase: heap ${(slope('heapBytes') / 1024).toFixed(1)} KiB/min, RSS ${(slope('rssBytes') / 1024).toFixed(1)} KiB/min, sockets ${slope('sockets').toFixed(3)}/min.`,
  '',
  '| minute | calls | failed | heap MiB | RSS MiB | sockets | timers | transactions | sessions |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
console.log(`\n${text}\n`);
writeDocSection(join(root, 'docs/reliability.md'), 'soak', 'Soak', text);
