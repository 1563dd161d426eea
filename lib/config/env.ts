import { createHash } from 'node:crypto';

/** The environment as read: variable names to their values (lib/config/index.ts passes `process.env`). */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

export function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`configuration: ${name} must be set`);
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`configuration: ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function hexId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 24);
}

export function url(name: string, value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError(`configuration: ${name} must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}

export function optionalHexId(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (!/^[0-9a-f]{24}$/.test(value)) throw new ConfigError(`configuration: ${name} must be 24 hex digits`);
  return value;
}
