#!/usr/bin/env node
// `npm run bench [name...]`: builds, then runs every bench/*.bench.mjs (or the
// named ones) one after another, each in its own process so that one
// benchmark's garbage never skews the next.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeDocSection } from './lib/doc-section.mjs';
import { summaryTable } from './lib/summary.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
// Names select benches (by file-name prefix); flags (`--no-doc`, `--rounds 3`...) go to every bench.
const args = process.argv.slice(2);
const wanted = [];
const flags = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    flags.push(args[i]);
    if (args[i + 1] !== undefined && !args[i + 1].startsWith('--') && /^[0-9.]+$/.test(args[i + 1])) flags.push(args[++i]);
  } else wanted.push(args[i]);
}

const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n## ${f}\n\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f), ...flags], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
// One table of every figure and its peer (the latest run of each bench).
const table = summaryTable();
if (table) {
  process.stdout.write(`\n## Summary: every figure and its peer\n\n${table}\n`);
  if (!flags.includes('--no-doc')) {
    writeDocSection(join(root, 'docs', 'performance.md'), 'summary', 'Summary',
      `The latest run of each benchmark, as \`npm run bench\` prints it; each peer was measured in the same run as the sipline figure next to it.\n\n${table}`);
  }
}
process.exit(failed ? 1 : 0);
