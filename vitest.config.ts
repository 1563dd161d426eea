import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/env.ts'],
    pool: 'forks',
    // One file at a time: the end-to-end suites share one serverless offline stack, and the stack and
    // packaging tests start more; on a 2-core machine running them side by side starves them all.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    // Security events (one JSON line per login) would bury the test report; lib/log.ts is tested on its own.
    onConsoleLog: (line) => !line.includes('"message":"security event"'),
  },
});
