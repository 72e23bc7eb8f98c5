import type { Caller } from '../governance/CallGate.ts';

/** A tool call of an execution that came back (for progress: `notifications/progress` as calls finish). */
export interface FinishedCall {
  readonly server: string;
  readonly tool: string;
  readonly ok: boolean;
}

/** Who runs an execution and who hears of its calls (see `CodeModeEngine.executeCode`). */
export interface ExecuteOptions {
  /** The upstream client (identity, how to ask it for approvals); none for the library and `code-goat run`. */
  readonly caller?: Caller;
  /** Hears of each call as it comes back, while the execution runs (not after it ended). */
  readonly onCallFinished?: (call: FinishedCall) => void;
}
