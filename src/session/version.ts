/**
 * The package version, read once from the package's own `package.json` (two folders above this
 * file both in `src/session/` and in `dist/session/`).
 *
 * @module
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (pkg.name === 'sipline' && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // Bundled or relocated: fall through to the placeholder.
  }
  return '0.0.0';
}

/** sipline's version, e.g. `1.2.3` (`0.0.0` when the package.json cannot be read). */
export const SIPLINE_VERSION: string = readVersion();

/** The default User-Agent / Server header value: `sipline/<version>`. */
export const DEFAULT_USER_AGENT = `sipline/${SIPLINE_VERSION}`;
