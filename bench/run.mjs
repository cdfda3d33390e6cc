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
const wanted = process.argv.slice(2);

const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n## ${f}\n\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
// One table of every figure and its peer (the latest run of each bench).
const table = summaryTable();
if (table) {
  process.stdout.write(`\n## Summary: every figure and its peer\n\n${table}\n`);
  if (!process.argv.includes('--no-doc')) {
    writeDocSection(join(root, 'docs', 'performance.md'), 'summary', 'Summary',
      `The latest run of each benchmark, as \`npm run bench\` prints it; each peer was measured in the same run as the sipline figure next to it.\n\n${table}`);
  }
}
process.exit(failed ? 1 : 0);
