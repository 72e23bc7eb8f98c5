import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * The prelude is a real TypeScript module (linted and type-checked with the rest); the isolate needs
 * it as one plain script. Bundled once per worker process, from the sibling source (`.ts` when running
 * from src, `.js` from dist).
 */
export function bundlePrelude(): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = fileURLToPath(new URL(`../prelude/prelude${extension}`, import.meta.url));
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2024',
    platform: 'neutral',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no prelude bundle');
  return file.text;
}
