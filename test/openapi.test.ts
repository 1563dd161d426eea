import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { errorTable } from '../lib/errors';
import { openApiDocument } from '../lib/openapi';
import { ROOT, isAdminPath, readServerlessYml } from '../scripts/local-stack';

type Operation = { tags: string[]; responses: Record<string, { content?: Record<string, { schema: Record<string, any> }> }> };
type PathItem = Record<string, unknown> & { servers?: { url: string }[] };

const doc = openApiDocument() as { openapi: string; paths: Record<string, PathItem>; components: Record<string, any> };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** `{file+}` (API Gateway's greedy parameter) is `{file}` in OpenAPI. */
const normalised = (path: string) => path.replace(/\{(\w+)\+\}/g, '{$1}');

/** Every httpApi route of serverless.yml as `METHOD path`, with the file of the handler that serves it. */
function declaredRoutes(): Map<string, string> {
  const routes = new Map<string, string>();
  for (const fn of Object.values<any>(readServerlessYml().functions)) {
    for (const event of fn.events ?? []) {
      if (!event.httpApi) continue;
      const key = typeof event.httpApi === 'string' ? event.httpApi : `${event.httpApi.method} ${event.httpApi.path}`;
      if (key === '*') continue; // the catch-all: any other route is NotFound (info.description)
      const [method, path] = key.split(' ');
      routes.set(`${method.toUpperCase()} ${normalised(path)}`, join(ROOT, fn.handler.replace(/\.handler$/, '.ts')));
    }
  }
  return routes;
}

function documentedOperations(): Map<string, { item: PathItem; operation: Operation }> {
  const found = new Map<string, { item: PathItem; operation: Operation }>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) if (item[method]) found.set(`${method.toUpperCase()} ${path}`, { item, operation: item[method] as Operation });
  }
  return found;
}

/** The error codes each status of an operation's responses names (`error_code` narrowed to an enum). */
function errorCodesOf(operation: Operation): Map<number, string[]> {
  const byStatus = new Map<number, string[]>();
  for (const [status, response] of Object.entries(operation.responses)) {
    const schema = response.content?.['application/json']?.schema;
    if (schema?.$ref !== '#/components/schemas/Error') continue;
    byStatus.set(Number(status), schema.properties.error_code.enum);
  }
  return byStatus;
}

const WIRE_CODES = new Set(errorTable.map((row) => row.code));

/** The codes a TSDoc names after "throws" or "refuses" (STYLE: each exported lib function names what it throws). */
function thrownIn(comment: string): string[] {
  return comment
    .split(/\.\s/)
    .filter((sentence) => /throw|refuse|refused/i.test(sentence))
    .flatMap((sentence) => [...sentence.matchAll(/\b[A-Z][A-Za-z]+\b/g)].map(([word]) => word))
    .filter((word) => WIRE_CODES.has(word));
}

function tsdocOf(file: string, name: string): string {
  const text = readFileSync(file, 'utf8');
  const declared = new RegExp(`(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*export (?:async )?(?:function|const|class) ${name}\\b`).exec(text);
  return declared?.[1] ?? '';
}

/** Codes a function throws or not by the schema it is given: readBody's follow the body (checked below, from the schema). */
const BY_SCHEMA: Record<string, string[]> = { readBody: ['MissingParameter', 'InvalidParameter'] };

/**
 * What a handler's own code says it can answer: the codes it throws itself, and those the TSDoc of
 * each lib function it calls names. A lower bound (a callee's callee is not read), so it cannot demand
 * a code the route never answers, only miss some.
 */
function codesOfHandler(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const codes = [...source.matchAll(/AppError\('(\w+)'/g)].map(([, code]) => code);
  for (const [, names, from] of source.matchAll(/import \{([^}]+)\} from '(\.[^']+)'/g)) {
    const base = resolve(dirname(file), from);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
    if (!target) continue;
    for (const name of names.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s/)[0])) {
      if (!name || !new RegExp(`\\b${name}\\(`).test(source)) continue;
      const bySchema = BY_SCHEMA[name] ?? [];
      codes.push(...thrownIn(tsdocOf(target, name)).filter((code) => !bySchema.includes(code)));
    }
  }
  return [...new Set(codes)];
}

describe('the OpenAPI description (GET /openapi.json)', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('describes every route of serverless.yml, and only those', () => {
    const declared = [...declaredRoutes().keys()].sort();
    const documented = [...documentedOperations().keys()].sort();
    expect(declared.length).toBeGreaterThan(60);
    expect(documented).toEqual(declared);
    expect(declared).toContain('GET /openapi.json');
  });

  it('puts the admin API’s routes on the admin API’s server and the rest on the client API’s', () => {
    for (const [key, { item, operation }] of documentedOperations()) {
      const path = key.split(' ')[1];
      const admin = isAdminPath(path);
      expect(item.servers?.map((s) => s.url) ?? ['/'], key).toEqual(admin ? ['{adminApiUrl}'] : ['/']);
      expect(['admin', 'console'].includes(operation.tags[0]), key).toBe(admin);
    }
    expect(isAdminPath('/console/{file}')).toBe(true);
  });

  it('names only codes of the error table, each under the status the table gives it', () => {
    const rows = new Set(errorTable.map(({ code, status }) => `${code} ${status}`));
    let named = 0;
    for (const [key, { operation }] of documentedOperations()) {
      for (const [status, codes] of errorCodesOf(operation)) {
        expect(codes.length, `${key} ${status}`).toBeGreaterThan(0);
        for (const code of codes) {
          expect(rows.has(`${code} ${status}`), `${key}: ${code} under ${status}`).toBe(true);
          named += 1;
        }
      }
    }
    expect(named).toBeGreaterThan(300);
    // The error body every failure has.
    expect(doc.components.schemas.Error.required).toEqual(['error', 'error_code']);
  });

  it('documents for each route the errors every route answers and those its handler throws or calls', () => {
    const everyRoute = ['BadRequest', 'PayloadTooLarge', 'HeadersTooLarge', 'InternalServerError'];
    const operations = documentedOperations();
    let fromHandlers = 0;
    const missing: string[] = [];
    for (const [key, file] of declaredRoutes()) {
      const operation = operations.get(key)?.operation;
      expect(operation, key).toBeDefined();
      const documented = new Set([...errorCodesOf(operation as Operation).values()].flat());
      const thrown = codesOfHandler(file);
      fromHandlers += thrown.length;
      missing.push(...[...everyRoute, ...thrown].filter((code) => !documented.has(code)).map((code) => `${key} may answer ${code}`));
    }
    expect(missing).toEqual([]);
    // The scan finds what it should: a handler's own throw, a lib function's TSDoc.
    expect(codesOfHandler(join(ROOT, 'functions/providers/unknown.ts'))).toContain('AuthProviderNotFound');
    expect(codesOfHandler(join(ROOT, 'functions/api-keys/get.ts'))).toEqual(expect.arrayContaining(['MissingAuthReq', 'InvalidSession', 'APIKeyNotFound']));
    expect(fromHandlers).toBeGreaterThan(100);
  });

  it('gives tokens, bodies and app paths their failures', () => {
    for (const [key, { operation }] of documentedOperations()) {
      const codes = new Set([...errorCodesOf(operation).values()].flat());
      const security = (operation as { security?: Record<string, string[]>[] }).security ?? [];
      // The example route's token is checked by API Gateway's authorizer, which answers for itself.
      if (key === 'GET /api/example/whoami') expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
      else if (security.length) expect(codes.has('MissingAuthReq') && codes.has('InvalidSession'), key).toBe(true);
      if (key.includes('/app/{app}/')) expect(codes.has('AppNotFound'), key).toBe(true);
      const body = (operation as { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }).requestBody;
      if (body?.content['application/json']?.schema.required?.length) expect(codes.has('MissingParameter'), key).toBe(true);
    }
  });
});
