import ivm from 'isolated-vm';
import type { LogLevel } from '../ExecutionResult.ts';
import type { SandboxLimits, ToolBindings, ToolCallOutcome } from '../Sandbox.ts';
import { bridgeGlobals, userCodeFilename } from '../prelude/bridgeNames.ts';
import type { IsolatePool, PooledIsolate } from './IsolatePool.ts';
import type { WorkerExecutionResult } from './messages.ts';
import { mapStack } from './mapStack.ts';
import { isolateRaisedCodes, readSettlement } from './readSettlement.ts';
import { transpile } from './transpile.ts';
import { OutputCollector } from './OutputCollector.ts';
import { Watchdog } from './Watchdog.ts';

export interface ExecutionInput {
  code: string;
  bindings: ToolBindings;
  limits: SandboxLimits;
  /** Performs a tool call on the host; resolves with the outcome, never rejects. */
  callTool: (server: string, tool: string, argsJson: string) => Promise<ToolCallOutcome>;
}

interface FailureFields {
  error: string;
  errorCode: string;
  stack?: string;
}

/**
 * One execution in one isolate of the pool: transpile, install the bridge and the prelude in a fresh
 * context, run, and turn whatever happens into a result. The watchdog disposes the isolate at the
 * deadline or past the CPU budget, which also ends code awaiting a tool or spinning in a loop; the
 * next execution then gets a fresh isolate (see IsolatePool for when one is reused).
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
  const watchdog = new Watchdog(pooled.isolate, input.limits);
  let json: string;
  let bridge: Bridge | undefined;
  try {
    const context = await (pooled.spareContext ?? pooled.isolate.createContext());
    pooled.spareContext = undefined;
    bridge = installBridge(context, input, output);
    await pooled.prelude.run(context);
    bridge.takeResolver();
    const script = await pooled.isolate.compileScript(transpiled.script, { filename: userCodeFilename });
    json = String(await script.run(context, { timeout: input.limits.timeoutMs, promise: true, copy: true }));
    script.release();
    context.release();
  } catch (error) {
    watchdog.stop();
    const fields = abortedExecution(error, watchdog, pooled, input.limits);
    bridge?.finish();
    isolates.release(pooled, { reusable: false });
    return failure(output, fields);
  }
  watchdog.stop();
  // Calls still unanswered would resume this execution's code later, unwatched: such an isolate is not reused.
  const quiet = bridge.finish();
  isolates.release(pooled, { reusable: quiet });

  const returnBytes = Buffer.byteLength(json);
  if (returnBytes > input.limits.maxReturnBytes + 20) {
    return failure(output, {
      error: `LimitError: The return value is ${returnBytes} bytes of JSON; the limit is ${input.limits.maxReturnBytes} (codeMode.maxReturnBytes). Return less: filter, summarise or slice.`,
      errorCode: 'RETURN_TOO_LARGE',
    });
  }
  const settlement = readSettlement(json, bridge!.deliveredCodes);
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

interface Bridge {
  /** Error codes the bridge handed to the code: the only ones a failure may report (see readSettlement). */
  readonly deliveredCodes: ReadonlySet<string>;
  takeResolver(): void;
  /** Ends the bridge: later answers are dropped. True when no call was left unanswered. */
  finish(): boolean;
}

/**
 * Puts the bridge on the context's global object: `startCall` (an "ignored" callback, the cheapest
 * crossing) and the console sink. After the prelude ran, `takeResolver` removes the prelude's
 * resolver from the global object and keeps a reference to it, through which answers go back in.
 */
function installBridge(context: ivm.Context, input: ExecutionInput, output: OutputCollector): Bridge {
  let calls = 0;
  let unanswered = 0;
  let resolver: ivm.Reference<(callId: number, outcomeJson: string) => void> | undefined;
  const deliveredCodes = new Set<string>(isolateRaisedCodes);
  const answer = (callId: number, outcome: ToolCallOutcome) => {
    if (resolver === undefined) return;
    if (!outcome.ok) deliveredCodes.add(outcome.code);
    try {
      resolver?.applyIgnored(undefined, [callId, JSON.stringify(outcome)]);
    } catch {
      // The isolate was disposed (deadline, memory): the answer has nobody left to read it.
    }
  };
  const jail = context.global;
  jail.setSync(
    bridgeGlobals.callTool,
    new ivm.Callback(
      (callId: number, server: string, tool: string, argsJson: string) => {
        calls += 1;
        if (calls > input.limits.maxToolCalls) {
          answer(callId, {
            ok: false,
            code: 'TOOL_CALL_LIMIT',
            message: `Tool call limit reached: an execution may make at most ${input.limits.maxToolCalls} calls (codeMode.maxToolCalls).`,
          });
          return;
        }
        unanswered += 1;
        void input.callTool(String(server), String(tool), String(argsJson)).then((outcome) => {
          unanswered -= 1;
          answer(Number(callId), outcome);
        });
      },
      { ignored: true },
    ),
  );
  jail.setSync(bridgeGlobals.log, new ivm.Callback((level: string, message: string) => output.add(asLevel(level), String(message))));
  jail.setSync(bridgeGlobals.bindings, JSON.stringify(input.bindings));
  return {
    deliveredCodes,
    takeResolver() {
      resolver = jail.getSync(bridgeGlobals.resolveCall, { reference: true }) as ivm.Reference<(callId: number, outcomeJson: string) => void>;
      jail.deleteSync(bridgeGlobals.resolveCall);
    },
    finish() {
      resolver?.release();
      resolver = undefined;
      return unanswered === 0;
    },
  };
}

function abortedExecution(error: unknown, watchdog: Watchdog, pooled: PooledIsolate, limits: SandboxLimits): FailureFields {
  const message = error instanceof Error ? error.message : String(error);
  // A synchronous loop can outlive `timeout` and surface as ivm's own "timed out" rather than through the watchdog.
  if (watchdog.reason === 'deadline' || (watchdog.reason === undefined && /timed out/i.test(message))) {
    return { error: `TimeoutError: Execution exceeded its ${limits.timeoutMs} ms deadline (codeMode.timeout) and was stopped.`, errorCode: 'TIMEOUT' };
  }
  if (watchdog.reason === 'cpu') {
    return { error: `TimeoutError: Execution used more than ${limits.cpuTimeMs} ms of CPU time (codeMode.cpuTimeMs) and was stopped.`, errorCode: 'CPU_TIME_LIMIT' };
  }
  if (pooled.isolate.isDisposed || /memory limit/i.test(message)) {
    return { error: `MemoryLimitError: Execution exceeded its ${limits.memoryMb} MB heap limit (codeMode.memoryMb) and was stopped.`, errorCode: 'MEMORY_LIMIT' };
  }
  // Code esbuild accepts but V8 will not compile as a script (`import.meta`): the code's fault, not the sandbox's.
  if (error instanceof Error && error.name === 'SyntaxError') {
    return { error: `SyntaxError: ${firstLine(message).replace(/\s*\[file:\/\/\/code\.ts:\d+:\d+\]$/, '')}`, errorCode: 'SYNTAX_ERROR' };
  }
  return { error: `SandboxError: ${firstLine(message)}`, errorCode: 'SANDBOX_FAILED' };
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
