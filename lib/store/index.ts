import type { ApiKeyStore } from './api-keys';
import type { AppSettingsStore } from './app-settings';
import type { CleanupStore } from './cleanup';
import type { CredentialStore } from './credentials';
import type { CustomDataStore } from './custom-data';
import type { LimitStore } from './limits';
import type { OAuthStateStore } from './oauth-states';
import type { SessionStore } from './sessions';
import type { UserStore } from './users';

export type * from './types';
export { ConditionFailed, StoreUnavailable } from './errors';
export { type TableChange, type StreamRecord, changeOf } from './stream';
export type { ApiKeyStore } from './api-keys';
export type { AppSettings, AppSettingsStore } from './app-settings';
export type { CleanupStore, ItemRef } from './cleanup';
export type { CredentialStore } from './credentials';
export type { CustomDataStore, CustomDataTable } from './custom-data';
export type { ImportLookup, ImportRecord, ImportStore, ImportWrite } from './import';
export type { LimitStore } from './limits';
export type { OAuthStateStore } from './oauth-states';
export type { SessionStore } from './sessions';
export type { NewUserSession, UserStore } from './users';

/**
 * Storage shaped by Gatehouse's access patterns (docs/data-model.md): one interface per area, each
 * declared beside its DynamoDB implementation and kept by its contract test (test/lib/store/).
 */
export interface Store
  extends UserStore,
    SessionStore,
    CredentialStore,
    ApiKeyStore,
    CustomDataStore,
    LimitStore,
    AppSettingsStore,
    OAuthStateStore,
    CleanupStore {}
