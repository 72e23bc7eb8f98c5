import { describe, expect, it } from 'vitest';
import { bundlePrelude, preludeModule, preludeModulePath } from '../../scripts/bundlePrelude.ts';
import { preludeScript } from '../../src/sandbox/worker/preludeScript.ts';
import { readFileSync } from 'node:fs';

// The prelude is bundled at build time into a committed module; the worker never runs esbuild for it.
describe('the bundled prelude', () => {
  it('is what scripts/bundlePrelude.ts makes of the prelude sources today (else run `node scripts/bundlePrelude.ts`)', () => {
    const bundle = bundlePrelude();
    expect(preludeScript).toBe(bundle);
    expect(readFileSync(new URL(`../../${preludeModulePath}`, import.meta.url), 'utf8')).toBe(preludeModule(bundle));
  });
});
