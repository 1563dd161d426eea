import { AppError } from '../../lib/errors';

/** What a domain call ended in: `accepted`, or the code of the AppError it threw (anything else rethrown). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}
