import { readFile } from 'node:fs/promises';
import { type Config, config as readConfig, configWithSecrets } from './config';
import { readSecretValues } from './secrets';
import { type SecretStore, createSecretStore } from './store/secrets';
import { type Clock, type KeySetSource, type Tokens, cachedKeyRing, createTokens } from './tokens';
import { type AdminTokens, createAdminTokens } from './tokens/admin';

/**
 * What routes that never touch storage need (JWKS, discovery, admin tokens): configuration, the
 * imported keys and the clock. Their bundles carry no DynamoDB client, and their cold start builds none.
 */
export interface TokenRuntime {
  readonly config: Config;
  readonly tokens: Tokens;
  readonly adminTokens: AdminTokens;
  readonly clock: Clock;
  /** The key set's JSON as this stage keeps it, read afresh (the runtime re-reads it every cache lifetime). */
  readonly readKeySet: KeySetSource;
  /** The shared parts built from this runtime's configuration (see Part); each one once, when first asked for. */
  readonly part: Part;
}

/**
 * A shared part of a runtime (the Lambda invoker, the mailer, a provider's token verifier, a settings
 * cache), built by `build` the first time `key` is asked for and kept as long as the runtime: once per
 * cold start, again only when a changed secret rebuilds the runtime with its new configuration. The
 * modules that use a part build it, so a bundle that never asks for one carries none of its code.
 */
export type Part = <T>(key: string, build: () => T) => T;

/** A new, empty set of parts. */
export function parts(): Part {
  const built = new Map<string, unknown>();
  return <T>(key: string, build: () => T): T => {
    if (!built.has(key)) built.set(key, build());
    return built.get(key) as T;
  };
}

interface Loaded {
  runtime: Promise<TokenRuntime>;
  /** The secrets' values it was built from, to tell a changed secret from the same one read again. */
  values: string;
  readAt: number;
}

let loaded: Loaded | undefined;
let secretStore: { key: string; store: SecretStore } | undefined;

/**
 * The process's token runtime: configuration with its secrets read from Secrets Manager and the keys
 * imported, once per cold start. Past the secrets' cache age (GATEHOUSE_SECRETS_CACHE_SECONDS) the next
 * call reads them again and rebuilds only if they changed; a failed re-read keeps the runtime it has.
 */
export function tokenRuntime(): Promise<TokenRuntime> {
  const settings = readConfig();
  const { secrets } = settings;
  const named = Boolean(secrets.signingKeys || secrets.admin || secrets.providers);
  if (!named) {
    loaded ??= { runtime: retrying(buildTokenRuntime(settings)), values: '', readAt: Date.now() };
    return loaded.runtime;
  }
  if (loaded && Date.now() - loaded.readAt < secrets.cacheSeconds * 1000) return loaded.runtime;
  const previous = loaded;
  const reading = readSecretValues(secrets, processSecretStore(settings)).then(async (values): Promise<Loaded> => {
    const key = JSON.stringify(values);
    if (previous && key === previous.values) return { ...previous, readAt: Date.now() };
    const runtime = await buildTokenRuntime(configWithSecrets(values));
    return { runtime: Promise.resolve(runtime), values: key, readAt: Date.now() };
  });
  const next = reading.then((l) => l.runtime);
  // While the secrets are being read again, concurrent requests share the one read.
  loaded = { runtime: previous ? next.catch(() => previous.runtime) : next, values: previous?.values ?? '', readAt: Date.now() };
  const mine = loaded;
  reading.then(
    (l) => {
      if (loaded === mine) loaded = l;
    },
    () => {
      // Keep serving what was built before; with nothing built, the next request tries again.
      if (loaded === mine) loaded = previous ? { ...previous, readAt: Date.now() } : undefined;
    },
  );
  return loaded.runtime;
}

/** The process's Secrets Manager client, built once per cold start (again only if its settings change, as in tests). */
export function processSecretStore(config: Pick<Config, 'region' | 'secrets'>): SecretStore {
  const key = JSON.stringify([config.region, config.secrets.endpoint, config.secrets.cacheSeconds]);
  if (secretStore?.key !== key) {
    secretStore = { key, store: createSecretStore({ region: config.region, endpoint: config.secrets.endpoint, cacheSeconds: config.secrets.cacheSeconds }) };
  }
  return secretStore.store;
}

function retrying(runtime: Promise<TokenRuntime>): Promise<TokenRuntime> {
  return runtime.catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
}

/**
 * Where this stage's key set comes from: the key file where there is one (the local stack rotates into
 * it, and every process sees the rotation within the cache lifetime), the configuration otherwise.
 */
export function keySetSource(config: Config): KeySetSource {
  const file = config.signingKeysFile;
  if (!file) return async () => config.signingKeys;
  return () => readFile(file, 'utf8');
}

/** Throws with a message naming what is wrong when the key set cannot be read or imported. */
export async function buildTokenRuntime(config: Config, clock: Clock = Date.now, source: KeySetSource = keySetSource(config)): Promise<TokenRuntime> {
  const keys = await cachedKeyRing(source, config.signingKeysCacheSeconds, clock);
  return { config, tokens: createTokens(keys, config, clock), adminTokens: createAdminTokens(keys, config, clock), clock, readKeySet: source, part: parts() };
}
