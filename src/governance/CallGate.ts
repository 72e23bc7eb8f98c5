import type { ToolCallFailure } from '../catalog/ToolCallOutcome.ts';
import type { ApprovalAsker } from './approvals/ApprovalAsker.ts';
import type { ClientIdentity } from './identity/ClientIdentity.ts';

/** One call about to leave for a downstream server, from code (`mcpTools`) or a passthrough tool. */
export interface GovernedCall {
  readonly server: string;
  /** The tool's name as its server lists it. */
  readonly tool: string;
  readonly args: unknown;
  readonly from: 'code' | 'passthrough';
}

/** Who a call is made for, and how to ask them. */
export interface Caller {
  readonly client: ClientIdentity;
  /** Asks the upstream client to approve calls; absent when it cannot be asked (APPROVAL_UNAVAILABLE). */
  readonly ask?: ApprovalAsker;
}

/** The execution's deadline, held by the host: `pause()` stops its clock until the `resume` it returns is called. */
export interface DeadlineHold {
  pause(): () => void;
}

export interface GateOptions {
  /** The call's signal: aborting it ends a wait for an approval. */
  readonly signal?: AbortSignal;
  /** Paused while a human is asked. */
  readonly deadline?: DeadlineHold;
}

/**
 * What every call passes before it leaves: the client's servers, the policy, the rate limits and,
 * where the policy says so, the client's approval. Resolves undefined to let it go, or with the
 * failure the call ends with (it never reaches its server then). Never rejects.
 */
export interface CallGate {
  admit(call: GovernedCall, caller: Caller, options?: GateOptions): Promise<ToolCallFailure | undefined>;
  /** Whether the policy asks the client to approve calls of this tool (its answer may still refuse them first: hidden, denied, limited). */
  asksApproval(server: string, tool: string): boolean;
}
