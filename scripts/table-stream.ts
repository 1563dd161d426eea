/**
 * The table's stream on DynamoDB Local, read as Lambda's event source mapping reads it in AWS: records
 * of each shard in order, in Lambda's event shape, delivered to the stream function; a record the
 * function reports as failed (partial batch response) is delivered again, with the ones after it.
 * DynamoDB Local has streams but no TTL sweeper, so locally only deletions we make appear here.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/** A stream record as Lambda hands it to a function. */
export type LambdaStreamRecord = Record<string, unknown> & { dynamodb?: { SequenceNumber?: string } };

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** In Lambda's event shape: the same record, with its time in epoch seconds and the source ARN. */
export function toLambdaRecord(record: _Record, streamArn: string): LambdaStreamRecord {
  const { dynamodb, ...rest } = record;
  const created = dynamodb?.ApproximateCreationDateTime;
  return {
    ...rest,
    eventSourceARN: streamArn,
    dynamodb: { ...dynamodb, ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}) },
  };
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

/** Reads a stream shard by shard from where it was left; `read()` answers what arrived since the last call. */
export function streamReader(endpoint: string, streamArn: string, from: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON') {
  const streams = new DynamoDBStreamsClient({ endpoint, ...local });
  const iterators = new Map<string, string | undefined>();
  async function read(): Promise<LambdaStreamRecord[]> {
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
    for (const shard of shards) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const out = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: from }));
      iterators.set(shard.ShardId, out.ShardIterator);
    }
    const records: LambdaStreamRecord[] = [];
    for (const [shard, iterator] of iterators) {
      if (!iterator) continue;
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      iterators.set(shard, out.NextShardIterator);
      records.push(...(out.Records ?? []).map((r) => toLambdaRecord(r, streamArn)));
    }
    return records;
  }
  return { read, close: () => streams.destroy() };
}

/**
 * Delivers the table's stream to the stream function through serverless offline's Lambda endpoint,
 * every `intervalMs`, until stopped.
 */
export async function startStreamPoller(options: { dynamoEndpoint: string; tableName: string; lambdaEndpoint: string; functionName: string; intervalMs?: number }) {
  const reader = streamReader(options.dynamoEndpoint, await streamArnOf(options.dynamoEndpoint, options.tableName));
  const lambda = new LambdaClient({ endpoint: options.lambdaEndpoint, ...local });
  let pending: LambdaStreamRecord[] = [];
  let stopped = false;
  let failures = 0;
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
      } catch {
        // The stack is starting or stopping; the next round tries again.
        failures++;
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
