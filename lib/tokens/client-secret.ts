import { SignJWT, importPKCS8 } from 'jose';

/**
 * A client secret that is itself a short ES256 JWT, signed with a PKCS#8 key (Sign in with Apple's:
 * `kid` = key id, `iss` = team id, `sub` = client id, `aud` = the provider's issuer).
 */
export async function signClientSecret(input: {
  privateKeyPem: string;
  keyId: string;
  issuer: string;
  subject: string;
  audience: string;
  now: number;
  seconds: number;
}): Promise<string> {
  const key = await importPKCS8(input.privateKeyPem, 'ES256');
  const iat = Math.floor(input.now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: input.keyId })
    .setIssuer(input.issuer)
    .setSubject(input.subject)
    .setAudience(input.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + input.seconds)
    .sign(key);
}
