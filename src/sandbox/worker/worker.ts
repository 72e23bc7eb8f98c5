/**
 * Entry of a sandbox worker process: started by WorkerSandbox with `--no-node-snapshot` (which
 * isolated-vm needs on Node 20 and later), it hosts the isolates and talks to the host over IPC.
 * A fault here (a V8 crash, a leak) takes down this process only; the host fails its executions
 * and starts another.
 */
import { defaultSandboxLimits, type SandboxLimits } from '../Sandbox.ts';
import { failureFields } from '../sandboxFailure.ts';
import type { CallChannel } from './Bridge.ts';
import { IsolatePool } from './IsolatePool.ts';
import type { HostToWorker, ToolCallAnswer, WorkerExecutionResult, WorkerToHost } from '../workerMessages.ts';
import { preludeScript } from './preludeScript.ts';
import { catastropheFailure, runExecution, type ExecutionWatchdog, type Failure } from './runExecution.ts';
import { warmUpCode } from './warmUpCode.ts';
import { IpcOutbox, unbatched, type Batch } from '../ipcOutbox.ts';
import { codeModeDefaults } from '../../config/defaults.ts';
import { MemorySuspects } from './memoryCharge.ts';
import type ivm from 'isolated-vm';

/**
 * Everything sent is plain data whose values are strings (see workerMessages.ts), so serialising it
 * cannot overflow; a channel that closed meanwhile is the host's exit, which ends this process anyway.
 */
const write = (message: WorkerToHost | Batch<WorkerToHost>): void => {
  try {
    process.send?.(message, undefined, undefined, () => {});
  } catch {
    // Closed channel: 'disconnect' follows and ends the worker.
  }
};
/** What one turn sends goes as one write (see ipcOutbox.ts): the calls of a `Promise.all`, say. */
const outbox = new IpcOutbox<WorkerToHost>(write, (message) =>
  message.type === 'toolCall' ? message.argsJson.length : message.type === 'done' ? message.result.output.length + (message.result.returnJson?.length ?? 0) : 0,
);
const send = (message: WorkerToHost): void => outbox.send(message);

const isolates = new IsolatePool(preludeScript, { onCatastrophe: reportCatastrophe });
/** Where the host's answers go, by execution: the bridge of that execution's isolate. */
const answerRoutes = new Map<number, (answer: ToolCallAnswer) => void>();
/** The isolates of running (and lately ended) executions, to charge a memory overrun to one of them. */
const memorySuspects = new MemorySuspects();
/** Each running execution's cancel: how to stop it at once (once it can be), and whether its caller already asked. */
const cancels = new Map<number, { stop?: () => void; asked: boolean }>();
/** The JSON of the bindings the host last sent (see `bindingsJson` in workerMessages.ts): an execution sent without any has these. */
let currentBindingsJson: string | undefined;
/** Each running execution's watchdog (its deadline, which the host may pause) and limits. */
const watchdogs = new Map<number, { watchdog: ExecutionWatchdog; limits: SandboxLimits }>();

process.on('message', (received: HostToWorker | Batch<HostToWorker>) => {
  for (const message of unbatched(received)) onMessage(message);
});

function onMessage(message: HostToWorker): void {
  if (message.type === 'toolResult') {
    const { callId, outcomeJson, failureCode } = message;
    answerRoutes.get(message.executionId)?.({ callId, outcomeJson, ...(failureCode !== undefined && { failureCode }) });
    return;
  }
  // A fault of ours fails that execution, never the worker (an unhandled rejection would end it and its neighbours).
  if (message.type === 'execute') {
    execute(message).catch((error: unknown) => {
      answerRoutes.delete(message.executionId);
      cancels.delete(message.executionId);
      watchdogs.delete(message.executionId);
      const result = { success: false, output: '', logs: [], ...failureFields('SANDBOX_FAILED', describe(error)) };
      send({ type: 'done', executionId: message.executionId, result, rssBytes: process.memoryUsage.rss() });
    });
  }
  if (message.type === 'expect') {
    currentBindingsJson = message.bindingsJson;
    void isolates.expect(message.bindingsJson).then(() => send({ type: 'prepared' }));
    return;
  }
  if (message.type === 'deadline') {
    const watchdog = watchdogs.get(message.executionId)?.watchdog;
    if (message.paused) watchdog?.pause();
    else watchdog?.resume();
    return;
  }
  if (message.type === 'cancel') {
    const cancel = cancels.get(message.executionId);
    if (cancel === undefined) return; // over already: its result is on its way
    cancel.asked = true;
    cancel.stop?.();
  }
}

async function execute(request: Extract<HostToWorker, { type: 'execute' }>): Promise<void> {
  const { executionId } = request;
  if (request.bindingsJson !== undefined) currentBindingsJson = request.bindingsJson;
  const bindingsJson = currentBindingsJson;
  if (bindingsJson === undefined) throw new Error('the host sent an execution without bindings, and none came before it');
  const calls: CallChannel = {
    send: (call) => send({ type: 'toolCall', executionId, ...call }),
    onAnswer: (deliver) => answerRoutes.set(executionId, deliver),
  };
  const onIsolate = (isolate: ivm.Isolate) => memorySuspects.started(executionId, isolate);
  const cancel: { stop?: () => void; asked: boolean } = { asked: false };
  cancels.set(executionId, cancel);
  const onCancellable = (stop: () => void) => {
    cancel.stop = stop;
    if (cancel.asked) stop();
  };
  const onDeadline = (watchdog: ExecutionWatchdog) => watchdogs.set(executionId, { watchdog, limits: request.limits });
  const onStuck = (failure: Failure) => reportUnstoppable(executionId, failure);
  const input = { code: request.code, bindingsJson, limits: request.limits, calls, onIsolate, onCancellable, onDeadline, onStuck };
  const result = await runExecution(input, isolates).catch(
    (error: unknown): WorkerExecutionResult => {
      // A fault of ours while running one execution fails that execution, not the process and its neighbours.
      return { success: false, output: '', logs: [], ...failureFields('SANDBOX_FAILED', describe(error)) };
    },
  );
  // Answers still on their way belong to an execution that is over (deadline, throw): nobody takes them.
  answerRoutes.delete(executionId);
  memorySuspects.ended(executionId);
  cancels.delete(executionId);
  watchdogs.delete(executionId);
  send({ type: 'done', executionId, result, rssBytes: process.memoryUsage.rss() });
}

/**
 * An isolate failed beyond recovery and this process aborts when this returns (see
 * `OnIsolateCatastrophe`): the host is told which execution's isolate it was and why it failed, so
 * that execution fails for it alone, not run again on another worker to fail there too, and its
 * neighbours here are told they were not at fault. An isolate running no execution (a spare context
 * in the making) names none: the host then learns of the exit alone.
 */
function reportCatastrophe(isolate: ivm.Isolate, cause: string): void {
  const executionId = memorySuspects.runningOn(isolate);
  const running = executionId === undefined ? undefined : watchdogs.get(executionId);
  if (executionId === undefined || running === undefined) return;
  reportUnstoppable(executionId, catastropheFailure(running.watchdog, running.limits, cause));
}

/** Asks the host to end this worker, the one way left to stop `executionId`, which fails with `failure` alone. */
function reportUnstoppable(executionId: number, { code, message }: Failure): void {
  send({ type: 'isolateFailed', executionId, errorCode: code, message });
  outbox.flush(); // now: the process may not see another turn
}

/** One line saying what went wrong. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? '';
}

// The host going away (crash, kill) closes the channel: a worker never outlives its host. Ended by
// SIGKILL, not `exit`: an isolate still running code (a loop resumed by a tool's answer, which has no
// timeout of isolated-vm's) kept an exiting worker alive, spinning, long after its host was gone.
// Nothing here needs a clean end: every execution's result belonged to the host.
process.on('disconnect', () => {
  process.kill(process.pid, 'SIGKILL');
});

/**
 * One throwaway execution before the first real one: it loads the type stripper (which transpiles
 * the submitted code), compiles the prelude and warms the code paths, so that the first execution a client sends is not the slow one.
 * Messages that arrive meanwhile are handled as usual; the warm-up is just another execution.
 */
async function warmUp(memoryMb: number): Promise<void> {
  isolates.warm(memoryMb);
  await runExecution(
    {
      code: warmUpCode,
      bindingsJson: '{"namespaces":{}}',
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
  let over = false;
  setInterval(() => {
    const rssBytes = process.memoryUsage.rss();
    if (over || rssBytes <= limitBytes) return;
    over = true;
    // The host kills us on that message; this is the fallback should the channel be gone.
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1_000).unref();
    void memorySuspects.charge().then((executionId) => {
      send({ type: 'overMemory', rssBytes, limitBytes, ...(executionId !== undefined && { executionId }) });
      outbox.flush(); // now: the process may not see another turn
    });
  }, 100).unref();
}

guardResidentMemory(Number(process.argv[3] ?? codeModeDefaults.maxWorkerRssMb));
warmUp(Number(process.argv[2] ?? defaultSandboxLimits.memoryMb))
  .catch(() => undefined)
  .finally(() => send({ type: 'ready' }));
