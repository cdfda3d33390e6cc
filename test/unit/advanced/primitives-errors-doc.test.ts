import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as advanced from '../../../src/advanced/index.js';
import * as primitives from '../../../src/advanced/primitives/index.js';
import { SiplineError } from '../../../src/util/index.js';

describe('exports of the advanced primitives', () => {
  it('are all re-exported by sipline/advanced', () => {
    for (const [name, value] of Object.entries(primitives)) {
      expect((advanced as Record<string, unknown>)[name], `sipline/advanced exports ${name}`).toBe(value);
    }
  });
});

describe('errors of the advanced primitives', () => {
  it('are SiplineErrors with ERR_ codes, exported from sipline/advanced and listed in docs/errors.md', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const errors = Object.entries(primitives).filter(([, v]) => typeof v === 'function' && v.prototype instanceof Error);
    expect(errors.map(([n]) => n).sort()).toEqual(['DependencyCycleError', 'GroupMembershipError', 'ResourceLimitError']);
    for (const [name, value] of errors) {
      const Ctor = value as unknown as new (...args: unknown[]) => SiplineError;
      const instance = new Ctor('error', 'message');
      expect(instance).toBeInstanceOf(SiplineError);
      expect(instance.name).toBe(name);
      expect(instance.code).toMatch(/^ERR_[A-Z_]+$/);
      expect((advanced as Record<string, unknown>)[name], `sipline/advanced exports ${name}`).toBe(value);
      expect(doc, `docs/errors.md mentions ${instance.code}`).toContain(`\`${instance.code}\``);
      expect(doc, `docs/errors.md mentions ${name}`).toContain(`\`${name}\``);
    }
  });
});
