/** Conditions the storage edge reports in domain terms; SDK exceptions never leave lib/store. */

/** A uniqueness or state condition failed: `what` names the item whose condition failed. */
export class ConditionFailed extends Error {
  constructor(readonly what: string) {
    super(`condition failed: ${what}`);
    this.name = 'ConditionFailed';
  }
}

/** DynamoDB refused or failed for a reason worth retrying (throttling, service errors). */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super('storage unavailable', { cause });
    this.name = 'StoreUnavailable';
  }
}

/** True when a conditional write went through, false when its condition failed; other errors are thrown. */
export async function conditionMet(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}
