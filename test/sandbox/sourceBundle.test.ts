/**
 * The JavaScript bundles that processes started from a source checkout run instead of their `.ts`
 * entry (src/launch/sourceBundle.ts): used only while every source is unchanged, each module keeping
 * its own `import.meta.url`, and never for code that reads another part of `import.meta`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSourceBundle, runnableEntry, runnablePackageEntry } from '../../src/launch/sourceBundle.ts';

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

  it('a bundle is plain ASCII without comments, names kept: non-ASCII text stays, escaped', async () => {
    // One non-ASCII character anywhere makes Node decode a whole chunk into a two-byte string, on a
    // slow path, at every start (src/launch/sourceBundle.ts): the suite's CPU fell by a sixth without.
    const unicode = write(
      'unicode.ts',
      // esbuild keeps a comment like this one, before a class member, unless it minifies.
      'class Arrow {\n  /** A comment \u2014 with a dash \u2192 and an arrow */\n  describeArrow(): string {\n    return "left \u2192 right \u{1F410}";\n  }\n}\nconst arrow = new Arrow();\nconsole.log(JSON.stringify({ text: arrow.describeArrow(), name: arrow.describeArrow.name, type: Arrow.name }));\n',
    );
    const bundle = await buildSourceBundle(unicode);
    const text = readFileSync(bundle!);
    expect(text.every((byte) => byte < 0x80)).toBe(true);
    expect(text.toString()).not.toContain('A comment');
    expect(run(bundle!)).toEqual({ text: 'left \u2192 right \u{1F410}', name: 'describeArrow', type: 'Arrow' });
  });

  it("an installed package's entry runs from its bundle (named after the package) until one of its files changes; its modules keep their own import.meta.url", async () => {
    const packageDir = path.join(dir, 'node_modules', '@scope', 'some-server');
    mkdirSync(packageDir, { recursive: true });
    const data = path.join(packageDir, 'data.js');
    writeFileSync(data, 'export const where = import.meta.url;\nexport const version = 1;\n');
    const entry = path.join(packageDir, 'index.js');
    writeFileSync(entry, "import { version, where } from './data.js';\nconsole.log(JSON.stringify({ version, where }));\n");
    expect(runnablePackageEntry(entry)).toBe(entry);
    const bundle = await buildSourceBundle(entry);
    expect(bundle).toMatch(/[\\/]some-server-index-[0-9a-f]+[\\/]index\.mjs$/);
    expect(runnablePackageEntry(entry)).toBe(bundle);
    expect(run(bundle!)).toEqual({ version: 1, where: pathToFileURL(data).href });
    // A package's files are compared by size and modification time (an install writes them anew).
    writeFileSync(data, 'export const where = import.meta.url;\nexport const version = 22;\n');
    expect(runnablePackageEntry(entry)).toBe(entry);
    expect(run((await buildSourceBundle(entry))!)).toEqual({ version: 22, where: pathToFileURL(data).href });
  });

  it("node:http imported by an ES module reads the built-in as require does: its exports work, undici (Node's fetch stack) is not loaded", async () => {
    // An ES module import of node:http loads undici for its WebSocket getters (nodejs/node#59686).
    const entry = write(
      'http.ts',
      "import http, { createServer, STATUS_CODES } from 'node:http';\nconst undici = process.moduleLoadList.some((name) => name.includes('undici'));\nconsole.log(JSON.stringify({ undici, createServer: typeof createServer, same: http.createServer === createServer, teapot: STATUS_CODES[418] }));\n",
    );
    expect(run(entry)).toEqual({ undici: true, createServer: 'function', same: true, teapot: "I'm a Teapot" });
    const bundle = await buildSourceBundle(entry);
    expect(run(bundle!)).toEqual({ undici: false, createServer: 'function', same: true, teapot: "I'm a Teapot" });
  });

  it('a .js entry (the published package) runs as it is', () => {
    expect(runnableEntry('/somewhere/dist/sandbox/worker/worker.js')).toBe('/somewhere/dist/sandbox/worker/worker.js');
  });
});
