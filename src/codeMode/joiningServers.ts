import { toolCallFailure, type ToolCallOutcome } from '../catalog/ToolCallOutcome.ts';
import { toNamespaceName } from '../modelApi/index.ts';
import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import { failureFields } from '../sandbox/sandboxFailure.ts';
import type { ServerPool } from '../servers/index.ts';
import { someNames } from '../text/someNames.ts';

/**
 * Calls to a server that was still making its first connection when the execution started: the code
 * runs at once, and such a call waits in the host for the server (never longer than the execution),
 * then goes to the tool its method names once the server has listed its tools.
 */

/** What an execution's calls share: their slot group (by identity), and the servers a call still waits for. */
export interface ExecutionCalls {
  readonly stillConnecting: Set<string>;
}

/**
 * A call of `method` to a server that was connecting when the execution started: waits for its first
 * connect to settle (or the execution's `signal` to end it), then sends the call to the tool that method
 * names in the API as it is now (`api`), and records it under that tool's own name.
 */
export async function callJoiningServer(
  pool: ServerPool,
  api: () => RuntimeApi,
  execution: ExecutionCalls,
  { server, method, signal }: { server: string; method: string; signal: AbortSignal | undefined },
  send: (tool: string) => Promise<ToolCallOutcome>,
): Promise<ToolCallOutcome> {
  const connection = pool.connection(server);
  if (connection === undefined) return toolCallFailure('UNKNOWN_SERVER', `server "${server}" is not configured`);
  if (connection.state === 'connecting') {
    execution.stillConnecting.add(server);
    if (!(await settledUnlessAborted(connection.connect(), signal))) {
      return toolCallFailure('SERVER_UNAVAILABLE', `server "${server}" was still connecting when this execution ended; the call was not sent.`);
    }
    execution.stillConnecting.delete(server);
  }
  const state = pool.status().find((entry) => entry.name === server);
  if (state?.state !== 'ready') {
    return toolCallFailure('SERVER_UNAVAILABLE', `server "${server}" is configured but not available: ${state?.failure ?? state?.state ?? 'failed'}.`);
  }
  const methods = Object.entries(api().namespaces).find(([, tools]) => Object.values(tools).some((tool) => tool.server === server));
  const target = methods?.[1][method];
  if (methods === undefined || target === undefined) {
    const namespace = methods?.[0] ?? toNamespaceName(server);
    const known = Object.keys(methods?.[1] ?? {});
    return toolCallFailure('UNKNOWN_TOOL', `mcpTools.${namespace}.${method} is not a tool. Tools of ${namespace}: ${someNames(known, method) || '(none)'}.`);
  }
  return { ...(await send(target.tool)), tool: target.tool };
}

/**
 * True once `settling` settled (fulfilled or rejected: the server's state says how it went); false when
 * `signal` aborted first (the execution ended). A connect that fails after that is handled, never left
 * as an unhandled rejection.
 */
async function settledUnlessAborted(settling: Promise<unknown>, signal: AbortSignal | undefined): Promise<boolean> {
  const settled = settling.then(
    () => true as const,
    () => true as const,
  );
  if (signal === undefined) return settled;
  if (signal.aborted) return false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([settled, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/** The execution ran out of time while a call waited for a server still connecting: that is what it is told. */
export function connectingPastDeadline(result: ExecutionResult, servers: ReadonlySet<string>): ExecutionResult {
  const names = [...servers].map((server) => `"${server}"`).join(', ');
  return { ...result, ...failureFields('SERVER_UNAVAILABLE', `server ${names} was still connecting when this execution's deadline ran out; its calls were not sent.`) };
}
