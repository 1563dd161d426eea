import { inject } from 'vitest';
import { outboxDir } from '../../scripts/local-stack';
import { ADMIN_ENV, TEST_LIMITS } from './global-setup';

/** Handlers read their configuration from the environment at cold start, as in Lambda. */
process.env.GATEHOUSE_APP_ID = 'gatehouse-test';
process.env.GATEHOUSE_TABLE = inject('tableName');
process.env.GATEHOUSE_DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.GATEHOUSE_SIGNING_KEYS = inject('signingKeys');
process.env.GATEHOUSE_ISSUER = 'http://gatehouse.test';
process.env.GATEHOUSE_PROVIDERS = inject('providers');
process.env.GATEHOUSE_LAMBDA_ENDPOINT = inject('lambdaEndpoint');
process.env.GATEHOUSE_CUSTOM_DATA_TABLE = inject('customDataTable');
process.env.GATEHOUSE_CUSTOM_DATA_SELF_SERVICE = 'true';
Object.assign(process.env, ADMIN_ENV);
process.env.GATEHOUSE_LIMITS = TEST_LIMITS;
process.env.GATEHOUSE_OUTBOX_DIR = outboxDir(Number(new URL(inject('e2eBaseUrl')).port));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
