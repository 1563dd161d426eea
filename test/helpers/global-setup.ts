import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LOCAL_STAGE, createTables, freePort, outboxDir, startDynamo, startOffline } from '../../scripts/local-stack';
import { generateKeySet } from '../../lib/tokens';
import { startAppPages } from '../e2e/app-pages';
import { startFakeApple } from '../fakes/apple';
import { startFakeGraph } from '../fakes/graph';
import { startFakeOidc } from '../fakes/oidc';
import { FACEBOOK_APP, GOOGLE_CLIENT, GOOGLE_SECRET, appleProvider, providersFor } from '../fakes/world';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    tableName: string;
    signingKeys: string;
    /** The serverless offline stack and its Lambda endpoint: the stack project's alone. */
    e2eBaseUrl: string;
    lambdaEndpoint: string;
    /** Where the stack project's set-up says its stack is up (`ready`) or why it is not (`failed`). */
    stackState: string;
    providers: string;
    customDataTable: string;
    fakeOidcUrl: string;
    fakeGraphUrl: string;
    fakeAppleUrl: string;
    /** Where the handlers of the run write the mail they send (test/helpers/outbox.ts reads it). */
    outboxDir: string;
    /** The app pages of the browser tests (test/e2e/app-pages.ts): on the stack's site, and on another. */
    appPages: { sameSite: string; crossSite: string; refused: string };
  }
}

export const E2E_APP = 'gatehouse-e2e';
/** An app origin the test run's stack allows, for requests that set Origin by hand. */
export const ALLOWED_APP_ORIGIN = 'https://app.example';
/** The operator credential of the test run's stacks. */
export const ADMIN = { username: 'test-admin', apiKey: 'test-admin-api-key-with-enough-entropy' };
export const ADMIN_ENV = { GATEHOUSE_ADMIN_USERNAME: ADMIN.username, GATEHOUSE_ADMIN_API_KEY: ADMIN.apiKey };
/**
 * Every test comes from 127.0.0.1 and many share accounts' addresses: the abuse limits are raised
 * out of the way here, and test/functions/limits.test.ts checks them at their defaults.
 */
export const TEST_LIMITS = JSON.stringify({
  'login.account': { max: 10_000, backoffAfter: 10_000 },
  'anon.ip': { max: 1_000_000 },
  'login.ip': { max: 1_000_000 },
  'oauth.ip': { max: 1_000_000 },
  'register.ip': { max: 1_000_000 },
  'send.email': { max: 10_000 },
  'send.ip': { max: 1_000_000 },
  'token.ip': { max: 1_000_000 },
  'admin.account': { max: 1_000_000, backoffAfter: 1_000_000 },
  'admin.ip': { max: 1_000_000 },
});

/**
 * The world of the DynamoDB and stack projects (vitest.config.ts): a DynamoDB Local of the project's
 * own with the tables of serverless.yml and a throw-away key set, and fakes of the outside identity
 * providers; with `stack`, also one serverless offline stack on all of it that the end-to-end suites
 * share. The unit project has no world.
 */
export async function startWorld(project: TestProject, { stack }: { stack: boolean }): Promise<() => Promise<void>> {
  const oidc = await startFakeOidc({ [GOOGLE_CLIENT]: GOOGLE_SECRET });
  const graph = await startFakeGraph(FACEBOOK_APP);
  const pages = await startAppPages();
  project.provide('appPages', { sameSite: pages.sameSite, crossSite: pages.crossSite, refused: pages.refused });
  const apple = await startFakeApple();
  const appleSettings = appleProvider(apple, pages.redirectUris);
  const providers = JSON.stringify({ ...providersFor(oidc.url, graph.url, `gatehouse-${LOCAL_STAGE}-exampleAuth`, pages.redirectUris), 'oauth2-apple': appleSettings });
  project.provide('fakeAppleUrl', apple.url);
  project.provide('providers', providers);
  project.provide('fakeOidcUrl', oidc.url);
  project.provide('fakeGraphUrl', graph.url);
  const dynamo = await startDynamo();
  const [tableName, customDataTable] = await createTables(dynamo.endpoint);
  project.provide('customDataTable', customDataTable);
  const signingKeys = JSON.stringify(await generateKeySet());
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('tableName', tableName);
  project.provide('signingKeys', signingKeys);
  const stopFakes = () => Promise.all([dynamo.stop(), oidc.stop(), graph.stop(), pages.stop(), apple.stop()]);
  if (!stack) {
    const outbox = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
    project.provide('outboxDir', outbox);
    return async () => {
      await stopFakes();
      rmSync(outbox, { recursive: true, force: true });
    };
  }
  // As npm start does, the stack may rewrite its key file (the console's "Rotate keys"); it keeps
  // signing with the keys it started with.
  const keyDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-keys-'));
  writeFileSync(join(keyDir, 'signing-keys.json'), signingKeys, { mode: 0o600 });
  // The stack reads its provider secrets from its Secrets Manager: its document only names them.
  const stackProviders = providers
    .replace(JSON.stringify(GOOGLE_SECRET), JSON.stringify({ $secret: 'google-client-secret' }))
    .replace(JSON.stringify(FACEBOOK_APP.secret), JSON.stringify({ $secret: 'facebook-app-secret' }))
    .replace(JSON.stringify(appleSettings.privateKey), JSON.stringify({ $secret: 'apple-private-key' }));
  const providerSecrets = { 'google-client-secret': GOOGLE_SECRET, 'facebook-app-secret': FACEBOOK_APP.secret, 'apple-private-key': appleSettings.privateKey };
  const env = {
    GATEHOUSE_PROVIDERS: stackProviders,
    GATEHOUSE_CUSTOM_DATA_SELF_SERVICE: 'true',
    GATEHOUSE_SIGNING_KEYS_FILE: join(keyDir, 'signing-keys.json'),
    GATEHOUSE_LIMITS: TEST_LIMITS,
    // The SDKs' own suites register passwords such as "password" and "hunter2": the shared stack takes
    // App Services' policy; the stricter default is run through the real handlers in test/functions.
    GATEHOUSE_PASSWORD_POLICY: 'app-services',
    // The browser tests' app pages and a stand-in app origin; the app pages' third origin stays refused.
    GATEHOUSE_ALLOWED_ORIGINS: [pages.sameSite, pages.crossSite, ALLOWED_APP_ORIGIN].join(','),
    ...ADMIN_ENV,
  };
  const [port, lambdaPort] = [await freePort(), await freePort()];
  // Started, not awaited: its first build (bundling every function) runs beside the unit and DynamoDB
  // projects, which come first; the stack project's set-up file waits for it (test/helpers/env.ts).
  const starting = startOffline({ port, lambdaPort, appId: E2E_APP, dynamoEndpoint: dynamo.endpoint, signingKeys, providerSecrets, env });
  starting.then(
    () => writeFileSync(join(keyDir, 'ready'), ''),
    (error: Error) => writeFileSync(join(keyDir, 'failed'), error.message),
  );
  project.provide('e2eBaseUrl', `http://localhost:${port}`);
  project.provide('lambdaEndpoint', `http://127.0.0.1:${lambdaPort}`);
  project.provide('stackState', keyDir);
  // The handlers the tests call in their own process write where the stack's functions write.
  project.provide('outboxDir', outboxDir(port));
  return async () => {
    await starting.then((offline) => offline.stop(), () => undefined);
    await stopFakes();
    rmSync(keyDir, { recursive: true, force: true });
  };
}
