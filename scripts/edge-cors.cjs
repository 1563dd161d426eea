// The HTTP API's CORS configuration (API Gateway's CorsConfiguration), built in one place for
// serverless.yml (`${file(./scripts/edge-cors.cjs):cors}`) and for the local stack's front, so the
// allow-list a browser meets locally is exactly the one deployed.
'use strict';

/** Stages that only ever run on a developer's machine or in the test run. */
const LOCAL_STAGES = ['local'];
/** Without GATEHOUSE_ALLOWED_ORIGINS a local stack admits an app's dev server on the usual ports. */
const LOCAL_DEFAULT = ['3000', '5173', '8080'].flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);

const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'X-Requested-With'];
const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const EXPOSED_HEADERS = ['X-BaaS-Location', 'X-Stitch-Location', 'Retry-After'];
const MAX_AGE_SECONDS = 600;

/**
 * The CORS configuration of `stage` from GATEHOUSE_ALLOWED_ORIGINS (comma-separated origins). Throws
 * when a non-local stage has no list, and on `*` anywhere: credentials are allowed, and API Gateway
 * refuses a wildcard origin with credentials.
 */
function edgeCors(stage, env) {
  const raw = (env.GATEHOUSE_ALLOWED_ORIGINS ?? '').trim();
  const listed = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const hint = 'set GATEHOUSE_ALLOWED_ORIGINS to the comma-separated origins of your web apps, e.g. https://app.example.com,https://admin.example.com';
  if (listed.includes('*')) throw new Error(`GATEHOUSE_ALLOWED_ORIGINS may not be "*": the API allows credentials, so every origin must be named (${hint})`);
  for (const origin of listed) {
    if (!/^https?:\/\/[^/?#\s]+$/.test(origin)) throw new Error(`GATEHOUSE_ALLOWED_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`);
  }
  if (listed.length === 0 && !LOCAL_STAGES.includes(stage)) {
    throw new Error(`stage "${stage}" needs an explicit browser origin list: ${hint}`);
  }
  return {
    allowedOrigins: listed.length ? listed : LOCAL_DEFAULT,
    allowCredentials: true,
    allowedHeaders: ALLOWED_HEADERS,
    allowedMethods: ALLOWED_METHODS,
    exposedResponseHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE_SECONDS,
  };
}

/** serverless.yml's variable source: the stage as packaging resolves it. */
async function cors({ options, resolveVariable }) {
  const stage = options.stage ?? (await resolveVariable('sls:stage'));
  return edgeCors(stage, process.env);
}

module.exports = { cors, edgeCors, LOCAL_STAGES, LOCAL_DEFAULT };
