// Bundles the isolate prelude into src/sandbox/worker/preludeScript.ts (see scripts/bundlePrelude.ts) and the
// operator console's page into src/gateway/console/consoleAssets.ts (scripts/bundleConsole.ts),
// compiles src/ to dist/ with tsc (declarations and source maps included), bundles the CLI (scripts/bundleCli.mjs)
// and marks it executable.
// It builds into a fresh folder and swaps it in, so dist/ is never half-written while something uses it.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const staging = `.dist-build-${process.pid}`;
try {
  execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'scripts/bundlePrelude.ts'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'scripts/bundleConsole.ts'], { stdio: 'inherit' });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', staging], { stdio: 'inherit' });
  execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'scripts/bundleCli.mjs', staging], { stdio: 'inherit' });
  if (existsSync(`${staging}/cli.js`)) chmodSync(`${staging}/cli.js`, 0o755);
  const retired = `.dist-old-${process.pid}`;
  if (existsSync('dist')) renameSync('dist', retired);
  renameSync(staging, 'dist');
  rmSync(retired, { recursive: true, force: true });
} finally {
  rmSync(staging, { recursive: true, force: true });
}
