/**
 * The contract between the gateway and its type-checker thread, in one file both sides import.
 * One thread serves every checker of the process (see CheckerThread.ts); each is a `client` there,
 * with declarations of its own. They travel in `workerData` at start and as `declarations` messages after.
 */
import type { TypeDiagnostic } from './TypeDiagnostic.ts';

export interface CheckerWorkerData {
  /** Each client's declarations, as the thread starts (a restarted thread gets them all again). */
  readonly clients: readonly (readonly [client: number, declarations: string])[];
}

export type ToChecker =
  | { readonly kind: 'declarations'; readonly client: number; readonly text: string }
  | { readonly kind: 'check'; readonly id: number; readonly client: number; readonly code: string }
  /** The client closed: its language service goes, and with it what only it held. */
  | { readonly kind: 'forget'; readonly client: number };

export type FromChecker =
  /** Started and warmed: TypeScript loaded, the declarations parsed, a first check done. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'checked'; readonly id: number; readonly diagnostics: readonly TypeDiagnostic[] }
  /** The compiler threw on this code (a bug of its own); the thread goes on. */
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };
