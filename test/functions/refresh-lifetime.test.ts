import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { handler as setExpiration } from '../../functions/admin/refresh-token-expiration';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { invoke } from '../helpers/events';
import { anonymousUser } from '../helpers/users';

describe('refresh-token lifetime setting', () => {
  it('applies to refresh tokens issued afterwards, within range only', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const params = { groupId: rt.config.groupId, appId: rt.config.domainId };
    const path = `/api/admin/v3.0/groups/${params.groupId}/apps/${params.appId}/security/refresh_token_expiration`;
    const put = (seconds: unknown) => invoke(setExpiration, { method: 'PUT', path, params, token, body: { expiration_time_seconds: seconds } });
    try {
      expect((await put(3600)).status).toBe(204);
      const claims = decodeJwt((await anonymousUser()).refresh_token);
      expect(claims.exp! - claims.iat!).toBe(3600);
      expect((await put(60)).body.error_code).toBe('BadRequest');
      expect((await put(15_552_001)).status).toBe(400);
    } finally {
      await put(5_184_000);
    }
    const claims = decodeJwt((await anonymousUser()).refresh_token);
    expect(claims.exp! - claims.iat!).toBe(5_184_000);
  });
});
