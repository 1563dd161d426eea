/**
 * The table's stream on DynamoDB Local, read as Lambda's event source mapping reads it in AWS: records
 * of each shard in order, in Lambda's event shape, delivered to the stream function; a record the
 * function reports as failed (partial batch response) is delivered again, with the ones after it.
 * DynamoDB Local has streams but no TTL sweeper, so locally only deletions we make appear here.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/** A stream record as Lambda hands it to a function: the service's JSON, attribute values as sent. */
export type LambdaStreamRecord = Record<string, unknown> & { eventName?: string; dynamodb?: { SequenceNumber?: string; Keys?: Record<string, { S?: string }> } };

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/**
 * One call of the DynamoDB Streams API on DynamoDB Local, as JSON on the wire. Not through the SDK's
 * client: it decodes attribute values into its own shapes (an empty map comes back as nothing), and
 * the function must get the records exactly as Lambda passes them on. DynamoDB Local checks no signature.
 */
async function streamsCall<T>(endpoint: string, action: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${action}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`DynamoDB Streams ${action} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export async function streamArnOf(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, ...local });
  try {
    const arn = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${tableName} has no stream`);
    return arn;
  } finally {
    client.destroy();
  }
}

type AttributeValue = Record<string, unknown>;

/**
 * DynamoDB Local's stream writes an empty map as `{}` where the service writes `{"M": {}}` (and the
 * SDK's unmarshall refuses `{}`): put the type back, at any depth, so records look as in AWS.
 */
function repair(value: AttributeValue): AttributeValue {
  if (!Object.keys(value).length) return { M: {} };
  if (value.M) return { M: repairImage(value.M as Record<string, AttributeValue>) };
  if (Array.isArray(value.L)) return { L: (value.L as AttributeValue[]).map(repair) };
  return value;
}

function repairImage(image: Record<string, AttributeValue> | undefined): Record<string, AttributeValue> | undefined {
  return image && Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repair(value)]));
}

function asInAws(record: LambdaStreamRecord, streamArn: string): LambdaStreamRecord {
  const images = record.dynamodb as { NewImage?: Record<string, AttributeValue>; OldImage?: Record<string, AttributeValue> } | undefined;
  const dynamodb = images && {
    ...images,
    ...(images.NewImage ? { NewImage: repairImage(images.NewImage) } : {}),
    ...(images.OldImage ? { OldImage: repairImage(images.OldImage) } : {}),
  };
  return { ...record, eventSourceARN: streamArn, ...(dynamodb ? { dynamodb: dynamodb as LambdaStreamRecord['dynamodb'] } : {}) };
}

/**
 * Reads a stream shard by shard from where it was left; `read()` answers what arrived since the last
 * call. `from` places the shards of the first read (LATEST: only what comes after it); shards that
 * open later are read from their start.
 */
export function streamReader(endpoint: string, streamArn: string, from: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON') {
  const iterators = new Map<string, string | undefined>();
  let first = true;
  async function read(): Promise<LambdaStreamRecord[]> {
    const described = await streamsCall<{ StreamDescription?: { Shards?: { ShardId?: string }[] } }>(endpoint, 'DescribeStream', { StreamArn: streamArn });
    for (const shard of described.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const type = first ? from : 'TRIM_HORIZON';
      const out = await streamsCall<{ ShardIterator?: string }>(endpoint, 'GetShardIterator', { StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: type });
      iterators.set(shard.ShardId, out.ShardIterator);
    }
    first = false;
    const records: LambdaStreamRecord[] = [];
    for (const [shard, iterator] of iterators) {
      if (!iterator) continue;
      try {
        const out = await streamsCall<{ Records?: LambdaStreamRecord[]; NextShardIterator?: string }>(endpoint, 'GetRecords', { ShardIterator: iterator, Limit: 1000 });
        iterators.set(shard, out.NextShardIterator);
        records.push(...(out.Records ?? []).map((r) => asInAws(r, streamArn)));
      } catch (error) {
        // DynamoDB Local answers some iterators it gave with TrimmedDataAccessException (and
        // any iterator expires): retried as it was, it would fail forever and the stream would stop.
        // As Lambda's event source mapping does when its place is gone, go on from the oldest record left
        // (records are delivered at least once; the stream function takes repeats).
        if (!/TrimmedDataAccessException|ExpiredIteratorException/.test((error as Error).message)) throw error;
        const out = await streamsCall<{ ShardIterator?: string }>(endpoint, 'GetShardIterator', { StreamArn: streamArn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' });
        iterators.set(shard, out.ShardIterator);
        process.stderr.write(`table stream: ${(error as Error).message.includes('Expired') ? 'an expired' : 'a trimmed'} iterator of shard ${shard}, read on from its oldest record\n`);
      }
    }
    return records;
  }
  return { read, close: () => undefined };
}

/**
 * Delivers the table's stream to the stream function through serverless offline's Lambda endpoint,
 * every `intervalMs`, until stopped.
 */
export async function startStreamPoller(options: { dynamoEndpoint: string; tableName: string; lambdaEndpoint: string; functionName: string; intervalMs?: number }) {
  // What happens from now on: a second stack on the same tables (the tests start some) does not replay
  // the first one's history.
  const reader = streamReader(options.dynamoEndpoint, await streamArnOf(options.dynamoEndpoint, options.tableName), 'LATEST');
  const lambda = new LambdaClient({ endpoint: options.lambdaEndpoint, ...local });
  let pending: LambdaStreamRecord[] = [];
  let stopped = false;
  let failures = 0;
  let lastSaid: string | undefined;
  async function deliver(records: LambdaStreamRecord[]): Promise<LambdaStreamRecord[]> {
    const out = await lambda.send(new InvokeCommand({ FunctionName: options.functionName, Payload: new TextEncoder().encode(JSON.stringify({ Records: records })) }));
    if (out.FunctionError) return records;
    const answer = JSON.parse(new TextDecoder().decode(out.Payload ?? new Uint8Array())) as { batchItemFailures?: { itemIdentifier: string }[] } | null;
    const failed = answer?.batchItemFailures?.[0]?.itemIdentifier;
    if (failed === undefined) return [];
    const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
    return records.slice(Math.max(index, 0));
  }
  const loop = (async () => {
    while (!stopped) {
      try {
        pending.push(...(await reader.read()));
        for (let i = 0; pending.length && !stopped && i < 10; i++) {
          const left = await deliver(pending.slice(0, 100));
          pending = [...left, ...pending.slice(100)];
          if (left.length) {
            failures++;
            break;
          }
          failures = 0;
        }
        lastSaid = undefined;
      } catch (error) {
        // The stack is starting or stopping; the next round tries again. Said once per kind of failure.
        failures++;
        const said = String((error as Error).message ?? error).slice(0, 300);
        if (said !== lastSaid) process.stderr.write(`table stream: ${said} (retrying)\n`);
        lastSaid = said;
      }
      await new Promise((r) => setTimeout(r, failures ? Math.min(5000, 250 * 2 ** Math.min(failures, 5)) : (options.intervalMs ?? 200)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      reader.close();
      lambda.destroy();
    },
  };
}
