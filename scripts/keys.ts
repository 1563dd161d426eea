/**
 * Prints a new signing key set (one RS256 access key, one HS256 refresh key) as JSON, for
 * GATEHOUSE_SIGNING_KEYS in a deployment: `npx tsx scripts/keys.ts > keys.json`.
 */
import { generateKeySet } from '../lib/tokens';

console.log(JSON.stringify(await generateKeySet()));
