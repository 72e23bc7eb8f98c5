/**
 * Entry of a sandbox worker process: started by WorkerSandbox with `--no-node-snapshot` (which
 * isolated-vm needs on Node 20 and later), it hosts the isolates and talks to the host over IPC.
 * A fault here (a V8 crash, a leak) takes down this process only; the host fails its executions
 * and starts another.
 */
import { defaultSandboxLimits } from '../Sandbox.ts';
import { failureFields } from '../sandboxFailure.ts';
import type { CallChannel } from './Bridge.ts';
import { IsolatePool } from './IsolatePool.ts';
import type { HostToWorker, ToolCallAnswer, WorkerExecutionResult, WorkerToHost } from '../workerMessages.ts';
import { preludeScript } from './preludeScript.ts';
import { runExecution } from './runExecution.ts';
import { codeModeDefaults } from '../../config/defaults.ts';

/**
 * Everything sent is plain data whose values are strings (see workerMessages.ts), so serialising it
 * cannot overflow; a channel that closed meanwhile is the host's exit, which ends this process anyway.
 */
const send = (message: WorkerToHost): void => {
  try {
    process.send?.(message, undefined, undefined, () => {});
  } catch {
    // Closed channel: 'disconnect' follows and ends the worker.
  }
};

const isolates = new IsolatePool(preludeScript);
/** Where the host's answers go, by execution: the bridge of that execution's isolate. */
const answerRoutes = new Map<number, (answer: ToolCallAnswer) => void>();

process.on('message', (message: HostToWorker) => {
  if (message.type === 'toolResult') {
    const { callId, outcomeJson, failureCode } = message;
    answerRoutes.get(message.executionId)?.({ callId, outcomeJson, ...(failureCode !== undefined && { failureCode }) });
    return;
  }
  // A fault of ours fails that execution, never the worker (an unhandled rejection would end it and its neighbours).
  if (message.type === 'execute') {
    execute(message).catch((error: unknown) => {
      answerRoutes.delete(message.executionId);
      const result = { success: false, output: '', logs: [], ...failureFields('SANDBOX_FAILED', describe(error)) };
      send({ type: 'done', executionId: message.executionId, result, rssBytes: process.memoryUsage.rss() });
    });
  }
});

async function execute(request: Extract<HostToWorker, { type: 'execute' }>): Promise<void> {
  const { executionId } = request;
  const calls: CallChannel = {
    send: (call) => send({ type: 'toolCall', executionId, ...call }),
    onAnswer: (deliver) => answerRoutes.set(executionId, deliver),
  };
  const result = await runExecution({ code: request.code, bindings: request.bindings, limits: request.limits, calls }, isolates).catch(
    (error: unknown): WorkerExecutionResult => {
      // A fault of ours while running one execution fails that execution, not the process and its neighbours.
      return { success: false, output: '', logs: [], ...failureFields('SANDBOX_FAILED', describe(error)) };
    },
  );
  // Answers still on their way belong to an execution that is over (deadline, throw): nobody takes them.
  answerRoutes.delete(executionId);
  send({ type: 'done', executionId, result, rssBytes: process.memoryUsage.rss() });
}

/** One line saying what went wrong. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? '';
}

// The host going away (crash, kill) closes the channel: a worker never outlives its host.
process.on('disconnect', () => {
  isolates.dispose();
  process.exit(0);
});

/**
 * One throwaway execution before the first real one: it starts esbuild's service (which transpiles
 * the submitted code), compiles the prelude and warms the code paths, so that the first execution a client sends is not the slow one.
 * Messages that arrive meanwhile are handled as usual; the warm-up is just another execution.
 */
async function warmUp(memoryMb: number): Promise<void> {
  isolates.warm(memoryMb);
  await runExecution(
    {
      code: 'const warm: number = 1; return warm;',
      bindings: { namespaces: {} },
      limits: { ...defaultSandboxLimits, memoryMb },
      calls: { send: () => {}, onAnswer: () => {} },
    },
    isolates,
  ).catch(() => undefined);
  isolates.warm(memoryMb);
}

/**
 * Some memory escapes an isolate's heap cap (Intl internals, huge backing stores, built-ins that
 * cannot be interrupted). Past a hard ceiling on the whole process the only safe answer is to end
 * it: the host fails what ran here with a memory error and starts a fresh worker.
 */
function guardResidentMemory(limitMb: number): void {
  const limitBytes = limitMb * 1024 * 1024;
  setInterval(() => {
    const rssBytes = process.memoryUsage.rss();
    if (rssBytes <= limitBytes) return;
    send({ type: 'overMemory', rssBytes, limitBytes });
    // The host kills us on that message; this is the fallback should the channel be gone.
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 500).unref();
  }, 100).unref();
}

guardResidentMemory(Number(process.argv[3] ?? codeModeDefaults.maxWorkerRssMb));
warmUp(Number(process.argv[2] ?? defaultSandboxLimits.memoryMb))
  .catch(() => undefined)
  .finally(() => send({ type: 'ready' }));
