// Writes generated benchmark output into docs/performance.md between marker
// comments, leaving the hand-written text around them alone.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

/**
 * Replaces the text between `<!-- bench:<id>:start -->` and
 * `<!-- bench:<id>:end -->` in the markdown file at `path` with `content`.
 * If the markers are missing, a new `## <heading>` section holding them is
 * appended, so a new benchmark never has to edit the document by hand first.
 *
 * @param {string} path
 * @param {string} id       short name of the benchmark, e.g. "parser"
 * @param {string} heading  section title used when the section does not exist yet
 * @param {string} content  markdown to place between the markers
 */
export function writeDocSection(path, id, heading, content) {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) {
    doc = doc.slice(0, a) + block + doc.slice(b + end.length);
  } else {
    doc = `${doc.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  }
  writeFileSync(path, doc);
}
