import type { TestProject } from 'vitest/node';
import { createTables, freePort, startDynamo, startOffline } from '../../scripts/local-stack';
import { generateKeySet } from '../../lib/tokens';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    tableName: string;
    signingKeys: string;
    e2eBaseUrl: string;
  }
}

export const E2E_APP = 'gatehouse-e2e';

/**
 * One DynamoDB Local for the whole run, with the tables of serverless.yml and a throw-away key set,
 * and one serverless offline stack on it that the end-to-end suites share.
 */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamo();
  const [tableName] = await createTables(dynamo.endpoint);
  const signingKeys = JSON.stringify(await generateKeySet());
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('tableName', tableName);
  project.provide('signingKeys', signingKeys);
  const offline = await startOffline({ port: await freePort(), appId: E2E_APP, dynamoEndpoint: dynamo.endpoint, signingKeys }).catch(
    async (error: unknown) => {
      await dynamo.stop();
      throw error;
    },
  );
  project.provide('e2eBaseUrl', offline.baseUrl);
  return async () => {
    await offline.stop();
    await dynamo.stop();
  };
}
