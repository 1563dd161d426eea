import { createHash } from 'node:crypto';
import { ConfigError, type SecretSources, type SecretValues } from './config';
import type { SecretStore } from './store/secrets';

/** The command that creates a stage's secrets, named in every message about a missing one. */
export const SECRETS_INIT_HINT = 'create it with `npx gatehouse secrets init --stage <stage>` (docs/deploying.md)';

/**
 * Reads the secrets this function is given (only those its IAM role may read); throws ConfigError
 * naming a missing or malformed one.
 */
export async function readSecretValues(sources: SecretSources, store: SecretStore): Promise<SecretValues> {
  const read = async (name: string | undefined): Promise<string | undefined> => {
    if (!name) return undefined;
    // Fresh: the runtime's own re-read (every cache lifetime) is the one cache, so a copy is never older than it.
    const value = await store.readSecret(name, { fresh: true });
    if (value === undefined) throw new ConfigError(`configuration: the secret ${name} does not exist: ${SECRETS_INIT_HINT}`);
    return value;
  };
  const [signingKeys, admin, providers] = await Promise.all([read(sources.signingKeys), read(sources.admin), read(sources.providers)]);
  return { signingKeys, admin, providers: providers === undefined ? undefined : providerSecrets(sources.providers!, providers) };
}

function providerSecrets(name: string, raw: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw new ConfigError(`configuration: the secret ${name} is not valid JSON`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !Object.values(doc).every((v) => typeof v === 'string')) {
    throw new ConfigError(`configuration: the secret ${name} must be a JSON object of strings (provider secrets by name)`);
  }
  return doc as Record<string, string>;
}

/** The secrets of a stage, as serverless.yml names them (`custom.secrets`). */
export function stageSecretNames(stage: string): { signingKeys: string; admin: string; providers: string } {
  return { signingKeys: `gatehouse/${stage}/signing-keys`, admin: `gatehouse/${stage}/admin`, providers: `gatehouse/${stage}/providers` };
}

/** The admin secret's value: the operator's name and only the SHA-256 of its API key. */
export function adminSecretValue(username: string, apiKey: string): string {
  return JSON.stringify({ username, apiKeySha256: createHash('sha256').update(apiKey).digest('hex') });
}

/** Writes a stage's secrets (those given) as new current versions; throws StoreUnavailable. */
export async function writeStageSecrets(
  store: SecretStore,
  stage: string,
  values: { signingKeys?: string; admin?: { username: string; apiKey: string }; providers?: Record<string, string> },
): Promise<void> {
  const names = stageSecretNames(stage);
  const described = (what: string) => ({ description: `Gatehouse ${stage}: ${what}` });
  if (values.signingKeys !== undefined) await store.writeSecret(names.signingKeys, values.signingKeys, described('signing key set'));
  if (values.admin) await store.writeSecret(names.admin, adminSecretValue(values.admin.username, values.admin.apiKey), described('operator credential (API key hash)'));
  if (values.providers) await store.writeSecret(names.providers, JSON.stringify(values.providers), described('provider secrets by name'));
}
