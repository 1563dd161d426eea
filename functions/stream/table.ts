import { type StreamRecord, handleTableStream } from '../../lib/cleanup';
import { runtime } from '../../lib/runtime';

/**
 * The table's stream (NEW_AND_OLD_IMAGES, with partial batch responses): removes what deleted and
 * expired users leave and keeps each user's sessions and devices within their caps (lib/cleanup.ts).
 */
export const handler = async (event: { Records?: StreamRecord[] }) => handleTableStream(await runtime(), event.Records ?? []);
