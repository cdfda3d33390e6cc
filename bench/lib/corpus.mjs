// Loads a folder of raw SIP messages (*.sip, CRLF line ends) and checks that
// each is well formed for benchmarking: CRLF only, a blank line ending the
// headers, and a Content-Length equal to the body's octet count.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} dir
 * @returns {Array<{ name: string, bytes: Buffer }>} sorted by file name
 */
export function loadCorpus(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sip')).sort();
  if (files.length === 0) throw new Error(`no *.sip files in ${dir}`);
  return files.map((name) => {
    const bytes = readFileSync(join(dir, name));
    const text = bytes.toString('latin1');
    if (/(^|[^\r])\n/.test(text)) throw new Error(`${name}: bare LF (line ends must be CRLF)`);
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`${name}: no empty line after the headers`);
    const m = /\r\nContent-Length:[ \t]*(\d+)\r\n/i.exec(text.slice(0, end + 2));
    if (!m) throw new Error(`${name}: no Content-Length`);
    const body = bytes.length - (end + 4);
    if (Number(m[1]) !== body) throw new Error(`${name}: Content-Length ${m[1]} but body has ${body} octets`);
    return { name, bytes };
  });
}
