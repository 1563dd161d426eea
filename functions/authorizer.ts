import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { type Principal, authorizeRequest, createAuthorizer } from '../lib/authorizer';
import { runtime } from '../lib/runtime';

let check: ((token: string) => Promise<Principal>) | undefined;

/** Lambda authorizer (HTTP API, simple responses) for downstream routes. */
export const handler = async (event: APIGatewayRequestAuthorizerEventV2) => {
  check ??= createAuthorizer(await runtime());
  return authorizeRequest(check, event);
};
