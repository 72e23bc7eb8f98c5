/**
 * The contract between the gateway and its type-checker thread, in one file both sides import.
 * The declarations travel in `workerData` at start and as `declarations` messages after.
 */
import type { TypeDiagnostic } from './TypeDiagnostic.ts';

export interface CheckerWorkerData {
  readonly declarations: string;
}

export type ToChecker = { readonly kind: 'declarations'; readonly text: string } | { readonly kind: 'check'; readonly id: number; readonly code: string };

export type FromChecker =
  /** Started and warmed: TypeScript loaded, the declarations parsed, a first check done. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'checked'; readonly id: number; readonly diagnostics: readonly TypeDiagnostic[] }
  /** The compiler threw on this code (a bug of its own); the thread goes on. */
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };
