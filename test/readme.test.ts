import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorTable } from '../lib/errors';
import { CREATION_REFUSALS } from '../lib/hooks';
import { FUNCTION_FAILURES } from '../lib/store/lambda';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('shows the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });

  it('lists every error code with the status the code table gives it', () => {
    for (const { code, status } of errorTable) {
      expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });

  it('lists every way the user-creation function refuses a user, with its code and status', () => {
    for (const reason of [...FUNCTION_FAILURES, ...Object.values(CREATION_REFUSALS)]) {
      expect(readme, reason).toContain(`| \`user creation function ${reason}\` |`);
    }
    expect(readme).toMatch(/fails with `AuthError`\s+\(401\)/);
  });
});
