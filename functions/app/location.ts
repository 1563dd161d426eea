import { config } from '../../lib/config';
import { locationOf } from '../../lib/discovery';
import { publicBaseUrl, requireApp } from '../../lib/app';
import { json, route } from '../../lib/http';

export const handler = route(async (req) => {
  requireApp(req);
  return json(200, locationOf(publicBaseUrl(req), config().region));
});
