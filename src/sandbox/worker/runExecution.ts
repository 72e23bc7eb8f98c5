import ivm from 'isolated-vm';
import type { LogEntry, LogLevel } from '../ExecutionResult.ts';
import type { SandboxLimits, ToolBindings, ToolCallOutcome } from '../Sandbox.ts';
import { bridgeGlobals, userCodeFilename, type Settlement } from '../prelude/bridgeNames.ts';
import type { IsolatePool, PooledIsolate } from './IsolatePool.ts';
import type { WorkerExecutionResult } from './messages.ts';
import { mapStack } from './mapStack.ts';
import { transpile } from './transpile.ts';
import { OutputCollector } from './OutputCollector.ts';

export interface ExecutionInput {
  code: string;
  bindings: ToolBindings;
  limits: SandboxLimits;
  /** Performs a tool call on the host; resolves with the outcome, never rejects. */
  callTool: (server: string, tool: string, argsJson: string) => Promise<ToolCallOutcome>;
}

/**
 * One execution in one isolate of the pool: transpile, install the bridge and the prelude in a fresh
 * context, run, and turn whatever happens into a result. A watchdog disposes the isolate at the deadline,
 * which also ends code that is awaiting a tool or spinning in a loop; the next execution gets a new one.
 */
export async function runExecution(input: ExecutionInput, isolates: IsolatePool): Promise<WorkerExecutionResult> {
  const transpiled = await transpile(input.code);
  const output = new OutputCollector(input.limits.maxOutputBytes);
  if (!transpiled.ok) {
    return failure(output, {
      error: `SyntaxError: ${transpiled.message} (line ${transpiled.line}, column ${transpiled.column})`,
      errorCode: 'SYNTAX_ERROR',
      stack: `    at code.ts:${transpiled.line}:${transpiled.column}`,
    });
  }

  const pooled = isolates.acquire(input.limits.memoryMb);
  const { isolate } = pooled;
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    isolate.dispose();
  }, input.limits.timeoutMs);

  let context: ivm.Context | undefined;
  let settlement: Settlement;
  try {
    context = await isolate.createContext();
    installBridge(context, input, output);
    await pooled.prelude.run(context);
    const script = await isolate.compileScript(transpiled.script, { filename: userCodeFilename });
    const json = (await script.run(context, { timeout: input.limits.timeoutMs, promise: true, copy: true })) as unknown;
    script.release();
    settlement = JSON.parse(String(json)) as Settlement;
  } catch (error) {
    clearTimeout(watchdog);
    return failure(output, abortedExecution(error, timedOut, pooled, input.limits));
  } finally {
    clearTimeout(watchdog);
  }
  context.release();
  isolates.release(pooled);

  if (settlement.ok) {
    return { success: true, ...output.result(), ...('value' in settlement ? { returnValue: settlement.value } : {}) };
  }
  const stack = settlement.stack === undefined ? undefined : mapStack(settlement.stack, transpiled.sourceMap);
  return failure(output, {
    error: `${settlement.name}: ${firstLine(settlement.message)}`,
    errorCode: settlement.code ?? 'RUNTIME_ERROR',
    ...(stack ? { stack } : {}),
  });
}

function installBridge(context: ivm.Context, input: ExecutionInput, output: OutputCollector): void {
  let calls = 0;
  const jail = context.global;
  jail.setSync(
    bridgeGlobals.callTool,
    new ivm.Reference(
      async (server: string, tool: string, argsJson: string) => {
        calls += 1;
        if (calls > input.limits.maxToolCalls) {
          const outcome: ToolCallOutcome = {
            ok: false,
            code: 'TOOL_CALL_LIMIT',
            message: `Tool call limit reached: an execution may make at most ${input.limits.maxToolCalls} calls (codeMode.maxToolCalls).`,
          };
          return JSON.stringify(outcome);
        }
        return JSON.stringify(await input.callTool(String(server), String(tool), String(argsJson)));
      },
    ),
  );
  jail.setSync(bridgeGlobals.log, new ivm.Callback((level: string, message: string) => output.add(asLevel(level), String(message))));
  jail.setSync(bridgeGlobals.bindings, JSON.stringify(input.bindings));
}

function abortedExecution(error: unknown, timedOut: boolean, pooled: PooledIsolate, limits: SandboxLimits): FailureFields {
  if (timedOut) {
    return {
      error: `TimeoutError: Execution exceeded its ${limits.timeoutMs} ms deadline (codeMode.timeout) and was stopped.`,
      errorCode: 'TIMEOUT',
    };
  }
  if (pooled.isolate.isDisposed) {
    return {
      error: `MemoryLimitError: Execution exceeded its ${limits.memoryMb} MB heap limit (codeMode.memoryMb) and was stopped.`,
      errorCode: 'MEMORY_LIMIT',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // A synchronous loop that outlives `timeout` surfaces here rather than through the watchdog.
  if (/timed out/i.test(message)) {
    pooled.isolate.dispose();
    return {
      error: `TimeoutError: Execution exceeded its ${limits.timeoutMs} ms deadline (codeMode.timeout) and was stopped.`,
      errorCode: 'TIMEOUT',
    };
  }
  pooled.isolate.dispose();
  return { error: `SandboxError: ${firstLine(message)}`, errorCode: 'SANDBOX_FAILED' };
}

interface FailureFields {
  error: string;
  errorCode: string;
  stack?: string;
}

function failure(output: OutputCollector, fields: FailureFields): WorkerExecutionResult {
  return { success: false, ...output.result(), ...fields };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

const levels = new Set<LogLevel>(['log', 'info', 'warn', 'error', 'debug']);
function asLevel(level: string): LogLevel {
  return levels.has(level as LogLevel) ? (level as LogLevel) : 'log';
}

export type { LogEntry };
