import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Config of the tests that run INSIDE a network namespace, started by
 * test/interop/rfc4475-netns.test.ts through `ip netns exec NAME node
 * node_modules/vitest/vitest.mjs run --config <this file>`. The main run
 * (`test/**\/*.test.ts`) never picks these files up: they end in `.netns.ts`.
 * No build step is needed: vitest compiles the TypeScript sources itself.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['test/interop/netns/**/*.netns.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
