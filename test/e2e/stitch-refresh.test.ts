import { describe, expect, it } from 'vitest';
import {
  AnonymousCredential,
  MemoryStorage,
  NodeFetchStreamTransport,
  Stitch,
  StitchAppClientConfiguration,
  type StitchServiceError,
  UserPasswordAuthProviderClient,
  UserPasswordCredential,
} from 'mongodb-stitch-server-sdk';
import { uniqueEmail } from '../helpers/events';
import { E2E_APP, e2eStack } from './stack';

const stack = e2eStack();

/** The SDK's own transport, recording `METHOD path → status` of every request. */
class RecordingTransport extends NodeFetchStreamTransport {
  readonly log: string[] = [];

  override async roundTrip(request: Parameters<NodeFetchStreamTransport['roundTrip']>[0]) {
    const response = await super.roundTrip(request);
    this.log.push(`${request.method} ${new URL(request.url).pathname.replace(/^\/api\/client\/v2\.0/, '')} ${response.statusCode}`);
    return response;
  }
}

const transport = new RecordingTransport();
const client = Stitch.initializeAppClient(
  E2E_APP,
  new StitchAppClientConfiguration.Builder().withBaseUrl(stack.baseUrl).withStorage(new MemoryStorage(E2E_APP)).withTransport(transport).build(),
);

/** Puts an access token in the SDK's session, as if the one it holds had expired in the meantime. */
function holdAccessToken(accessToken: string): void {
  const auth = client.auth as unknown as { activeUserAuthInfo: object };
  const info = auth.activeUserAuthInfo;
  auth.activeUserAuthInfo = Object.assign(Object.create(Object.getPrototypeOf(info)), info, { accessToken });
}

async function expiredAccessToken(): Promise<string> {
  const user = client.auth.user!;
  const [, payload] = (client.auth as unknown as { activeUserAuthInfo: { accessToken: string } }).activeUserAuthInfo.accessToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const hourAgo = await stack.runtimeAt(-3_600_000);
  return hourAgo.tokens.signAccess({ userId: user.id, sessionId: claims.baas_id, deviceId: claims.baas_device_id });
}

describe('mongodb-stitch-server-sdk 4.9.0, check 16', () => {
  const password = 'a long password';
  const registered = async (tag: string) => {
    const email = uniqueEmail(tag);
    await client.auth.getProviderClient(UserPasswordAuthProviderClient.factory).registerWithEmail(email, password);
    return email;
  };

  it('logs in, refreshes once and retries once on an expired access token, and names the error codes', async () => {
    const email = await registered('stitch16');
    await expect(client.auth.loginWithCredential(new UserPasswordCredential(email, password))).resolves.toMatchObject({ loggedInProviderType: 'local-userpass' });

    // functions/call answers 404 whatever the token (protocol §9), so the access-token request here is a link.
    const anonymous = await client.auth.loginWithCredential(new AnonymousCredential());
    const linked = await registered('stitch16-link');
    holdAccessToken(await expiredAccessToken());
    transport.log.length = 0;
    await expect(anonymous.linkWithCredential(new UserPasswordCredential(linked, password))).resolves.toBeDefined();
    const link = 'POST /app/gatehouse-e2e/auth/providers/local-userpass/login';
    expect(transport.log).toEqual([`${link} 401`, 'POST /auth/session 201', `${link} 200`, 'GET /auth/profile 200']);

    const refreshToken = (client.auth as unknown as { activeUserAuthInfo: { refreshToken: string } }).activeUserAuthInfo.refreshToken;
    const logout = await fetch(`${stack.client}/auth/session`, { method: 'DELETE', headers: { Authorization: `Bearer ${refreshToken}` } });
    expect(logout.status).toBe(204);
    const late = await registered('stitch16-late');
    holdAccessToken(await expiredAccessToken());
    transport.log.length = 0;
    const ended = (await client.auth.user!.linkWithCredential(new UserPasswordCredential(late, password)).catch((e: unknown) => e)) as StitchServiceError;
    expect(ended.errorCodeName).toBe('InvalidSession');
    expect(transport.log).toEqual([`${link} 401`, 'POST /auth/session 401']);
    expect(client.auth.isLoggedIn).toBe(false);
  });
});
