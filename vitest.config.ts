import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vitest/config';

const require = createRequire(import.meta.url);
const { CONSOLE_MODULE, buildConsoleAssets } = require('./scripts/console-assets.cjs');

/** `virtual:console-assets` for the tests that import the console function, as serverless-esbuild builds it. */
const consoleAssets: Plugin = {
  name: 'console-assets',
  resolveId: (id) => (id === CONSOLE_MODULE ? `\0${CONSOLE_MODULE}` : undefined),
  load: async (id) => (id === `\0${CONSOLE_MODULE}` ? `export default ${JSON.stringify((await buildConsoleAssets()).files)};` : undefined),
};

/** Handler tests that call the stack's functions (custom function, hooks, triggers), read its log or wait for its stream function. */
const NEEDS_STACK = [
  'test/functions/admin-paging.test.ts',
  'test/functions/custom-data.test.ts',
  'test/functions/custom-function.test.ts',
  'test/functions/growth.test.ts',
  'test/functions/linking.test.ts',
  'test/functions/triggers.test.ts',
  'test/functions/user-api-keys.test.ts',
  'test/functions/userpass-lifecycle.test.ts',
];
/** Tests that read and write DynamoDB Local: the store's, and the handlers' through the real runtime. */
const NEEDS_DYNAMO = ['test/functions/**/*.test.ts', 'test/lib/store/**/*.test.ts', 'test/lib/authorizer-cache.test.ts', 'test/lib/provider-settings.test.ts', 'test/lib/secrets.test.ts'];

const shared = {
  testTimeout: 30_000,
  // Security events (one JSON line per login) would bury the test report; lib/log.ts is tested on its own.
  onConsoleLog: (line: string) => !line.includes('"message":"security event"'),
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};

/**
 * Three projects, run one after the other (sequence.groupOrder): unit (no world, files side by side),
 * dynamodb (DynamoDB Local and the fake providers, test/helpers/setup-dynamo.ts) and stack (the same
 * and serverless offline, test/helpers/setup-stack.ts; one file at a time, since the end-to-end suites
 * share one stack and the packaging and `npm start` tests start more). CONTRIBUTING.md says which
 * project a new test belongs to.
 */
export default defineConfig({
  plugins: [consoleAssets],
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', ...NEEDS_DYNAMO],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'dynamodb',
          include: NEEDS_DYNAMO,
          exclude: NEEDS_STACK,
          globalSetup: ['test/helpers/setup-dynamo.ts'],
          setupFiles: ['test/helpers/env.ts'],
          hookTimeout: 180_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'stack',
          include: ['test/e2e/**/*.test.ts', ...NEEDS_STACK],
          globalSetup: ['test/helpers/setup-stack.ts'],
          setupFiles: ['test/helpers/env.ts'],
          hookTimeout: 180_000,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
