import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as root from '../../../src/index.js';
import { SiplineError } from '../../../src/index.js';

/** Every error class exported from the package root, with the code an instance carries. */
function exportedErrorCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const [name, value] of Object.entries(root)) {
    if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
    expect(value === SiplineError || value.prototype instanceof SiplineError, `${name} extends SiplineError`).toBe(true);
    if (value === SiplineError) continue;
    // Codes are constants set by each constructor; the arguments only shape the message.
    // TransportError is the exception: it takes its code (one of ERR_TRANSPORT_*) as an argument.
    const Ctor = value as unknown as new (...args: unknown[]) => SiplineError;
    const instance = name === 'TransportError' ? new Ctor('ERR_TRANSPORT_BIND', 'message') : new Ctor('error', 'message');
    codes.set(name, instance.code);
  }
  return codes;
}

describe('docs/errors.md', () => {
  it('lists the code and the class of every error exported from the package root', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const codes = exportedErrorCodes();
    expect(codes.size).toBeGreaterThanOrEqual(6);
    for (const [name, code] of codes) {
      expect(code, `${name}.code`).toMatch(/^ERR_[A-Z_]+$/);
      expect(doc, `docs/errors.md mentions ${code}`).toContain(`\`${code}\``);
      expect(doc, `docs/errors.md mentions ${name}`).toContain(`\`${name}\``);
    }
  });

  it('gives every exported error a name equal to its class', () => {
    for (const [name, value] of Object.entries(root)) {
      if (typeof value !== 'function' || !(value.prototype instanceof SiplineError)) continue;
      const Ctor = value as unknown as new (...args: unknown[]) => SiplineError;
      const args = name === 'TransportError' ? ['ERR_TRANSPORT_BIND', 'message'] : ['error', 'message'];
      expect(new Ctor(...args).name).toBe(name);
    }
  });
});
