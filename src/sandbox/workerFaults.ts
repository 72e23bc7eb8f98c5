import type { ErrorCode } from '../errors.ts';
import type { WorkerToHost } from './workerMessages.ts';

/** Who a kill is for: that execution fails with the kill's own error, the others on the worker as collateral. */
export interface KillCulprit {
  readonly executionId: number;
  /** What the culprit did, as its neighbours are told: "exceeded its memory". */
  readonly did: string;
}

/** A worker's word that it must be ended (see workerMessages.ts). */
export type WorkerFault = Extract<WorkerToHost, { type: 'overMemory' | 'isolateFailed' }>;

/** How the host ends a worker on its word: the failure, and the execution it is for when one is known. */
export interface FaultKill {
  readonly code: ErrorCode;
  readonly message: string;
  readonly culprit?: KillCulprit;
}

/**
 * Both faults name the execution they are for, so that only it fails for them and its neighbours may
 * run again; without that word an exit fails every execution alike and runs a culprit that had called
 * no tool again, on another worker, to bring that one down too. `pendingIds`: the worker's executions.
 */
export function faultKill(fault: WorkerFault, pendingIds: readonly number[]): FaultKill {
  if (fault.type === 'isolateFailed') {
    // Only ending the worker stops that execution (and an isolate that failed so aborts it anyway).
    return { code: fault.errorCode, message: fault.message, culprit: { executionId: fault.executionId, did: 'could not be stopped but by ending the worker' } };
  }
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  // The worker names the execution whose isolate held the most (or was still allocating); alone on the worker, it is that one.
  const culpritId = fault.executionId ?? (pendingIds.length === 1 ? pendingIds[0] : undefined);
  return {
    code: 'MEMORY_LIMIT',
    message: `The sandbox worker reached ${mb(fault.rssBytes)} MB of memory, past its ${mb(fault.limitBytes)} MB ceiling, through allocations outside the heap cap (huge arrays, Intl); the worker was replaced.`,
    ...(culpritId === undefined ? {} : { culprit: { executionId: culpritId, did: 'exceeded its memory' } }),
  };
}
