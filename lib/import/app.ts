import { PROVIDER_TYPES } from '../config/providers';

/**
 * `gatehouse import app <dir>`: an App Services app export (as the App Services CLI pulls it or the UI
 * exports it) turned into Gatehouse's provider document and environment settings, with a report of what
 * carried over, what still needs a value, and what Gatehouse does not do (docs/moving.md).
 */
export interface AppExport {
  /** realm_config.json (or the older config.json). */
  config?: Record<string, any>;
  /** auth/providers.json. */
  providers?: Record<string, any>;
  /** auth/custom_user_data.json. */
  customUserData?: Record<string, any>;
  /** The names in functions/config.json. */
  functions: string[];
  /** Top-level folders of the export (triggers, http_endpoints, data_sources, …). */
  folders: string[];
}

export interface AppImport {
  providers: Record<string, Record<string, unknown>>;
  env: Record<string, string>;
  carried: string[];
  needs: string[];
  unsupported: string[];
}

const OAUTH_FIELDS = new Set(['name', 'email', 'picture', 'first_name', 'last_name']);
/** Folders of an export that hold what Gatehouse does not run. */
const OTHER_FOLDERS: Record<string, string> = {
  triggers: 'database, scheduled and authentication triggers (Gatehouse fires authentication triggers to a Lambda of yours: docs/custom-data.md)',
  http_endpoints: 'HTTPS endpoints',
  data_sources: 'linked MongoDB data sources and their rules',
  sync: 'Device Sync',
  graphql: 'the GraphQL API',
  hosting: 'static hosting',
  services: 'third-party services',
  values: 'values and secrets (the secrets themselves are never in an export)',
  environments: 'environment values',
  log_forwarders: 'log forwarders',
};

const secret = (name: unknown) => ({ $secret: String(name) });

/** Maps an export; `lambdas` names the Lambda function that stands for each App Services function. */
export function convertApp(app: AppExport, lambdas: Record<string, string> = {}): AppImport {
  const out: AppImport = { providers: {}, env: {}, carried: [], needs: [], unsupported: [] };
  const lambda = (fn: unknown, what: string): string => {
    const name = String(fn);
    if (!app.functions.includes(name) && app.functions.length) out.needs.push(`${what}: the export names function "${name}", which functions/config.json does not list`);
    if (lambdas[name]) return lambdas[name];
    out.needs.push(`${what}: a Lambda function doing what App Services function "${name}" did (pass --lambda ${name}=<function name>)`);
    return `<Lambda for ${name}>`;
  };
  const secretNeeded = (name: unknown, what: string) =>
    out.needs.push(`${what}: the value of App Services secret "${String(name)}" (npx gatehouse secrets provider ${String(name)} --stage <stage> < value-file)`);

  const appId = app.config?.app_id ?? app.config?.client_app_id;
  if (typeof appId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(appId)) {
    out.env.GATEHOUSE_APP_ID = appId;
    out.carried.push(`app id ${appId}: SDKs keep their App(id) (GATEHOUSE_APP_ID)`);
  } else out.needs.push('GATEHOUSE_APP_ID: no app_id in realm_config.json or config.json');
  if (app.config?.deployment_model || app.config?.location) out.carried.push(`deployment ${app.config.deployment_model ?? ''} ${app.config.location ?? ''}: choose the AWS region you deploy to`.replace(/\s+/g, ' '));

  for (const [name, p] of Object.entries(app.providers ?? {})) {
    const type = String(p?.type ?? name);
    const enabled = p?.disabled !== true;
    const config = (p?.config ?? {}) as Record<string, any>;
    const secrets = (p?.secret_config ?? {}) as Record<string, any>;
    const state = enabled ? 'enabled' : 'disabled';
    if (!(PROVIDER_TYPES as readonly string[]).includes(type)) {
      out.unsupported.push(`provider ${type} (${state}): Gatehouse has no such provider`);
      continue;
    }
    switch (type) {
      case 'anon-user':
      case 'api-key':
        out.providers[type] = { enabled };
        out.carried.push(`${type} (${state})`);
        break;
      case 'local-userpass': {
        const settings: Record<string, unknown> = { enabled, autoConfirm: config.autoConfirm === true };
        for (const key of ['emailConfirmationUrl', 'confirmEmailSubject', 'resetPasswordUrl', 'resetPasswordSubject']) if (config[key]) settings[key] = config[key];
        if (config.runConfirmationFunction === true) Object.assign(settings, { runConfirmationFunction: true, confirmationFunctionName: lambda(config.confirmationFunctionName, 'local-userpass confirmation function') });
        if (config.runResetFunction === true) Object.assign(settings, { runResetFunction: true, resetFunctionName: lambda(config.resetFunctionName, 'local-userpass reset function') });
        out.providers[type] = settings;
        out.carried.push(`local-userpass (${state}): confirmation and reset settings${config.runConfirmationFunction || config.runResetFunction ? ', functions by Lambda name' : ''}`);
        if (!config.autoConfirm && !config.runConfirmationFunction && !config.emailConfirmationUrl) out.needs.push('local-userpass: emailConfirmationUrl (confirmation by email needs the page that confirms)');
        break;
      }
      case 'oauth2-google':
      case 'oauth2-facebook': {
        const google = type === 'oauth2-google';
        const fields = (Array.isArray(p.metadata_fields) ? p.metadata_fields : []).map((f: any) => String(f?.name)).filter((f: string) => OAUTH_FIELDS.has(f));
        const settings: Record<string, unknown> = { enabled, ...(google ? { clientIds: [String(config.clientId ?? '<client id>')] } : { appId: String(config.clientId ?? '<app id>') }) };
        if (secrets.clientSecret) {
          settings[google ? 'clientSecret' : 'appSecret'] = secret(secrets.clientSecret);
          secretNeeded(secrets.clientSecret, type);
        } else if (!google) out.needs.push('oauth2-facebook: appSecret');
        if (Array.isArray(p.redirect_uris) && p.redirect_uris.length) settings.redirectUris = p.redirect_uris;
        if (fields.length) settings.metadataFields = fields;
        out.providers[type] = settings;
        out.carried.push(`${type} (${state}): client id, redirect URIs, metadata fields`);
        if (!config.clientId) out.needs.push(`${type}: the client id`);
        break;
      }
      case 'custom-token': {
        const algorithm = config.signingAlgorithm === 'RS256' ? 'RS256' : 'HS256';
        const settings: Record<string, unknown> = {
          enabled,
          signingAlgorithm: algorithm,
          audience: Array.isArray(config.audience) ? config.audience : config.audience ? [String(config.audience)] : ['<audience>'],
          requireAllAudiences: config.requireAnyAudience === false,
          metadataFields: (Array.isArray(p.metadata_fields) ? p.metadata_fields : []).map((f: any) => ({ name: String(f.name), fieldName: String(f.field_name ?? String(f.name).split('.').pop()), required: f.required === true })),
        };
        if (config.useJWKURI && config.jwkURI) settings.jwksUrl = config.jwkURI;
        else {
          const names: unknown[] = Array.isArray(secrets.signingKeys) ? secrets.signingKeys : secrets.signingKey ? [secrets.signingKey] : [];
          settings.keys = names.map((n) => (algorithm === 'HS256' ? { secret: secret(n) } : { pem: secret(n) }));
          for (const n of names) secretNeeded(n, 'custom-token signing key');
          if (!names.length) out.needs.push('custom-token: signing keys or jwksUrl');
        }
        if (!config.audience) out.needs.push('custom-token: the audience');
        out.providers[type] = settings;
        out.carried.push(`custom-token (${state}): ${algorithm}, ${settings.jwksUrl ? 'JWK URI' : 'signing keys by secret name'}, audience, metadata fields`);
        break;
      }
      case 'custom-function':
        out.providers[type] = { enabled, functionName: lambda(config.authFunctionName, 'custom-function authentication function') };
        out.carried.push(`custom-function (${state}): the authentication function, by Lambda name`);
        break;
      default:
        out.providers[type] = { enabled };
        out.needs.push(`${type}: its settings, by hand (docs/providers.md)`);
    }
  }

  const custom = app.customUserData;
  if (custom?.enabled === true) {
    out.env.GATEHOUSE_CUSTOM_DATA_USER_ID_FIELD = String(custom.user_id_field ?? 'userId');
    out.carried.push(`custom user data: the user id field "${out.env.GATEHOUSE_CUSTOM_DATA_USER_ID_FIELD}" (GATEHOUSE_CUSTOM_DATA_USER_ID_FIELD)`);
    out.unsupported.push(
      `custom user data in MongoDB (${custom.mongo_service_name ?? '?'}: ${custom.database_name ?? '?'}.${custom.collection_name ?? '?'}): Gatehouse keeps it in its own DynamoDB table; bring the documents as custom_data with import users`,
    );
  }
  const creation = custom?.on_user_creation_function_name ?? app.config?.on_user_creation_function_name;
  if (creation) {
    out.env.GATEHOUSE_USER_CREATION_FUNCTION = lambda(creation, 'user-creation function');
    out.carried.push('the user-creation function, by Lambda name (GATEHOUSE_USER_CREATION_FUNCTION)');
  }

  const referenced = new Set([...Object.values(out.providers).flatMap((p) => [p.confirmationFunctionName, p.resetFunctionName, p.functionName]), out.env.GATEHOUSE_USER_CREATION_FUNCTION]);
  const others = app.functions.filter((f) => !referenced.has(lambdas[f] ?? `<Lambda for ${f}>`));
  if (others.length) out.unsupported.push(`App Services functions (${others.join(', ')}): Gatehouse runs none; call your own Lambda functions instead`);
  for (const folder of app.folders) if (OTHER_FOLDERS[folder]) out.unsupported.push(`${folder}/: ${OTHER_FOLDERS[folder]}`);
  return out;
}
