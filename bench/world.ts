/**
 * What the scenarios run against, started by the bench itself: DynamoDB Local with the tables of
 * serverless.yml, a throw-away key set, the fake Google and Facebook of the tests, and one serverless
 * offline stack (its Lambda endpoint also serves the custom-function provider's example function).
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_STAGE, createTables, freePort, startDynamo, startOffline } from '../scripts/local-stack';
import { generateKeySet } from '../lib/tokens';
import { type FakeGraph, startFakeGraph } from '../test/fakes/graph';
import { type FakeOidc, startFakeOidc } from '../test/fakes/oidc';

export const BENCH_APP = 'gatehouse-bench';
export const GOOGLE_CLIENT = 'gatehouse-bench.apps.googleusercontent.test';
export const FACEBOOK_APP = { id: '1234567890', secret: 'facebook-bench-secret' };
export const CUSTOM_AUDIENCE = 'gatehouse-bench';
export const CUSTOM_SECRET = randomBytes(32).toString('base64url');

export interface World {
  /** The GATEHOUSE_* settings of the in-process handlers (the same as the offline stack's). */
  env: Record<string, string>;
  oidc: FakeOidc;
  graph: FakeGraph;
  /** serverless offline itself, without the local front (which only rewrites content types). */
  offlineUrl?: string;
  stopOffline(): Promise<void>;
  stop(): Promise<void>;
}

function providers(oidc: FakeOidc, graph: FakeGraph) {
  return {
    'anon-user': { enabled: true },
    'local-userpass': { enabled: true },
    'api-key': { enabled: true },
    'custom-token': { enabled: true, signingAlgorithm: 'HS256', keys: [{ secret: CUSTOM_SECRET }], audience: [CUSTOM_AUDIENCE], metadataFields: [] },
    'custom-function': { enabled: true, functionName: `gatehouse-${LOCAL_STAGE}-exampleAuth` },
    'oauth2-google': { enabled: true, clientIds: [GOOGLE_CLIENT], clientSecret: 'bench', issuer: oidc.issuer, jwksUrl: oidc.jwksUrl, tokenUrl: oidc.tokenUrl, authorizeUrl: oidc.authorizeUrl, redirectUris: [] },
    'oauth2-facebook': { enabled: true, appId: FACEBOOK_APP.id, appSecret: FACEBOOK_APP.secret, graphUrl: graph.url, dialogUrl: graph.dialogUrl, redirectUris: [] },
  };
}

/**
 * All load comes from one address, so the abuse limits are raised out of its way; counters are still read
 * and written as in production, so the measured paths are the real ones.
 */
const BENCH_LIMITS = JSON.stringify({
  'anon.ip': { max: 100_000_000 },
  'login.ip': { max: 100_000_000 },
  'oauth.ip': { max: 100_000_000 },
  'register.ip': { max: 100_000_000 },
  'send.email': { max: 100_000_000 },
  'send.ip': { max: 100_000_000 },
  'token.ip': { max: 100_000_000 },
});

/** Starts everything; with `offline: false` the HTTP scenarios and custom-function logins are skipped. */
export async function startWorld(options: { offline: boolean }): Promise<World> {
  const oidc = await startFakeOidc({ [GOOGLE_CLIENT]: 'bench' });
  const graph = await startFakeGraph(FACEBOOK_APP);
  const dynamo = await startDynamo();
  const [tableName, customDataTable] = await createTables(dynamo.endpoint);
  const signingKeys = JSON.stringify(await generateKeySet());
  const env: Record<string, string> = {
    GATEHOUSE_APP_ID: BENCH_APP,
    GATEHOUSE_LIMITS: BENCH_LIMITS,
    GATEHOUSE_TABLE: tableName,
    GATEHOUSE_CUSTOM_DATA_TABLE: customDataTable,
    GATEHOUSE_DYNAMODB_ENDPOINT: dynamo.endpoint,
    GATEHOUSE_SIGNING_KEYS: signingKeys,
    GATEHOUSE_PROVIDERS: JSON.stringify(providers(oidc, graph)),
    AWS_REGION: 'us-east-1',
  };
  let offline: Awaited<ReturnType<typeof startOffline>> | undefined;
  if (options.offline) {
    const port = await freePort();
    offline = await startOffline({ port, appId: BENCH_APP, dynamoEndpoint: dynamo.endpoint, signingKeys, env: { GATEHOUSE_PROVIDERS: env.GATEHOUSE_PROVIDERS, GATEHOUSE_LIMITS: BENCH_LIMITS } });
    env.GATEHOUSE_ISSUER = offline.baseUrl;
    env.GATEHOUSE_LAMBDA_ENDPOINT = offline.lambdaEndpoint;
  } else {
    env.GATEHOUSE_ISSUER = 'http://gatehouse.bench';
  }
  const stopOffline = async () => {
    await offline?.stop();
    offline = undefined;
  };
  return {
    env,
    oidc,
    graph,
    offlineUrl: offline?.directUrl,
    stopOffline,
    stop: async () => {
      await stopOffline();
      await Promise.all([dynamo.stop(), oidc.stop(), graph.stop()]);
    },
  };
}
