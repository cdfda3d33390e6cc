import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Config of the stress tests that run INSIDE a network namespace (started by test/stress/*.test.ts
 * through test/helpers/netns.ts). `--expose-gc` lets them measure the heap after a full collection.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: [process.env.SIPLINE_NETNS_FILES ?? 'test/stress/netns/**/*.netns.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: ['--expose-gc'],
    reporters: ['default'],
  },
});
