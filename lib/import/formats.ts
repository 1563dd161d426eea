import { RESET_REQUIRED, firebaseHash } from '../imported-passwords';
import type { CustomData, UserType } from '../store';

/**
 * The export formats `gatehouse import users --from …` reads (docs/moving.md), each mapped to one
 * source-neutral candidate per record. Mappers check shapes only; lib/import/users.ts validates
 * emails, providers and hashes, so every refusal is reported the same way.
 */
export const SOURCES = ['gatehouse', 'app-services', 'firebase', 'supabase', 'auth0', 'cognito'] as const;
export type Source = (typeof SOURCES)[number];

export interface CandidateIdentity {
  provider_type: string;
  id: string;
  provider_data?: Record<string, unknown>;
  /** Kept as exported by Gatehouse; otherwise Gatehouse's own id of the provider in the target app. */
  provider_id?: string;
  /** Kept from an earlier import (a Gatehouse export of imported users). */
  imported?: { source: string; id: string };
}

export interface CandidateCredential {
  email: string;
  /** The identity id of the email/password identity; a new one is derived when absent. */
  identityId?: string;
  /** A stored-hash string (lib/imported-passwords.ts); RESET_REQUIRED when none was exported. */
  passwordHash: string;
  confirmed?: boolean;
  createdAt?: number;
}

export interface Candidate {
  /** The id in the source system (the user id itself for App Services and Gatehouse). */
  originalId: string;
  type: UserType;
  identities: CandidateIdentity[];
  data: Record<string, unknown>;
  customData?: CustomData;
  disabled: boolean;
  /** Unix seconds. */
  creationDate: number;
  lastAuthenticationDate: number;
  credentials: CandidateCredential[];
}

/** A record the mapper cannot read at all; `reason` goes to the refusal summary. */
export class Unreadable extends Error {}

/** Firebase's project-wide hash parameters (Authentication → Users → Password hash parameters). */
export interface FirebaseHashConfig {
  signerKey: string;
  saltSeparator: string;
  rounds: number;
  memCost: number;
}

export interface MapOptions {
  firebase?: FirebaseHashConfig;
}

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(cond: unknown, reason: string): asserts cond {
  if (!cond) throw new Unreadable(reason);
}

/** Unix seconds of an ISO date, a millisecond count (number or string) or seconds; `fallback` when absent. */
function seconds(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'number') return Math.floor(value > 1e11 ? value / 1000 : value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return seconds(Number(value), fallback);
  if (isObj(value) && typeof value.$date === 'string') return seconds(value.$date, fallback);
  const ms = Date.parse(String(value));
  need(Number.isFinite(ms), `unreadable date "${String(value)}"`);
  return Math.floor(ms / 1000);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Keeps only the defined, non-empty profile fields. */
function profile(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** Gatehouse's own export (`gatehouse export users`): the admin view plus credentials and custom data. */
function fromGatehouse(r: Obj, now: number): Candidate {
  need(typeof r._id === 'string', 'no "_id"');
  need(Array.isArray(r.identities), 'no "identities"');
  return {
    originalId: r._id,
    type: r.type === 'server' || r.type === 'system' ? r.type : 'normal',
    identities: r.identities.filter(isObj).map((i: Obj) => ({
      provider_type: String(i.provider_type),
      id: String(i.id),
      ...(typeof i.provider_id === 'string' ? { provider_id: i.provider_id } : {}),
      ...(isObj(i.provider_data) ? { provider_data: i.provider_data } : {}),
      ...(isObj(i.imported) ? { imported: { source: String(i.imported.source), id: String(i.imported.id) } } : {}),
    })),
    data: isObj(r.data) ? r.data : {},
    ...(isObj(r.custom_data) ? { customData: r.custom_data } : {}),
    disabled: r.disabled === true,
    creationDate: seconds(r.creation_date, now),
    lastAuthenticationDate: seconds(r.last_authentication_date, now),
    credentials: (Array.isArray(r.credentials) ? r.credentials : []).map((c: Obj) => ({
      email: String(c.email ?? ''),
      identityId: str(c.identity_id),
      passwordHash: str(c.password_hash) ?? RESET_REQUIRED,
      ...(c.confirmed === false ? { confirmed: false } : {}),
      ...(typeof c.created_at === 'number' ? { createdAt: c.created_at } : {}),
    })),
  };
}

/** App Services' admin API user documents (`GET …/users`), one a line, with `custom_data` if joined in. */
function fromAppServices(r: Obj, now: number): Candidate {
  need(typeof r._id === 'string' || isObj(r._id), 'no "_id"');
  const id = typeof r._id === 'string' ? r._id : String(r._id.$oid ?? '');
  need(Array.isArray(r.identities), 'no "identities"');
  const userpass = r.identities.filter((i: Obj) => i?.provider_type === 'local-userpass');
  return {
    originalId: id,
    type: r.type === 'server' ? 'server' : 'normal',
    identities: r.identities
      .filter(isObj)
      .map((i: Obj) => ({ provider_type: String(i.provider_type), id: String(i.id), ...(isObj(i.provider_data) ? { provider_data: i.provider_data } : {}) })),
    data: isObj(r.data) ? r.data : {},
    ...(isObj(r.custom_data) ? { customData: r.custom_data } : {}),
    disabled: r.disabled === true,
    creationDate: seconds(r.creation_date, now),
    lastAuthenticationDate: seconds(r.last_authentication_date, now),
    credentials: userpass.map((i: Obj) => ({
      email: String(i.provider_data?.email ?? r.data?.email ?? ''),
      identityId: String(i.id),
      passwordHash: RESET_REQUIRED,
    })),
  };
}

const FIREBASE_PROVIDERS: Record<string, string> = { 'google.com': 'oauth2-google', 'facebook.com': 'oauth2-facebook', 'apple.com': 'oauth2-apple' };

/** `firebase auth:export users.json --format=json`: `{"users": [...]}`, which it writes one user a line. */
function fromFirebase(r: Obj, now: number, options: MapOptions): Candidate {
  need(typeof r.localId === 'string', 'no "localId"');
  const providers = Array.isArray(r.providerUserInfo) ? r.providerUserInfo : [];
  let passwordHash = RESET_REQUIRED;
  if (str(r.passwordHash)) {
    need(options.firebase, 'a password hash, but no --hash-key/--salt-separator/--rounds/--mem-cost');
    passwordHash = firebaseHash(r.passwordHash, str(r.salt) ?? '', options.firebase);
  }
  const hasPassword = !!str(r.passwordHash) || providers.some((p: Obj) => p?.providerId === 'password');
  let custom: CustomData | undefined;
  if (str(r.customAttributes)) {
    try {
      custom = JSON.parse(r.customAttributes);
    } catch {
      throw new Unreadable('customAttributes is not JSON');
    }
  }
  return {
    originalId: r.localId,
    type: 'normal',
    identities: providers
      .filter((p: Obj) => isObj(p) && p.providerId !== 'password')
      .map((p: Obj) => ({
        provider_type: FIREBASE_PROVIDERS[p.providerId] ?? String(p.providerId),
        id: String(p.rawId ?? ''),
        provider_data: profile({ email: p.email, name: p.displayName, picture: p.photoUrl }),
      })),
    data: profile({ email: r.email, name: r.displayName, picture: r.photoUrl }),
    ...(custom ? { customData: custom } : {}),
    disabled: r.disabled === true,
    creationDate: seconds(r.createdAt, now),
    lastAuthenticationDate: seconds(r.lastSignedInAt ?? r.createdAt, now),
    credentials: hasPassword ? [{ email: String(r.email ?? ''), passwordHash }] : [],
  };
}

const SUPABASE_PROVIDERS: Record<string, string> = { google: 'oauth2-google', facebook: 'oauth2-facebook', apple: 'oauth2-apple' };

/**
 * Supabase `auth.users` rows as JSON, one a line (docs/moving.md gives the query), with the user's
 * `auth.identities` rows joined in as `identities`.
 */
function fromSupabase(r: Obj, now: number): Candidate {
  need(typeof r.id === 'string', 'no "id"');
  const identities = Array.isArray(r.identities) ? r.identities : [];
  const email = str(r.email);
  const hash = str(r.encrypted_password);
  const providers: string[] = Array.isArray(r.raw_app_meta_data?.providers) ? r.raw_app_meta_data.providers : [];
  const hasPassword = !!hash || identities.some((i: Obj) => i?.provider === 'email') || providers.includes('email');
  const banned = str(r.banned_until) && Date.parse(r.banned_until) > now * 1000;
  const meta = isObj(r.raw_user_meta_data) ? r.raw_user_meta_data : {};
  return {
    originalId: r.id,
    type: 'normal',
    identities: identities
      .filter((i: Obj) => isObj(i) && i.provider !== 'email')
      .map((i: Obj) => ({
        provider_type: SUPABASE_PROVIDERS[i.provider] ?? String(i.provider),
        id: String(i.identity_data?.sub ?? i.provider_id ?? i.id ?? ''),
        provider_data: profile({ email: i.identity_data?.email, name: i.identity_data?.full_name ?? i.identity_data?.name, picture: i.identity_data?.avatar_url }),
      })),
    data: profile({ email, name: meta.full_name ?? meta.name, picture: meta.avatar_url }),
    ...(Object.keys(meta).length ? { customData: meta } : {}),
    disabled: !!banned,
    creationDate: seconds(r.created_at, now),
    lastAuthenticationDate: seconds(r.last_sign_in_at ?? r.created_at, now),
    credentials: hasPassword && email
      ? [{ email, passwordHash: hash ?? RESET_REQUIRED, ...(r.email_confirmed_at || r.confirmed_at ? {} : { confirmed: false }) }]
      : [],
  };
}

const AUTH0_PROVIDERS: Record<string, string> = { 'google-oauth2': 'oauth2-google', facebook: 'oauth2-facebook', apple: 'oauth2-apple' };

/** An Auth0 bulk user export (JSON lines), with `passwordHash` on the lines Auth0 support exported hashes for. */
function fromAuth0(r: Obj, now: number): Candidate {
  need(typeof r.user_id === 'string', 'no "user_id"');
  const identities = Array.isArray(r.identities) ? r.identities : [];
  const database = identities.find((i: Obj) => i?.provider === 'auth0');
  const hasPassword = !!database || !!str(r.passwordHash) || r.user_id.startsWith('auth0|');
  const email = str(r.email);
  return {
    originalId: r.user_id,
    type: 'normal',
    identities: identities
      .filter((i: Obj) => isObj(i) && i.provider !== 'auth0')
      .map((i: Obj) => ({ provider_type: AUTH0_PROVIDERS[i.provider] ?? String(i.provider), id: String(i.user_id ?? ''), provider_data: profile({ email, name: r.name, picture: r.picture }) })),
    data: profile({ email, name: r.name, picture: r.picture }),
    ...(isObj(r.user_metadata) && Object.keys(r.user_metadata).length ? { customData: r.user_metadata } : {}),
    disabled: r.blocked === true,
    creationDate: seconds(r.created_at, now),
    lastAuthenticationDate: seconds(r.last_login ?? r.created_at, now),
    credentials: hasPassword && email
      ? [{ email, passwordHash: str(r.passwordHash) ?? str(r.password_hash) ?? RESET_REQUIRED, ...(r.email_verified === false ? { confirmed: false } : {}) }]
      : [],
  };
}

const COGNITO_PROVIDERS: Record<string, string> = { Google: 'oauth2-google', Facebook: 'oauth2-facebook', SignInWithApple: 'oauth2-apple' };

/** A Cognito user as ListUsers answers it (`Attributes: [{Name, Value}]`) or a CSV row (header names). */
function fromCognito(r: Obj, now: number): Candidate {
  const attrs: Record<string, string> = Array.isArray(r.Attributes)
    ? Object.fromEntries(r.Attributes.map((a: Obj) => [String(a.Name), String(a.Value ?? '')]))
    : Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v ?? '')]));
  const id = str(attrs.sub) ?? str(r.Username) ?? str(attrs['cognito:username']);
  need(id, 'no "sub" or username');
  let federated: Obj[] = [];
  if (str(attrs.identities)) {
    try {
      federated = JSON.parse(attrs.identities);
    } catch {
      throw new Unreadable('the identities attribute is not JSON');
    }
  }
  const email = str(attrs.email);
  const external = r.UserStatus === 'EXTERNAL_PROVIDER' || federated.length > 0;
  return {
    originalId: id,
    type: 'normal',
    identities: federated.map((f) => ({ provider_type: COGNITO_PROVIDERS[f.providerName] ?? String(f.providerName), id: String(f.userId ?? ''), provider_data: profile({ email }) })),
    data: profile({ email, name: attrs.name, picture: attrs.picture }),
    disabled: r.Enabled === false || attrs.enabled === 'false',
    creationDate: seconds(r.UserCreateDate, now),
    lastAuthenticationDate: seconds(r.UserLastModifiedDate ?? r.UserCreateDate, now),
    credentials: email && !external ? [{ email, passwordHash: RESET_REQUIRED, ...(attrs.email_verified === 'false' ? { confirmed: false } : {}) }] : [],
  };
}

/** Maps one parsed record of `source` to a candidate; throws Unreadable. */
export function mapRecord(source: Source, record: unknown, now: number, options: MapOptions = {}): Candidate {
  need(isObj(record), 'not a JSON object');
  switch (source) {
    case 'gatehouse':
      return fromGatehouse(record, now);
    case 'app-services':
      return fromAppServices(record, now);
    case 'firebase':
      return fromFirebase(record, now, options);
    case 'supabase':
      return fromSupabase(record, now);
    case 'auth0':
      return fromAuth0(record, now);
    case 'cognito':
      return fromCognito(record, now);
  }
}
