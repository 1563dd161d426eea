import type { TokenRuntime } from './token-runtime';

/** The location document (protocol §3): every later client request goes to `hostname`. */
export function locationOf(baseUrl: string, region: string) {
  return {
    deployment_model: 'GLOBAL',
    location: region,
    hostname: baseUrl,
    ws_hostname: baseUrl.replace(/^http/, 'ws'),
  };
}

/** OIDC discovery for services that verify access tokens themselves. */
export function openIdConfiguration(rt: TokenRuntime) {
  const { issuer } = rt.config;
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'typ', 'baas_id', 'baas_device_id', 'baas_domain_id', 'user_data'],
  };
}

export async function jwksOf(rt: TokenRuntime): Promise<{ keys: unknown[] }> {
  return { keys: await rt.tokens.currentJwks() };
}
