import type { Options } from 'ajv';
import { RE2JS } from 're2js';

/** Ajv's `code.regExp` (its type is not exported from the package's entry). */
type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;
/** Ajv keys its compiled patterns by `toString()`: one key per pattern, matched or passed over. */
type RegExpLike = ReturnType<RegExpEngine> & { toString(): string };

/**
 * The regular expressions of a tool's `inputSchema` (`pattern`, `patternProperties`) come from a
 * downstream server and run on the gateway's main thread against the model's arguments. With
 * JavaScript's backtracking `RegExp` a pattern like `^(a+)+$` takes time doubling with each
 * character of the argument; RE2 (here its pure JavaScript port, `re2js`) matches in time linear in
 * the input, whatever the pattern.
 *
 * RE2 has no backreferences or lookaround. A pattern it cannot compile is not checked (the keyword
 * passes, as a format does; the server remains the judge) and is reported to whoever compiles,
 * never thrown: one odd pattern costs that keyword, not the tool's whole validation.
 */
export interface UnsupportedPattern {
  readonly pattern: string;
  readonly reason: string;
}

let report: ((unsupported: UnsupportedPattern) => void) | undefined;

/** Runs `compile` (synchronous, as Ajv's compile is), telling `onUnsupported` of each pattern the engine passes over. */
export function reportingUnsupportedPatterns<T>(onUnsupported: (unsupported: UnsupportedPattern) => void, compile: () => T): T {
  const previous = report;
  report = onUnsupported;
  try {
    return compile();
  } finally {
    report = previous;
  }
}

function linear(pattern: string): RegExpLike {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (error) {
    report?.({ pattern, reason: error instanceof Error ? error.message : String(error) });
    return { test: () => true, toString: () => `unchecked:${pattern}` };
  }
  return { test: (input: string) => compiled.test(input), toString: () => `re2:${pattern}` };
}

/** Ajv's `code.regExp`. `code` would name it in standalone code, which the gateway does not generate. */
export const linearRegExp: RegExpEngine = Object.assign(linear, { code: 'linearRegExp' });
