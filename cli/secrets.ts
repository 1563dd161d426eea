import { randomBytes } from 'node:crypto';
import { stageSecretNames, writeStageSecrets } from '../lib/secrets';
import { createSecretStore } from '../lib/store/secrets';
import { generateKeySet } from '../lib/tokens';
import { CliError } from './admin-client';

export interface SecretsTarget {
  stage: string;
  region: string;
  /** A local Secrets Manager (scripts/secrets-server.ts); AWS (credentials from the usual chain) when unset. */
  endpoint?: string;
}

function storeOf(target: SecretsTarget) {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(target.stage)) throw new CliError('--stage must be a serverless stage name (letters, digits, dashes)');
  return createSecretStore({ region: target.region, endpoint: target.endpoint, cacheSeconds: 0 });
}

/**
 * `gatehouse secrets init --stage <stage>`: creates the stage's missing secrets in Secrets Manager — a
 * fresh key set, an operator credential (its API key printed here once, stored only as its SHA-256) and
 * an empty provider secret object. Secrets that exist are kept. Returns the lines to print.
 */
export async function initSecrets(target: SecretsTarget): Promise<string[]> {
  const store = storeOf(target);
  const names = stageSecretNames(target.stage);
  const exists = async (name: string) => (await store.describeSecret(name)) !== undefined;
  const lines: string[] = [];
  if (await exists(names.signingKeys)) lines.push(`kept ${names.signingKeys} (it exists; rotate keys with the admin console or API)`);
  else {
    await writeStageSecrets(store, target.stage, { signingKeys: JSON.stringify(await generateKeySet()) });
    lines.push(`created ${names.signingKeys}: a fresh key set (RS256 access key, HS256 refresh secret)`);
  }
  if (await exists(names.admin)) lines.push(`kept ${names.admin} (it exists)`);
  else {
    const admin = { username: `admin-${randomBytes(4).toString('hex')}`, apiKey: randomBytes(32).toString('base64url') };
    await writeStageSecrets(store, target.stage, { admin });
    lines.push(`created ${names.admin}: operator ${admin.username}, stored as the SHA-256 of its API key`);
    lines.push(`operator API key (shown this once; keep it in your password manager): ${admin.apiKey}`);
  }
  if (await exists(names.providers)) lines.push(`kept ${names.providers} (it exists)`);
  else {
    await writeStageSecrets(store, target.stage, { providers: {} });
    lines.push(`created ${names.providers}: no provider secrets yet; add one with \`npx gatehouse secrets provider <name> --stage ${target.stage}\``);
  }
  return lines;
}

/** `gatehouse secrets provider <name> --stage <stage>`: sets one provider secret (the value from stdin). */
export async function setProviderSecret(target: SecretsTarget, name: string | undefined, value: string): Promise<string> {
  if (!name || !/^[A-Za-z0-9_.-]{1,128}$/.test(name)) throw new CliError('usage: npx gatehouse secrets provider <name> --stage <stage> < value-file');
  if (!value) throw new CliError('no value on stdin');
  const store = storeOf(target);
  const secretName = stageSecretNames(target.stage).providers;
  const current = await store.readSecret(secretName, { fresh: true });
  const doc = current ? (JSON.parse(current) as Record<string, string>) : {};
  doc[name] = value;
  await writeStageSecrets(store, target.stage, { providers: doc });
  return `set "${name}" in ${secretName}; reference it as {"$secret": "${name}"} in the provider configuration`;
}
