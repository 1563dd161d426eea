import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { READY_LIMIT_MS } from '../../scripts/local-stack';
import { ADMIN_ENV, TEST_LIMITS } from './global-setup';

/** The stack project's stack, started in the background by its global set-up: wait until it is up. */
async function stackStarted(state: string): Promise<void> {
  const deadline = Date.now() + READY_LIMIT_MS + 60_000;
  while (!existsSync(join(state, 'ready'))) {
    if (existsSync(join(state, 'failed'))) throw new Error(`the test run's stack did not start: ${readFileSync(join(state, 'failed'), 'utf8')}`);
    if (Date.now() > deadline) throw new Error('the test run\'s stack did not start in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stackState = inject('stackState');
if (stackState) await stackStarted(stackState);

/** Handlers read their configuration from the environment at cold start, as in Lambda. */
process.env.GATEHOUSE_APP_ID = 'gatehouse-test';
process.env.GATEHOUSE_TABLE = inject('tableName');
process.env.GATEHOUSE_DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.GATEHOUSE_SIGNING_KEYS = inject('signingKeys');
process.env.GATEHOUSE_ISSUER = 'http://gatehouse.test';
process.env.GATEHOUSE_PROVIDERS = inject('providers');
// Without the stack there are no functions to call: a port nothing listens on refuses at once, and
// nothing reaches AWS.
process.env.GATEHOUSE_LAMBDA_ENDPOINT = inject('lambdaEndpoint') ?? 'http://127.0.0.1:9';
process.env.GATEHOUSE_CUSTOM_DATA_TABLE = inject('customDataTable');
process.env.GATEHOUSE_CUSTOM_DATA_SELF_SERVICE = 'true';
Object.assign(process.env, ADMIN_ENV);
process.env.GATEHOUSE_LIMITS = TEST_LIMITS;
process.env.GATEHOUSE_OUTBOX_DIR = inject('outboxDir');
