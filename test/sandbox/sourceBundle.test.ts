/**
 * The JavaScript bundles that processes started from a source checkout run instead of their `.ts`
 * entry (src/launch/sourceBundle.ts): used only while every source is unchanged, each module keeping
 * its own `import.meta.url`, and never for code that reads another part of `import.meta`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSourceBundle, runnableEntry } from '../../src/launch/sourceBundle.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'code-goat-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

const run = (file: string): unknown => JSON.parse(execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', file], { encoding: 'utf8' }));

describe('source bundles', () => {
  const dependency = write('dependency.ts', 'export const where: string = import.meta.url;\nexport const answer: number = 1;\n');
  const entry = write('entry.ts', "import { answer, where } from './dependency.ts';\nconsole.log(JSON.stringify({ answer, where, self: import.meta.url }));\n");

  it('runs the .ts entry until a bundle is built, then the bundle, whose modules keep their own import.meta.url', async () => {
    expect(runnableEntry(entry)).toBe(entry);
    const bundle = await buildSourceBundle(entry);
    expect(bundle).toMatch(/\.mjs$/);
    expect(runnableEntry(entry)).toBe(bundle);
    expect(run(bundle!)).toEqual({ answer: 1, where: pathToFileURL(dependency).href, self: pathToFileURL(entry).href });
  });

  it('a bundle whose sources changed is not used; the next one carries the change', async () => {
    const before = await buildSourceBundle(entry);
    expect(runnableEntry(entry)).toBe(before);
    write('dependency.ts', 'export const where: string = import.meta.url;\nexport const answer: number = 2;\n');
    expect(runnableEntry(entry)).toBe(entry);
    const after = await buildSourceBundle(entry);
    expect(runnableEntry(entry)).toBe(after);
    expect(run(after!)).toMatchObject({ answer: 2 });
  });

  it('code that reads import.meta beyond its URL is not bundled: the .ts entry keeps running', async () => {
    const other = write('dirname.ts', 'console.log(JSON.stringify(import.meta.dirname));\n');
    expect(await buildSourceBundle(other)).toBeUndefined();
    expect(runnableEntry(other)).toBe(other);
    expect(run(other)).toBe(dir);
  });

  it('a .js entry (the published package) runs as it is', () => {
    expect(runnableEntry('/somewhere/dist/sandbox/worker/worker.js')).toBe('/somewhere/dist/sandbox/worker/worker.js');
  });
});
