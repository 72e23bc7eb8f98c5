import type { CodeTypeChecker, TypeCheckMode, TypeCheckOutcome, TypeDiagnostic } from '../modelApi/index.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import { sandboxFailure } from '../sandbox/sandboxFailure.ts';
import type { ErrorCode } from '../errors.ts';
import type { ViewTypeCheckers } from './viewTypeCheckers.ts';
import { viewKey, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';

/**
 * The failures a type error can explain: the code threw, or called a tool wrongly. Limits (time, CPU,
 * memory, size), cancellation and the sandbox's or a server's own trouble are not the code's typing,
 * and checking code that just hit a limit (hostile or huge) would only add cost to the failure.
 */
const failuresWorthChecking: ReadonlySet<ErrorCode> = new Set(['RUNTIME_ERROR', 'TOOL_ERROR', 'INVALID_ARGUMENTS', 'UNKNOWN_TOOL', 'UNKNOWN_SERVER']);

/** `codeMode.typeCheck`, and the checkers of the API's views (see ViewTypeCheckers). */
export interface TypeCheck {
  readonly mode: TypeCheckMode;
  readonly checkers: ViewTypeCheckers;
}

/** The type check of one execution: how, and against the view of the API its client was shown. */
export interface ExecutionTypeCheck {
  readonly mode: TypeCheckMode;
  readonly checker: CodeTypeChecker;
}

/** How an execution for `client` is checked: against `declarations`, the view of the API it was shown (see ViewTypeCheckers). */
export function typeCheckFor(typeCheck: TypeCheck | undefined, client: ClientIdentity | undefined, declarations: string): ExecutionTypeCheck | undefined {
  if (typeCheck === undefined) return undefined;
  return { mode: typeCheck.mode, checker: typeCheck.checkers.of(client?.servers === undefined ? undefined : viewKey(client), declarations) };
}

/**
 * Runs an execution under `codeMode.typeCheck` (SPEC: "Type check"):
 * - `strict`: checked first; code with errors does not run (`TYPE_ERROR`, with the diagnostics).
 * - `warn`: checked while it runs; diagnostics come with the result either way.
 * - `on-error`: checked only when it failed in a way a type error can explain, so a succeeding execution pays nothing.
 * A check that cannot be answered (the checker timed out, crashed, was busy) counts as no check: it
 * never fails an execution, and in `strict` the code runs unchecked.
 */
export async function typeCheckedExecution(typeCheck: ExecutionTypeCheck | undefined, code: string, run: () => Promise<ExecutionResult>, signal?: AbortSignal): Promise<ExecutionResult> {
  if (typeCheck === undefined || typeCheck.mode === 'off') return run();
  const { mode, checker } = typeCheck;
  if (mode === 'strict') {
    const started = performance.now();
    const errors = diagnosticsOf(await checker.check(code));
    if (errors.length > 0) return { ...sandboxFailure('TYPE_ERROR', typeErrorMessage(errors), started), diagnostics: errors };
    return run();
  }
  if (mode === 'warn') {
    const [result, outcome] = await Promise.all([run(), checker.check(code)]);
    return withDiagnostics(result, diagnosticsOf(outcome));
  }
  const result = await run();
  if (result.success || signal?.aborted || result.errorCode === undefined || !failuresWorthChecking.has(result.errorCode)) return result;
  return withDiagnostics(result, diagnosticsOf(await checker.check(code)));
}

function diagnosticsOf(outcome: TypeCheckOutcome): TypeDiagnostic[] {
  return outcome.status === 'checked' ? [...outcome.diagnostics] : [];
}

function withDiagnostics(result: ExecutionResult, diagnostics: TypeDiagnostic[]): ExecutionResult {
  return diagnostics.length === 0 ? result : { ...result, diagnostics };
}

/** One line, as `error` is: how many, and the first with its place. */
function typeErrorMessage(errors: readonly TypeDiagnostic[]): string {
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more, in diagnostics)` : '';
  return `The code does not type-check against the API, so it did not run: line ${first!.line}, column ${first!.column}: ${first!.message.split('\n')[0]}${more}`;
}
