// Bundles the compiled CLI (DIST/cli.js and everything it imports, packages included) into
// DIST/bundle/, and makes DIST/cli.js a launcher of it. A start then reads a handful of files instead
// of resolving and loading some five hundred modules: that was most of a gateway's start (0.8 s of CPU
// before its first answer, about half with the bundle). The library (DIST/index.js) stays as tsc wrote it.
//
//   node scripts/bundleCli.mjs DIST
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { keptPackages, minified } from '../src/launch/sourceBundle.ts';
import { builtinImportsWithoutUndici } from '../src/launch/builtinImports.ts';

const dist = path.resolve(process.argv[2] ?? 'dist');
const bundleDir = path.join(dist, 'bundle');
const importMetaUrl = ['import', 'meta', 'url'].join('.');

/**
 * Each of our modules keeps the URL of its own compiled file as `import.meta.url`, so what it finds
 * beside itself (the sandbox worker's entry, package.json, packages resolved from its folder) it finds
 * bundled too. The URL is relative to the chunk (every chunk is in DIST/bundle/), so the package still
 * works wherever it is installed: no path of the machine that built it is written into it.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const relative = path.relative(bundleDir, args.path).split(path.sep).join('/');
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.replaceAll(importMetaUrl, `new URL(${JSON.stringify(relative)}, ${importMetaUrl}).href`), loader: 'js' };
    });
  },
};

rmSync(bundleDir, { recursive: true, force: true });
await build({
  entryPoints: { cli: path.join(dist, 'cli.js') },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // What the CLI loads only when it needs it (the gateway after its arguments are checked, Redis,
  // metrics, trace exporters) stays in chunks of its own, loaded then.
  splitting: true,
  outdir: bundleDir,
  chunkNames: 'chunk-[hash]',
  // ESM builds where a package has one (jsonc-parser's "main" is a UMD build that requires by path).
  mainFields: ['module', 'main'],
  // The packages that stay packages, as in the source bundles (src/launch/sourceBundle.ts says why).
  external: keptPackages,
  // As the source bundles are built, for the same reason (src/launch/sourceBundle.ts).
  ...minified,
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(${importMetaUrl});` },
  legalComments: 'none',
  logLevel: 'warning',
  // `node:http` read as CommonJS reads it, without loading undici (src/launch/builtinImports.ts).
  plugins: [keepModuleUrls, builtinImportsWithoutUndici()],
});

rmSync(path.join(dist, 'cli.js.map'), { force: true });
writeFileSync(
  path.join(dist, 'cli.js'),
  `#!/usr/bin/env node
// The code-goat command, bundled into ./bundle/ (see scripts/bundleCli.mjs in the repository).
// Node's compile cache spares each start compiling the bundle again; it lives in the user's own cache
// folder, never a shared temporary one (NODE_COMPILE_CACHE chooses another, NODE_DISABLE_COMPILE_CACHE=1 none).
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

if (process.env.NODE_COMPILE_CACHE === undefined) {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  try {
    module.enableCompileCache?.(path.join(cacheHome, 'code-goat', 'node-compile-cache'));
  } catch {
    // No cache: every start compiles, as without one.
  }
}
await import('./bundle/cli.js');
`,
);
