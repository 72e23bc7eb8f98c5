/** One call waiting for approval, as the question shows it. */
export interface ApprovalRequest {
  readonly server: string;
  readonly tool: string;
  /** A readable summary of the arguments, secrets redacted. */
  readonly summary: string;
}

export type ApprovalAnswer = 'accept' | 'decline' | 'unavailable';

/**
 * Asks the upstream client (a human behind it) whether these calls may run: one question for all
 * of them. Resolves `unavailable` when the client cannot be asked; never rejects.
 */
export type ApprovalAsker = (requests: readonly ApprovalRequest[], signal: AbortSignal) => Promise<ApprovalAnswer>;
