import type { Table } from './table';
import type { CustomData } from './types';

/** Where custom user data lives: its own table, keyed by a configurable user-id attribute. */
export interface CustomDataTable {
  table: string;
  userIdField: string;
}

/** A user's custom data document, when the app has custom data (docs/custom-data.md). */
export interface CustomDataStore {
  /** The user's custom data document, if custom data is on and there is one. */
  getCustomData(userId: string): Promise<CustomData | undefined>;
  /** Replaces the user's custom data document. */
  putCustomData(userId: string, document: CustomData): Promise<void>;
}

/** The key of a user's document in the custom data table. */
export const customDataKey = (custom: CustomDataTable, userId: string) => ({ [custom.userIdField]: userId });

/** A user's document as the custom data table holds it: the document with the user's id. */
export const customDataDocument = (custom: CustomDataTable, userId: string, document: CustomData) => ({ ...document, [custom.userIdField]: userId });

/** Custom data documents in their own table; without one, nothing is read or written. */
export function dynamoCustomDataStore(t: Table, custom?: CustomDataTable): CustomDataStore {
  return {
    async getCustomData(userId) {
      return custom ? t.getIn(custom.table, customDataKey(custom, userId)) : undefined;
    },

    async putCustomData(userId, document) {
      if (custom) await t.putInOne(custom.table, customDataDocument(custom, userId, document));
    },
  };
}
