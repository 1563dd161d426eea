'use strict';
/**
 * A serverless plugin that refuses to package or deploy a stage other than the local one without
 * what a working stack needs: an app id, an explicit issuer and its secrets in Secrets Manager. Each
 * refusal names what is missing and how to create it; a deploy that would answer 500 on every route,
 * or silently take `gatehouse-local` as its app id, never starts.
 */
// The deploying machine may run Node 20 (Lambda runs 22); the SDK's warning about it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { DescribeSecretCommand, SecretsManagerClient } = require('@aws-sdk/client-secrets-manager');

/** The stage `npm start` and the tests run (scripts/local-stack.ts, LOCAL_STAGE). */
const LOCAL_STAGES = new Set(['local']);

class DeployGuard {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options;
    this.log = utils?.log ?? console;
    this.hooks = {
      'before:package:initialize': () => this.check(),
      // `deploy --package <dir>` skips packaging: check before it deploys what was packaged.
      'before:deploy:deploy': () => this.check(),
    };
  }

  async check() {
    const service = this.serverless.service;
    const stage = service.provider.stage;
    if (LOCAL_STAGES.has(stage)) return;
    const env = process.env;
    const missing = [];
    if (!env.GATEHOUSE_APP_ID?.trim()) {
      missing.push('GATEHOUSE_APP_ID is not set: the app id your clients connect with, e.g. `export GATEHOUSE_APP_ID=myapp-prod`');
    }
    const issuer = env.GATEHOUSE_ISSUER?.trim();
    if (!issuer) {
      missing.push(
        'GATEHOUSE_ISSUER is not set: the stable public base URL of this stack, best a custom domain, e.g. `export GATEHOUSE_ISSUER=https://auth.example.com` (docs/deploying.md, "The issuer")',
      );
    } else if (/\.execute-api\.[^/]+\.amazonaws\.com/.test(issuer)) {
      this.log.warning(
        `Gatehouse: GATEHOUSE_ISSUER is the execute-api URL ${issuer}: re-creating the API or adding a custom domain later changes it and invalidates every refresh token; prefer a custom domain (docs/deploying.md, "The issuer").`,
      );
    }
    missing.push(...(await this.missingSecrets(stage)));
    if (missing.length) {
      throw new this.serverless.classes.Error(`Gatehouse: stage "${stage}" cannot be packaged or deployed:\n  - ${missing.join('\n  - ')}`);
    }
  }

  async missingSecrets(stage) {
    const service = this.serverless.service;
    const names = Object.values(service.custom?.secrets ?? {});
    const hint = `create it with \`npx gatehouse secrets init --stage ${stage}\``;
    const endpoint = process.env.GATEHOUSE_SECRETS_ENDPOINT?.trim() || undefined;
    const client = new SecretsManagerClient({
      region: service.provider.region,
      ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
    const missing = [];
    try {
      for (const name of names) {
        try {
          const found = await client.send(new DescribeSecretCommand({ SecretId: name }));
          const current = Object.values(found.VersionIdsToStages ?? {}).some((stages) => stages.includes('AWSCURRENT'));
          if (!current) missing.push(`the secret ${name} has no current value: ${hint}`);
        } catch (error) {
          if (error.name === 'ResourceNotFoundException') missing.push(`the secret ${name} does not exist: ${hint}`);
          else {
            missing.push(`cannot check the secret ${name} (${error.name}: ${error.message}); the deploying identity needs secretsmanager:DescribeSecret and AWS credentials`);
            break;
          }
        }
      }
    } finally {
      client.destroy();
    }
    return missing;
  }
}

module.exports = DeployGuard;
