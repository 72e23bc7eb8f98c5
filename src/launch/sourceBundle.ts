import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { builtinImportsWithoutUndici, isVirtualInput } from './builtinImports.ts';

/**
 * JavaScript bundles of TypeScript entry files, for processes started from a source checkout.
 *
 * Node runs `.ts` files by stripping their types, and the stripper (a WebAssembly build of swc) is
 * loaded again in every process: about a fifth of a second of CPU before the first line runs. A
 * sandbox worker is started per gateway and again after every crash or recycle, so from source each
 * paid it. The published package runs compiled JavaScript and never comes here.
 *
 * Packages are bundled too (but for those in `keptPackages`): a start then reads a few files instead
 * of resolving and loading hundreds of modules, about a third of a second of CPU less for a gateway.
 *
 * The official MCP servers the built-in config starts (installed packages, see config/bundledServers.ts)
 * get the same from a source checkout (`runnablePackageEntry`): server-everything loads some four hundred
 * modules, half a second of CPU per start, a fifth of a second bundled.
 *
 * A bundle is used only while every file it was built from is unchanged (a manifest records each
 * input's hash, or for a package's file its size and modification time, which `npm ci` changes), so an
 * edit is never masked by a stale bundle. Bundles live in the checkout's own
 * `node_modules/.cache` (not a shared temp folder, where another user could plant code for us to run),
 * and are written to a temporary name then renamed, so concurrent builders never expose half a file.
 */

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = path.join(packageRoot, 'node_modules', '.cache', 'code-goat-bundles');

interface Manifest {
  /** Each input file (absolute path) and its signature when the bundle was built (see `signatureOf`). */
  inputs: Record<string, string>;
}

const hashOf = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/**
 * Our own sources are compared by content (an edit may keep the size and land within the same
 * millisecond); a package's files, hundreds of them checked at every start, by size and modification
 * time: installing a package writes its files anew.
 */
function signatureOf(file: string, content?: string): string {
  if (file.includes(`${path.sep}node_modules${path.sep}`)) {
    const { size, mtimeMs } = statSync(file);
    return `${size}:${mtimeMs}`;
  }
  return hashOf(content ?? readFileSync(file));
}

/**
 * Packages that stay packages: native addons and their binaries, the TypeScript compiler and the
 * tokenizer (large, and loaded on demand), pino-pretty (required by name, only on a terminal), and the
 * CommonJS packages we load with a dynamic `import()` and take named exports from (ioredis,
 * rate-limiter-flexible): bundled, such an import yields only `default`. The CLI's published bundle
 * (scripts/bundleCli.mjs) keeps the same ones. pino is bundled: only its transports (worker threads
 * started from files found by path) would need it whole, and observability/logger.ts writes to stderr
 * without one; loading it as a package was some 25 ms of every gateway's start.
 */
export const keptPackages = ['isolated-vm', 'esbuild', 'typescript', 'gpt-tokenizer', 'pino-pretty', 'ioredis', 'rate-limiter-flexible'];

/**
 * Whitespace and comments out, names kept (stack traces still name functions): every start reads,
 * decodes and hashes each chunk before the compile cache can serve it. Our comments hold non-ASCII
 * characters (dashes, arrows), and one of them makes a whole chunk a two-byte string, decoded on a slow
 * path; minified chunks are plain ASCII (esbuild escapes the rest) and about a quarter smaller.
 */
export const minified = { minifyWhitespace: true, minifySyntax: true, charset: 'ascii' } as const;

/**
 * How bundles are made: this module and its plugin's text, and the minifier's options. A change to
 * any of them makes every bundle's folder new, so no start runs a bundle made the old way.
 */
let recipeText: string | undefined;
function recipe(): string {
  const self = fileURLToPath(import.meta.url);
  recipeText ??= [self, path.join(path.dirname(self), `builtinImports${path.extname(self)}`)].map((file) => readFileSync(file, 'utf8')).join('\n') + JSON.stringify(minified);
  return recipeText;
}

/** Each entry's own folder (its bundle, the chunks its dynamic imports load, its manifest), by entry and how it is built. */
function bundlePaths(entry: string): { dir: string; bundle: string; manifest: string } {
  // A package's entry is named after its package too (server-everything-index-…), so a process list says which server runs.
  const owner = /.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?([^\\/]+)[\\/]/.exec(entry)?.[1];
  const name = path.basename(entry).replace(/\.(ts|m?js)$/, '');
  const dir = path.join(cacheDir, `${owner === undefined ? '' : `${owner}-`}${name}-${hashOf(entry + recipe()).slice(0, 12)}`);
  return { dir, bundle: path.join(dir, `${name}.mjs`), manifest: path.join(dir, 'manifest.json') };
}

function isFresh(manifestFile: string): boolean {
  try {
    const { inputs } = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const files = Object.entries(inputs);
    return files.length > 0 && files.every(([file, signature]) => signatureOf(file) === signature);
  } catch {
    return false; // no manifest yet, an input gone, or a manifest cut short: build again
  }
}

/** Spelled at run time: this module is bundled too, and its own text must not read as a use. */
const importMeta = ['import', 'meta'].join('.');

/**
 * Each module's `import.meta.url` stays the URL of its source file, so what a module finds beside
 * itself (package.json, the worker entry, packages resolved from its folder) is what it finds unbundled.
 * Records the hash of each source as read, so the manifest describes exactly what was bundled.
 */
function keepModuleUrls(hashes: Map<string, string>): Plugin {
  return {
    name: 'keep-module-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        hashes.set(args.path, signatureOf(args.path, source));
        return { contents: withOwnUrl(source, args.path), loader: 'ts' };
      });
      // A package's module that finds its files beside itself (server-everything its docs, server-memory
      // its default store) keeps finding them; the others esbuild loads itself.
      build.onLoad({ filter: /\.m?js$/ }, (args) => {
        if (!args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        return source.includes(`${importMeta}.url`) ? { contents: withOwnUrl(source, args.path), loader: 'js' } : undefined;
      });
    },
  };
}

/** `source` with its `import.meta.url` spelled out as the URL of `file`, where it came from. */
const withOwnUrl = (source: string, file: string): string => source.replaceAll(`${importMeta}.url`, JSON.stringify(pathToFileURL(file).href));

/** Bundled CommonJS packages call require() for Node's built-ins. */
const banner = `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(${importMeta}.url);`;

/** Builds in flight, by entry: one per process. */
const building = new Map<string, Promise<string | undefined>>();

/**
 * Bundles `entry` (its own files inlined, packages left as imports) and records its inputs. Resolves
 * to the bundle's path, or undefined when it cannot be used (esbuild failed, or the code reads a part
 * of `import.meta` other than its URL): the caller then runs the `.ts` file as before.
 */
export function buildSourceBundle(entry: string): Promise<string | undefined> {
  let pending = building.get(entry);
  if (pending === undefined) {
    pending = build(entry)
      .catch(() => undefined)
      .then((bundle) => {
        // A bundle that went stale may be built again (see runnableEntry); one that cannot be built is not retried.
        if (bundle !== undefined) building.delete(entry);
        return bundle;
      });
    building.set(entry, pending);
  }
  return pending;
}

async function build(entry: string): Promise<string | undefined> {
  const { build: esbuild } = await import('esbuild');
  const hashes = new Map<string, string>();
  const result = await esbuild({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: keptPackages,
    // ESM builds where a package has one (jsonc-parser's "main" is a UMD build that requires by path).
    mainFields: ['module', 'main'],
    ...minified,
    banner: { js: banner },
    // Dynamic imports stay lazy, in chunks of their own (named by content, so builders never collide):
    // the CLI loads the gateway only once its arguments are checked.
    splitting: true,
    outdir: bundlePaths(entry).dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [keepModuleUrls(hashes), builtinImportsWithoutUndici()],
  });
  // Any other use of import.meta (ours beyond its URL, or a package's) would read the bundle's: not bundled.
  if (result.outputFiles.some((file) => file.text.replace(banner, '').includes(importMeta))) return undefined;
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    if (isVirtualInput(input)) continue;
    const file = path.resolve(input);
    inputs[file] = hashes.get(file) ?? signatureOf(file);
  }
  const { dir, bundle, manifest } = bundlePaths(entry);
  mkdirSync(dir, { recursive: true });
  const temporary = `.${process.pid}-${Date.now()}`;
  const replace = (file: string, text: string | Uint8Array) => {
    writeFileSync(file + temporary, text);
    renameSync(file + temporary, file);
  };
  // Chunks first, then the entry that imports them, then the manifest that vouches for them all.
  const entryOutput = result.outputFiles.find((file) => file.path === bundle);
  if (entryOutput === undefined) return undefined;
  for (const file of result.outputFiles) if (file !== entryOutput) replace(file.path, file.contents);
  replace(bundle, entryOutput.contents);
  replace(manifest, JSON.stringify({ inputs } satisfies Manifest));
  return bundle;
}

/**
 * The file to run for `entry`: an up-to-date bundle when one exists, else `entry` itself, with a bundle
 * built in the background for the next start. `.js` entries (the published package) are returned as
 * they are.
 */
export function runnableEntry(entry: string): string {
  return entry.endsWith('.ts') ? bundleWhenFresh(entry) : entry;
}

/** This module runs from a source checkout (`npm start`, the tests), not from the published `dist/`. */
const runningFromSource = import.meta.url.endsWith('.ts');

/**
 * The file to run for an installed package's entry file (an official server the built-in config starts):
 * from a source checkout, as `runnableEntry`; the published package runs the entry as it is, as it runs
 * its own compiled files.
 */
export function runnablePackageEntry(entry: string): string {
  return runningFromSource ? bundleWhenFresh(entry) : entry;
}

/** `entry`'s bundle while it is up to date; else `entry`, with a bundle built in the background for the next start. */
function bundleWhenFresh(entry: string): string {
  // Checked at every start (a few small files hashed, next to a process start): a source edited while
  // a gateway runs reaches its next worker, as it would unbundled.
  const { bundle, manifest } = bundlePaths(entry);
  if (isFresh(manifest)) return bundle;
  void buildSourceBundle(entry);
  return entry;
}
