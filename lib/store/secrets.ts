import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { StoreUnavailable } from './errors';

export interface SecretStoreOptions {
  region: string;
  /** A local server speaking Secrets Manager's protocol (scripts/secrets-server.ts); AWS when unset. */
  endpoint?: string;
  /** How long a value read stays trusted before the next read asks Secrets Manager again. */
  cacheSeconds: number;
}

/** A secret's versions by id, each with its staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING, …). */
export interface SecretDescription {
  name: string;
  arn: string;
  versions: Record<string, string[]>;
}

/**
 * Secrets Manager, as Gatehouse uses it: one secret per kind and stage (`gatehouse/<stage>/signing-keys`,
 * `…/admin`, `…/providers`), read through Powertools' cache.
 */
export interface SecretStore {
  /** The value labelled `stage` (AWSCURRENT by default), undefined when there is no such secret. */
  readSecret(name: string, options?: { stage?: string; fresh?: boolean }): Promise<string | undefined>;
  /** Stores a new version (creating the secret on first write), labelled AWSCURRENT unless `stages` say otherwise. */
  writeSecret(name: string, value: string, options?: { stages?: string[]; description?: string }): Promise<{ versionId: string }>;
  /** Names, ARN and the versions' labels; undefined when there is no such secret. */
  describeSecret(name: string): Promise<SecretDescription | undefined>;
  /** Moves a staging label to a version (e.g. AWSCURRENT to the pending one), off the version holding it. */
  moveStage(name: string, stage: string, toVersionId: string, fromVersionId?: string): Promise<void>;
}

function isMissing(error: unknown): boolean {
  if (error instanceof ResourceNotFoundException || (error as Error)?.name === 'ResourceNotFoundException') return true;
  const cause = (error as { cause?: unknown })?.cause;
  return cause !== undefined && isMissing(cause);
}

/** A SecretStore on Secrets Manager; failures other than a missing secret throw StoreUnavailable. */
export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const client = new SecretsManagerClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  const unavailable = (name: string, error: unknown): never => {
    throw new StoreUnavailable(new Error(`secret ${name}: ${(error as Error)?.name ?? 'error'}`, { cause: error }));
  };
  return {
    async readSecret(name, read = {}) {
      try {
        // Powertools caches by name alone: a staged read through it would stand in for the current value.
        if (read.stage && read.stage !== 'AWSCURRENT') {
          return (await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: read.stage }))).SecretString;
        }
        const value = await provider.get(name, { maxAge: options.cacheSeconds, forceFetch: read.fresh ?? false });
        return typeof value === 'string' ? value : undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        return unavailable(name, error);
      }
    },
    async writeSecret(name, value, write = {}) {
      const stages = write.stages ?? ['AWSCURRENT'];
      try {
        const put = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: stages }));
        return { versionId: put.VersionId! };
      } catch (error) {
        if (!isMissing(error)) return unavailable(name, error);
      }
      try {
        const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: value, Description: write.description }));
        if (stages.length === 1 && stages[0] === 'AWSCURRENT') return { versionId: created.VersionId! };
        // A first version is always AWSCURRENT; other labels go on a second one.
        const put = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: stages }));
        return { versionId: put.VersionId! };
      } catch (error) {
        return unavailable(name, error);
      }
    },
    async describeSecret(name) {
      try {
        const found = await client.send(new DescribeSecretCommand({ SecretId: name }));
        return { name: found.Name!, arn: found.ARN!, versions: found.VersionIdsToStages ?? {} };
      } catch (error) {
        if (isMissing(error)) return undefined;
        return unavailable(name, error);
      }
    },
    async moveStage(name, stage, toVersionId, fromVersionId) {
      try {
        await client.send(
          new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: stage, MoveToVersionId: toVersionId, RemoveFromVersionId: fromVersionId }),
        );
      } catch (error) {
        unavailable(name, error);
      }
    },
  };
}
