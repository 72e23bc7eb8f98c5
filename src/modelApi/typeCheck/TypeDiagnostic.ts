/**
 * The type check's contract (SPEC: `codeMode.typeCheck`): what a check finds, where, and what a check
 * can come to. Plain data: it crosses the worker boundary as is, and `ExecutionResult.diagnostics`
 * has the same shape.
 */
import type { typeCheckModes } from '../../config/defaults.ts';

/** A TypeScript error at a line and column (both 1-based) of the submitted code. */
export interface TypeDiagnostic {
  readonly line: number;
  readonly column: number;
  /** TypeScript's code, e.g. 2353 (an object literal names a property the type does not have). */
  readonly code: number;
  readonly message: string;
}

/**
 * A check's outcome. `checked`: the compiler looked at the code (no diagnostics: it type-checks).
 * `unavailable`: the checker could not say in time (timed out, crashed, busy, closed), which must
 * never fail or hold up an execution: the caller goes on as if no check had been asked for.
 */
export type TypeCheckOutcome =
  | { readonly status: 'checked'; readonly diagnostics: readonly TypeDiagnostic[] }
  | { readonly status: 'unavailable'; readonly reason: string };

/** A type checker of model code against the generated declarations. */
export interface CodeTypeChecker {
  /** The declarations code is checked against (the whole generated API); called when the catalog changes. */
  setDeclarations(text: string): void;
  check(code: string): Promise<TypeCheckOutcome>;
  close(): Promise<void>;
}

/** The modes of `codeMode.typeCheck`. */
export type TypeCheckMode = (typeof typeCheckModes)[number];
