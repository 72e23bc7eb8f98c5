/**
 * Debian's chromium driven by playwright-core, for the operator console's tests. The machine's
 * network is closed: without these flags chromium waits on connections it tries at start.
 */
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { Closer } from '../e2e/gatewayHelpers.ts';

export const chromiumPath = '/usr/bin/chromium';

/** Where tests keep their screenshots (gitignored); the README's screenshot goes to docs/. */
export const artifactsDir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', '.artifacts', 'console');

export async function launchChromium(closer: Closer): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // No --user-data-dir: playwright refuses it in `launch` and gives each launch a fresh profile
      // directory of its own (removed on close), which is what the flag was for.
    ],
  });
  return closer.add(browser, (b) => b.close());
}
