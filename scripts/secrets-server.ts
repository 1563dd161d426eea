/**
 * A local AWS Secrets Manager: the real wire protocol (JSON 1.1 over HTTP POST, the operation in
 * `X-Amz-Target`, SigV4 headers accepted unchecked), in memory, for `npm start` and the tests. The SDK
 * reaches it through `endpoint`, so the code path is the one that runs in AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';

interface Version {
  id: string;
  value: string;
  stages: Set<string>;
  created: number;
}

interface Secret {
  name: string;
  arn: string;
  description?: string;
  versions: Version[];
  created: number;
}

class Failure extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const ACCOUNT = '000000000000';

export interface SecretsServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts the server on `port` (a free one by default) of 127.0.0.1. */
export async function startSecretsServer(port = 0, region = 'us-east-1'): Promise<SecretsServer> {
  const secrets = new Map<string, Secret>();

  function find(id: unknown): Secret {
    const secret = typeof id === 'string' ? (secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id)) : undefined;
    if (!secret) throw new Failure('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  function label(secret: Secret, version: Version, stages: string[]): void {
    for (const stage of stages) {
      const holder = secret.versions.find((v) => v.stages.has(stage));
      if (stage === 'AWSCURRENT' && holder && holder !== version) {
        holder.stages.delete('AWSCURRENT');
        for (const v of secret.versions) v.stages.delete('AWSPREVIOUS');
        holder.stages.add('AWSPREVIOUS');
      } else holder?.stages.delete(stage);
      version.stages.add(stage);
    }
    // Secrets Manager drops versions no label points at once there are many; two kept unlabelled suffice here.
    const unlabelled = secret.versions.filter((v) => v.stages.size === 0);
    if (unlabelled.length > 2) secret.versions = secret.versions.filter((v) => v.stages.size > 0 || unlabelled.slice(-2).includes(v));
  }

  function addVersion(secret: Secret, input: Record<string, any>, stages: string[]): Version {
    if (typeof input.SecretString !== 'string') throw new Failure('InvalidParameterException', 'SecretString is required here.');
    if (Buffer.byteLength(input.SecretString) > 65_536) throw new Failure('InvalidParameterException', 'SecretString exceeds 65536 bytes.');
    const id = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
    const existing = secret.versions.find((v) => v.id === id);
    if (existing) return existing;
    const version: Version = { id, value: input.SecretString, stages: new Set(), created: Date.now() / 1000 };
    secret.versions.push(version);
    label(secret, version, stages);
    return version;
  }

  const stagesOf = (secret: Secret) => Object.fromEntries(secret.versions.filter((v) => v.stages.size).map((v) => [v.id, [...v.stages]]));

  const operations: Record<string, (input: Record<string, any>) => unknown> = {
    CreateSecret(input) {
      if (typeof input.Name !== 'string' || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(input.Name)) throw new Failure('InvalidParameterException', 'Invalid name.');
      if (secrets.has(input.Name)) throw new Failure('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
      const secret: Secret = {
        name: input.Name,
        arn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${input.Name}-${randomBytes(3).toString('hex')}`,
        description: input.Description,
        versions: [],
        created: Date.now() / 1000,
      };
      const version = input.SecretString === undefined ? undefined : addVersion(secret, input, ['AWSCURRENT']);
      secrets.set(secret.name, secret);
      return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.id } : {}) };
    },
    PutSecretValue(input) {
      const secret = find(input.SecretId);
      const stages = Array.isArray(input.VersionStages) && input.VersionStages.length ? input.VersionStages : ['AWSCURRENT'];
      const version = addVersion(secret, input, stages);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
    },
    GetSecretValue(input) {
      const secret = find(input.SecretId);
      const stage = input.VersionStage ?? (input.VersionId ? undefined : 'AWSCURRENT');
      const version = secret.versions.find((v) => (input.VersionId === undefined || v.id === input.VersionId) && (stage === undefined || v.stages.has(stage)));
      if (!version) throw new Failure('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: " + stage);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.id, SecretString: version.value, VersionStages: [...version.stages], CreatedDate: version.created };
    },
    DescribeSecret(input) {
      const secret = find(input.SecretId);
      return { ARN: secret.arn, Name: secret.name, Description: secret.description, CreatedDate: secret.created, VersionIdsToStages: stagesOf(secret) };
    },
    UpdateSecretVersionStage(input) {
      const secret = find(input.SecretId);
      const from = input.RemoveFromVersionId && secret.versions.find((v) => v.id === input.RemoveFromVersionId);
      const holder = secret.versions.find((v) => v.stages.has(input.VersionStage));
      if (holder && input.MoveToVersionId && holder.id !== input.MoveToVersionId && holder !== from) {
        throw new Failure('InvalidParameterException', `The staging label ${input.VersionStage} is attached to version ${holder.id}; name it in RemoveFromVersionId.`);
      }
      from?.stages.delete(input.VersionStage);
      const to = input.MoveToVersionId && secret.versions.find((v) => v.id === input.MoveToVersionId);
      if (input.MoveToVersionId && !to) throw new Failure('ResourceNotFoundException', 'No such version.');
      if (to) {
        if (input.VersionStage === 'AWSCURRENT' && from) {
          for (const v of secret.versions) v.stages.delete('AWSPREVIOUS');
          from.stages.add('AWSPREVIOUS');
        }
        to.stages.add(input.VersionStage);
      }
      return { ARN: secret.arn, Name: secret.name };
    },
    ListSecrets() {
      return { SecretList: [...secrets.values()].map((s) => ({ ARN: s.arn, Name: s.name, SecretVersionsToStages: stagesOf(s) })) };
    },
    DeleteSecret(input) {
      const secret = find(input.SecretId);
      secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = (status: number, body: unknown, type?: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), ...(type ? { 'x-amzn-errortype': type } : {}) });
      res.end(JSON.stringify(body));
    };
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? operations[target.slice('secretsmanager.'.length)] : undefined;
    if (req.method !== 'POST' || !operation) return answer(400, { __type: 'UnknownOperationException', message: `unknown operation ${target}` }, 'UnknownOperationException');
    try {
      const input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      answer(200, operation(input));
    } catch (error) {
      const type = error instanceof Failure ? error.type : 'InvalidRequestException';
      answer(400, { __type: type, message: (error as Error).message }, type);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const { port: bound } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
