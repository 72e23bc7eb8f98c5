import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundleConsole, consoleModule, consoleModulePath } from '../../scripts/bundleConsole.ts';
import { consoleAssets } from '../../src/gateway/console/consoleAssets.ts';

// The console's page is bundled at build time into a committed module: the gateway never runs esbuild for it.
describe('the bundled console', () => {
  it('is what scripts/bundleConsole.ts makes of ui/ today (else run `node scripts/bundleConsole.ts`)', () => {
    const assets = bundleConsole();
    expect(consoleAssets).toEqual(assets);
    expect(readFileSync(new URL(`../../${consoleModulePath}`, import.meta.url), 'utf8')).toBe(consoleModule(assets));
  });

  it('has no inline script, no inline style and no handler attribute in its pages (the CSP would refuse them)', () => {
    for (const page of [consoleAssets.consolePage, consoleAssets.signInPage, consoleAssets.signInFailedPage]) {
      expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('never parses text as HTML in its script', () => {
    expect(consoleAssets.script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });
});
