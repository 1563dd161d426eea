import * as Realm from 'realm-web';
import { inject } from 'vitest';
import { loadConfig } from '../../lib/config';
import { type Runtime, buildRuntime } from '../../lib/runtime';
import { E2E_APP } from '../helpers/global-setup';

export { E2E_APP };

export interface Stack {
  baseUrl: string;
  client: string;
  /** A runtime with the stack's keys and issuer, for minting tokens at another time. */
  runtimeAt(offsetMs: number): Promise<Runtime>;
}

/** The run's serverless offline stack (started by the global set-up), on its DynamoDB Local and keys. */
export function e2eStack(): Stack {
  const baseUrl = inject('e2eBaseUrl');
  const env = { GATEHOUSE_APP_ID: E2E_APP, GATEHOUSE_ISSUER: baseUrl, GATEHOUSE_SIGNING_KEYS: inject('signingKeys') };
  return {
    baseUrl,
    client: `${baseUrl}/api/client/v2.0`,
    runtimeAt: (offsetMs) => buildRuntime(loadConfig({ ...process.env, ...env }), () => Date.now() + offsetMs),
  };
}

/** One request a client made, and what it got back. */
export interface Exchange {
  method: string;
  url: string;
  authorization?: string;
  body?: string;
  status: number;
  contentType: string | null;
  responseText: string;
}

/** A fetch for realm-web's `fetch` option that records every exchange. */
export function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    const response = await fetch(input, init);
    const responseText = await response.clone().text();
    log.push({
      method: init?.method ?? 'GET',
      url,
      authorization: headers.get('authorization') ?? undefined,
      body: typeof init?.body === 'string' ? init.body : undefined,
      status: response.status,
      contentType: response.headers.get('content-type'),
      responseText,
    });
    return response;
  };
}

/** Fresh in-memory storage for a realm-web App (the SDK's own default is shared per process). */
export class FreshStorage {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  constructor(private readonly base = '') {}
  get(key: string): string | null {
    return this.values.get(this.base + key) ?? null;
  }
  set(key: string, value: string): void {
    this.values.set(this.base + key, value);
    this.listeners.forEach((l) => l());
  }
  remove(key: string): void {
    this.values.delete(this.base + key);
    this.listeners.forEach((l) => l());
  }
  prefix(part: string): FreshStorage {
    const child = new FreshStorage(`${this.base}${part}:`);
    Object.assign(child, { values: this.values, listeners: this.listeners });
    return child;
  }
  clear(prefix = ''): void {
    for (const key of [...this.values.keys()]) if (key.startsWith(this.base + prefix)) this.values.delete(key);
  }
  addListener(listener: () => void): void {
    this.listeners.add(listener);
  }
  removeListener(listener: () => void): void {
    this.listeners.delete(listener);
  }
}

/** A realm-web App against the run's stack, with its own storage (and a log of its requests). */
export function newApp(log: Exchange[] = []): Realm.App {
  return new Realm.App({ id: E2E_APP, baseUrl: e2eStack().baseUrl, storage: new FreshStorage() as never, fetch: recordingFetch(log) as never });
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Realm.MongoDBRealmError> {
  try {
    await promise;
  } catch (error) {
    return error as Realm.MongoDBRealmError;
  }
  throw new Error('expected a rejection');
}
