import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errors.ts';

describe('error catalogue', () => {
  it('the README documents exactly the codes of src/errors.ts, with the same words', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.split('<!-- error-codes:start -->')[1]?.split('<!-- error-codes:end -->')[0] ?? '';
    const documented = Object.fromEntries(
      [...table.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)].map((match) => [match[1], match[2]]),
    );
    expect(documented).toEqual(errorCodes);
  });
});
