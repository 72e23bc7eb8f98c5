import { stripTypeScriptTypes } from 'node:module';
import type { Message } from 'esbuild';
import type { SourceMapInput } from '@jridgewell/trace-mapping';
import { bridgeGlobals } from '../prelude/bridge.ts';
import { nestingDefaults } from '../../config/defaults.ts';
import { deepNesting } from './codeNesting.ts';

/**
 * Turns the submitted body (TypeScript or JavaScript) into a script for the isolate, wrapped as an
 * async function handed to the prelude's runner. The wrapper adds exactly one line before the code,
 * which error positions account for.
 *
 * Two ways, the first that takes the code:
 * - Node's own `stripTypeScriptTypes` in strip mode, in this process (about 0.2 ms for a typical
 *   body): types become blanks, so every line and column stays where the model wrote it and no
 *   source map is needed (`sourceMap` is absent).
 * - esbuild, for what strip mode refuses: TypeScript that must be compiled (`enum`, `namespace`,
 *   parameter properties) and code that does not parse, whose error esbuild words with its position.
 *   Its service is a process of its own, started on first need and about 1.7 ms a round trip, which
 *   is why it is not the first way.
 */
export type TranspileResult =
  | { ok: true; script: string; sourceMap?: SourceMapInput }
  | { ok: false; message: string; line: number; column: number };

const wrapperHead = '(async () => {\n';
const wrapperTail = '\n})';
export const wrapperLineOffset = 1;

/**
 * Recent results by the code itself. Not by a hash of it: executions of every client share a worker,
 * so a key must never let one code stand for another (a fast hash could be made to collide), and
 * loading node:crypto for SHA-256 was some 26 ms of every worker's start (no startup snapshot here).
 * Bounded by count and by the characters it holds (codes and scripts), oldest out first.
 */
const cache = new Map<string, TranspileResult>();
const cacheEntries = 256;
const cacheChars = 4_000_000;
let cachedChars = 0;

const charsOf = (code: string, result: TranspileResult): number => code.length + (result.ok ? result.script.length : result.message.length);

export async function transpile(code: string): Promise<TranspileResult> {
  const cached = cache.get(code);
  if (cached) {
    // Refresh its place: the map's order is its recency.
    cache.delete(code);
    cache.set(code, cached);
    return cached;
  }
  const result = await transpileUncached(code);
  if (!cache.has(code)) {
    cache.set(code, result);
    cachedChars += charsOf(code, result);
  }
  for (const [oldest, oldResult] of cache) {
    if (cache.size <= cacheEntries && cachedChars <= cacheChars) break;
    cache.delete(oldest);
    cachedChars -= charsOf(oldest, oldResult);
  }
  return result;
}

async function transpileUncached(code: string): Promise<TranspileResult> {
  const { maxCodeDepth } = nestingDefaults;
  const deep = deepNesting(code, maxCodeDepth);
  if (deep !== undefined) {
    return { ok: false, message: `The code nests brackets more than ${maxCodeDepth} levels deep; write it flatter`, ...deep };
  }
  const stripped = strippedInProcess(code);
  if (stripped !== undefined) return stripped;
  const { transform } = await import('esbuild');
  try {
    const output = await transform(wrapperHead + code + wrapperTail, {
      loader: 'ts',
      target: 'es2024',
      sourcemap: 'external',
      sourcefile: 'code.ts',
      // Unminified, so stacks and console output read like the source. `keepNames` is off: nothing is
      // minified or renamed here, so names survive anyway; it would only add esbuild's `__name(…)` calls.
      minify: false,
      keepNames: false,
      logLevel: 'silent',
    });
    // esbuild ends the expression statement with ";\n"; the runner call must wrap the bare function.
    const body = output.code.replace(/;\s*$/, '');
    if (!bodyStandsAlone(body)) return closesItsWrapper;
    return { ok: true, script: `${bridgeGlobals.run}(${body})`, sourceMap: JSON.parse(output.map) as SourceMapInput };
  } catch (error) {
    const first = (error as { errors?: Message[] }).errors?.[0];
    const line = Math.max(1, (first?.location?.line ?? 1) - wrapperLineOffset);
    const column = (first?.location?.column ?? 0) + 1;
    return { ok: false, message: first?.text ?? String(error), line, column };
  }
}

/** The code with its types blanked out, positions kept; undefined when strip mode does not take it (see above). */
function strippedInProcess(code: string): TranspileResult | undefined {
  let stripped: string;
  try {
    stripped = stripTypeScriptTypes(wrapperHead + code + wrapperTail, { mode: 'strip' });
  } catch {
    // Not strippable as it stands (syntax to compile, or none that parses): esbuild decides and words why.
    return undefined;
  }
  return bodyStandsAlone(stripped) ? { ok: true, script: `${bridgeGlobals.run}(${stripped})` } : closesItsWrapper;
}

/**
 * The code's own failure when it closes the function it is the body of (`return 1 }), sideEffect(),
 * (async () => {`): wrapped, it would parse as several arguments of the runner, and what it put
 * between them would run outside the runner, its exceptions reported as the sandbox's.
 */
const closesItsWrapper: TranspileResult = {
  ok: false,
  message: 'The code closes the function it is the body of (a "}" with no "{" of its own); the code is a function body: balance its braces',
  line: 1,
  column: 1,
};

const AsyncFunction = (async () => {}).constructor as new (body: string) => unknown;

/**
 * Whether the wrapper around the code, as transpiled (`(async () => {…})`), holds the code as one
 * body: the text between its first "{" and its last "}" must parse as an async function's body on its
 * own, or else not parse within the wrapper either (a plain syntax error, which V8 words when the
 * isolate compiles it). V8 parses a dynamic function's body alone, so this compiles it here, in the
 * worker, without running it (about as long as the isolate takes to compile it).
 */
function bodyStandsAlone(wrapped: string): boolean {
  const open = wrapped.indexOf('{');
  const close = wrapped.lastIndexOf('}');
  if (open < 0 || close <= open) return false;
  if (parses(() => new AsyncFunction(wrapped.slice(open + 1, close)))) return true;
  return !parses(() => new Function(`return ${wrapped}`));
}

function parses(compile: () => unknown): boolean {
  try {
    compile();
    return true;
  } catch {
    return false;
  }
}
