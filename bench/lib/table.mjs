// Markdown tables for benchmark output (printed and written into docs/).

/**
 * Formats rows as a GitHub-flavoured markdown table. Columns whose `align`
 * is 'right' are right-aligned (numbers).
 *
 * @param {ReadonlyArray<{ title: string, align?: 'left' | 'right' }>} columns
 * @param {ReadonlyArray<ReadonlyArray<string>>} rows
 * @returns {string}
 */
export function markdownTable(columns, rows) {
  const widths = columns.map((c, i) => Math.max(c.title.length, 3, ...rows.map((r) => String(r[i]).length)));
  const cell = (text, i) => (columns[i].align === 'right' ? String(text).padStart(widths[i]) : String(text).padEnd(widths[i]));
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${columns.map((c, i) => (c.align === 'right' ? '-'.repeat(widths[i] - 1) + ':' : '-'.repeat(widths[i]))).join(' | ')} |`;
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join('\n');
}

/**
 * A whole number with thousands separators ("1,234,567").
 *
 * @param {number} n
 * @returns {string}
 */
export function formatInt(n) {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * A ratio such as "3.42x".
 *
 * @param {number} r
 * @returns {string}
 */
export function formatRatio(r) {
  return `${r.toFixed(2)}x`;
}
