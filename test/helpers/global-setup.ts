import type { TestProject } from 'vitest/node';
import { createTables, startDynamo } from '../../scripts/local-stack';
import { generateKeySet } from '../../lib/tokens';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    tableName: string;
    signingKeys: string;
  }
}

/** One DynamoDB Local for the whole run, with the tables of serverless.yml and a throw-away key set. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamo();
  const [tableName] = await createTables(dynamo.endpoint);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('tableName', tableName);
  project.provide('signingKeys', JSON.stringify(await generateKeySet()));
  return () => dynamo.stop();
}
