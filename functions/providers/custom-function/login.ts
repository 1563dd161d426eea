import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { logInWithFunction } from '../../../lib/providers/custom-function';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

/** The body is the app's own payload (EJSON-decoded), plus the SDKs' `options`. */
export const handler = route(async (req) => {
  requireApp(req);
  const { options, ...payload } = readBody(req, schemas.functionLogin);
  return json(200, await logInWithFunction(await runtime(), payload, readDeviceInfo({ options }), linkToken(req)));
});
