import type ivm from 'isolated-vm';
import type { ErrorCode } from '../../errors.ts';
import type { SandboxLimits, ToolBindings } from '../Sandbox.ts';
import { userCodeFilename } from '../prelude/bridge.ts';
import { failureFields } from '../sandboxFailure.ts';
import { Bridge, type CallChannel } from './Bridge.ts';
import type { PreparedContext } from './PreparedContext.ts';
import type { IsolatePool, PooledIsolate } from './IsolatePool.ts';
import type { WorkerExecutionResult } from '../workerMessages.ts';
import { mapStack } from './mapStack.ts';
import { readSettlement } from './readSettlement.ts';
import { transpile } from './transpile.ts';
import type { SourceMapInput } from '@jridgewell/trace-mapping';
import { OutputCollector } from './OutputCollector.ts';
import { stopGraceMs, Watchdog, type StopReason } from './Watchdog.ts';
import { nestingDefaults } from '../../config/defaults.ts';
import { jsonTextDeeperThan } from '../../text/jsonDepth.ts';

export interface ExecutionInput {
  code: string;
  /** The JSON of the execution's `ToolBindings`. */
  bindingsJson: string;
  limits: SandboxLimits;
  /** Where the code's tool calls go and their answers come from. */
  calls: CallChannel;
  /** Told which isolate runs the execution, once it has one. */
  onIsolate?: (isolate: ivm.Isolate) => void;
  /** Given the function that stops the execution at once, for its caller's cancel (see worker.ts). */
  onCancellable?: (cancel: () => void) => void;
  /**
   * Given the execution's watchdog: its deadline, which the host may pause while a call waits (see
   * `DeadlineHold`), and its record of why it stopped the execution (see `catastropheFailure`).
   */
  onDeadline?: (watchdog: ExecutionWatchdog) => void;
  /**
   * Told that the execution was stopped (deadline, CPU, cancel) and is still running `stopGraceMs`
   * later, with its failure: only ending the worker stops it now (see worker.ts).
   */
  onStuck?: (failure: Failure) => void;
}

/** What the worker may do with an execution's watchdog from outside the execution. */
export type ExecutionWatchdog = Pick<Watchdog, 'pause' | 'resume' | 'reason' | 'pastDeadline'>;

interface FailureFields {
  error: string;
  errorCode: ErrorCode;
  stack?: string;
}

/**
 * What the prelude's runner wraps a returned value in: `{"ok":true,"value":` and `}`. The return limit
 * is on the value's JSON, so the settlement may be this much longer before the value is too large.
 */
const settlementEnvelopeBytes = Buffer.byteLength('{"ok":true,"value":}');

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
      ...failureFields('SYNTAX_ERROR', `${transpiled.message} (line ${transpiled.line}, column ${transpiled.column})`),
      stack: `    at code.ts:${transpiled.line}:${transpiled.column}`,
    });
  }

  const pooled = await isolates.acquire(input.limits.memoryMb);
  input.onIsolate?.(pooled.isolate);
  const onStuck = input.onStuck;
  const watchdog: Watchdog = new Watchdog(
    pooled.isolate,
    input.limits,
    onStuck && (() => onStuck(unstoppable(watchdog, input.limits, `it was still running ${stopGraceMs} ms after its isolate was disposed`))),
  );
  input.onCancellable?.(() => watchdog.cancel());
  input.onDeadline?.(watchdog);
  let json: string;
  let bridge: Bridge | undefined;
  let prepared: PreparedContext | undefined;
  /** Where it was when an exception came out: V8 compiling the code, or the code running. */
  let phase: 'compiling' | 'running' | undefined;
  try {
    prepared = await isolates.context(pooled, input.bindingsJson);
    bridge = new Bridge(prepared, input, output);
    // Compiled here, on this thread (no crossing: the isolate is ours and idle), then run in one crossing
    // to the isolate's thread. A compiler's exception is the code's syntax; one out of the run is the
    // code's too (a rejection it never handled, which isolated-vm reports in place of the result): its
    // other errors are settlements, and the sandbox's own faults are told apart by facts first.
    phase = 'compiling';
    const script = pooled.isolate.compileScriptSync(transpiled.script, { filename: userCodeFilename });
    phase = 'running';
    try {
      json = String(await script.run(prepared.context, { timeout: input.limits.timeoutMs, promise: true, copy: true }));
    } finally {
      script.release();
    }
    phase = undefined;
    prepared.release();
  } catch (error) {
    watchdog.stop();
    const fields = abortedExecution(error, watchdog, pooled, input.limits, phase, transpiled.sourceMap);
    bridge?.finish();
    prepared?.release();
    isolates.release(pooled, { reusable: false });
    return failure(output, fields);
  }
  watchdog.stop();
  // Calls still unanswered would resume this execution's code later, unwatched: such an isolate is not reused.
  const quiet = bridge.finish();
  isolates.release(pooled, { reusable: quiet });

  const returnBytes = Buffer.byteLength(json);
  if (returnBytes > input.limits.maxReturnBytes + settlementEnvelopeBytes) {
    return failure(
      output,
      failureFields(
        'RETURN_TOO_LARGE',
        `The return value is ${returnBytes} bytes of JSON; the limit is ${input.limits.maxReturnBytes} (codeMode.maxReturnBytes). Return less: filter, summarise or slice.`,
      ),
    );
  }
  // Measured on the text, before anything recursive reads it; the settlement's envelope is one level.
  if (jsonTextDeeperThan(json, nestingDefaults.maxValueDepth + 1)) {
    return failure(
      output,
      failureFields(
        'RETURN_TOO_LARGE',
        `The return value nests arrays or objects more than ${nestingDefaults.maxValueDepth} levels deep; the limit is ${nestingDefaults.maxValueDepth}. Return flatter data.`,
      ),
    );
  }
  const settlement = readSettlement(json, bridge.deliveredCodes);
  if (settlement.ok) {
    // Its depth is bounded now, so writing it again cannot overflow; it crosses to the host as text.
    return { success: true, ...output.result(), ...('value' in settlement ? { returnJson: JSON.stringify(settlement.value) } : {}) };
  }
  const stack = settlement.stack === undefined ? undefined : mapStack(settlement.stack, transpiled.sourceMap);
  return failure(output, {
    error: `${oneLine(settlement.name)}: ${firstLine(settlement.message)}`,
    errorCode: settlement.code ?? 'RUNTIME_ERROR',
    ...(stack ? { stack } : {}),
  });
}

/**
 * An execution that ended by an exception on our side of the boundary, classified from facts, not
 * from the error's text: the watchdog's record (deadline, CPU budget), the isolate's state (during an
 * execution only the watchdog and the heap cap dispose an isolate), the clock, the error's name.
 */
function abortedExecution(
  error: unknown,
  watchdog: Watchdog,
  pooled: PooledIsolate,
  limits: SandboxLimits,
  phase: 'compiling' | 'running' | undefined,
  sourceMap: SourceMapInput | undefined,
): FailureFields {
  const named = ({ code, message }: Failure) => failureFields(code, message);
  const stopped = watchdogStop(watchdog, limits, '');
  if (stopped !== undefined) return named(stopped);
  // Disposed, and not by the watchdog: the heap cap (isolated-vm disposes an isolate that passes it).
  if (pooled.isolate.isDisposed) return named(heapLimit(limits, ''));
  // isolated-vm's own `timeout` on the script, when it fires before the watchdog's timer.
  if (watchdog.pastDeadline) return named(stoppedAt('deadline', limits, ''));
  const message = error instanceof Error ? error.message : String(error);
  if (phase === 'compiling') {
    // Code the type stripper or esbuild accepts but V8 will not compile as a script (`import.meta`): the code's fault.
    if (error instanceof Error && error.name === 'SyntaxError') {
      return failureFields('SYNTAX_ERROR', firstLine(message).replace(/\s*\[file:\/\/\/code\.ts:\d+:\d+\]$/, ''));
    }
    // V8's parser ran out of stack on the code (expressions nested thousands deep): the code's fault too.
    if (error instanceof Error && error.name === 'RangeError') {
      return failureFields('SYNTAX_ERROR', 'The code nests expressions too deeply to compile (the parser ran out of stack). Write it flatter.');
    }
  }
  if (phase === 'running') {
    // The run settles with the code's result or its own error (see `Run`); what comes out of it instead is
    // a rejection the code left unhandled (`promise()` never awaited), which isolated-vm reports in place
    // of the result. The code's error, then, as an uncaught one.
    const name = error instanceof Error ? oneLine(error.name) : 'Error';
    const stack = error instanceof Error && typeof error.stack === 'string' ? mapStack(error.stack, sourceMap) : undefined;
    return { error: `${name}: ${firstLine(message)} (a rejected promise the code never awaited or caught)`, errorCode: 'RUNTIME_ERROR', ...(stack ? { stack } : {}) };
  }
  return failureFields('SANDBOX_FAILED', firstLine(message));
}

/** A failure before it is named (see `failureFields`): its code and its message. */
export interface Failure {
  code: ErrorCode;
  message: string;
}

/** The limit the watchdog stopped the execution for, if it did (`how` says what stopping took). */
function watchdogStop(watchdog: ExecutionWatchdog, limits: SandboxLimits, how: string): Failure | undefined {
  return watchdog.reason === undefined ? undefined : stoppedAt(watchdog.reason, limits, how);
}

function stoppedAt(reason: StopReason, limits: SandboxLimits, how: string): Failure {
  if (reason === 'cancelled') return { code: 'CANCELLED', message: `The execution was cancelled by its caller and was stopped${how}.` };
  if (reason === 'cpu') return { code: 'CPU_TIME_LIMIT', message: `Execution used more than ${limits.cpuTimeMs} ms of CPU time (codeMode.cpuTimeMs) and was stopped${how}.` };
  return { code: 'TIMEOUT', message: `Execution exceeded its ${limits.timeoutMs} ms deadline (codeMode.timeout) and was stopped${how}.` };
}

function heapLimit(limits: SandboxLimits, how: string): Failure {
  return { code: 'MEMORY_LIMIT', message: `Execution exceeded its ${limits.memoryMb} MB heap limit (codeMode.memoryMb) and was stopped${how}.` };
}

/**
 * The failure of an execution whose isolate failed beyond recovery (`cause`: isolated-vm's words),
 * which ends the worker, classified from facts: the limit the watchdog had already stopped it for
 * (a stop that a built-in running on could not carry out), the clock; else its heap, the one other
 * way an isolate fails so (isolated-vm raises it from V8's out-of-memory handler).
 */
export function catastropheFailure(watchdog: ExecutionWatchdog, limits: SandboxLimits, cause: string): Failure {
  return unstoppable(watchdog, limits, `isolated-vm: ${firstLine(cause)}`);
}

/** The failure of an execution that only ending its worker stops (`why` says how that was found). */
function unstoppable(watchdog: ExecutionWatchdog, limits: SandboxLimits, why: string): Failure {
  const how = ` by ending its sandbox worker, which was replaced: its isolate could not be stopped otherwise (${why})`;
  return watchdogStop(watchdog, limits, how) ?? (watchdog.pastDeadline ? stoppedAt('deadline', limits, how) : heapLimit(limits, how));
}

function failure(output: OutputCollector, fields: FailureFields): WorkerExecutionResult {
  return { success: false, ...output.result(), ...fields };
}

/** An error's name as one short line, whatever the code set it to. */
function oneLine(text: string): string {
  const line = text.replace(/[\r\n\u2028\u2029]+/g, ' ').trim() || 'Error';
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
