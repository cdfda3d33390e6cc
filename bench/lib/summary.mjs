// One table of every benchmark figure and its peer (issue 9): each bench records its headline
// rows with recordSummary(); `npm run bench` (bench/run.mjs) prints them all at the end and
// writes them to docs/performance.md. Results live in bench/.results/ (not committed).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '.results');

/**
 * @param {string} id  the bench (parser, calls, media, ...)
 * @param {{ figure: string, sipline: string, peer: string, ratio?: string, target?: string }[]} rows
 */
export function recordSummary(id, rows) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${id}.json`), JSON.stringify({ id, at: new Date().toISOString(), rows }, null, 2));
}

/** Every recorded summary, as a markdown table (empty string when none). */
export function summaryTable() {
  if (!existsSync(dir)) return '';
  const rows = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => {
      const s = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      return s.rows.map((r) => ({ ...r, id: s.id, at: s.at.slice(0, 10) }));
    });
  if (rows.length === 0) return '';
  return [
    '| bench | figure | sipline | peer (same run) | ratio | target | run |',
    '|---|---|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.id} | ${r.figure} | ${r.sipline} | ${r.peer} | ${r.ratio ?? ''} | ${r.target ?? ''} | ${r.at} |`),
  ].join('\n');
}
