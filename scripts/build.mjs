// Compiles src/ to dist/ with tsc (declarations and source maps included) and marks the CLI executable.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
