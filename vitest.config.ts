import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Interop and loopback tests open real sockets; keep the default pool but
    // let slow machines (2 cores in CI) breathe.
    pool: 'forks',
    reporters: ['default'],
  },
});
