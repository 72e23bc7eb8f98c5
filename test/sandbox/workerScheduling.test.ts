/**
 * Neighbours do not pay for each other: an execution goes to a booted worker with room rather than
 * to a cold one, its deadline starts when it starts there (a worker's boot is outside it), a worker
 * ended for one execution's memory tells its other executions they were collateral, and an execution
 * lost with its worker before it made any tool call runs again on another worker. Workers are paused
 * (SIGSTOP) or killed to make a slow boot or a death happen where the test wants it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSandbox, type WorkerSandboxOptions } from '../../src/sandbox/WorkerSandbox.ts';
import type { ExecutionResult } from '../../src/sandbox/ExecutionResult.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const bindings: ToolBindings = { namespaces: { Host: { wait: { server: 'host', tool: 'wait' } } } };
/** `wait` answers when the test says so, which holds executions open without any timing. */
function gate() {
  const waiting: (() => void)[] = [];
  const handler: ToolCallHandler = () => new Promise((resolve) => waiting.push(() => resolve({ ok: true, value: 'released' })));
  return { handler, waiting, releaseAll: () => waiting.splice(0).forEach((release) => release()) };
}

let sandbox: WorkerSandbox | undefined;
const stopped = new Set<number>();
afterEach(async () => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone already
    }
  }
  stopped.clear();
  await sandbox?.close();
  sandbox = undefined;
});
const start = (options: WorkerSandboxOptions) => (sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, ...options }));
const pause = (pid: number) => {
  stopped.add(pid);
  process.kill(pid, 'SIGSTOP');
};
const resume = (pid: number) => {
  stopped.delete(pid);
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // Already ended (the old scheduling killed a worker whose boot outlasted the deadline).
  }
};

/** Polls `condition`; the 30 s bound is a safety net for a worker booting on a busy machine, not a measure. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

/** `running`, or a marker if it has not settled within the safety net (a failure, not a measure). */
function withinSafetyNet(running: Promise<ExecutionResult>, ms = 20_000): Promise<ExecutionResult | 'never settled'> {
  let timer: NodeJS.Timeout | undefined;
  const net = new Promise<'never settled'>((resolve) => (timer = setTimeout(() => resolve('never settled'), ms)));
  return Promise.race([running, net]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('second-execution-goes-to-the-warm-worker', () => {
  it('a second concurrent execution runs on the booted worker that has room, not on a cold one', async () => {
    const box = start({ pool: { workers: 2 } });
    const { handler, waiting, releaseAll } = gate();
    expect(await box.execute({ code: 'return 0', bindings }, handler)).toMatchObject({ success: true });
    const warm = box.workerPid!;
    const first = box.execute({ code: 'return await mcpTools.Host.wait({})', bindings }, handler);
    await until(() => waiting.length === 1);
    const second = box.execute({ code: 'return 2', bindings }, handler);
    // Any other worker is cold (booting): paused, it could run nothing. The second must not need it.
    for (const pid of box.workerPids) if (pid !== warm) pause(pid);
    expect(await withinSafetyNet(second)).toMatchObject({ success: true, returnValue: 2 });
    releaseAll();
    expect(await first).toMatchObject({ success: true, returnValue: 'released' });
  });
});

describe('deadline-excludes-worker-boot', () => {
  it('an execution waiting for a worker that boots slowly gets its whole deadline once the worker is ready', async () => {
    const timeoutMs = 500;
    const box = start({ limits: { timeoutMs, memoryMb: 32 }, pool: { workers: 1 } });
    const running = box.execute({ code: 'return "ran"', bindings }, gate().handler);
    const booting = box.workerPid!;
    pause(booting);
    // A boot longer than the deadline and the host's 2 s grace after it (a busy machine, made certain).
    await sleep(timeoutMs + 3_000);
    resume(booting);
    expect(await running).toMatchObject({ success: true, returnValue: 'ran' });
  });
});

describe('neighbour-of-a-memory-kill-is-told-it-was-collateral', () => {
  it('the execution that ran the worker out of memory gets MEMORY_LIMIT; its neighbour is told it was not at fault', async () => {
    // Wide deadlines and a lower ceiling: filling the array is slow on a machine busy with other memory tests.
    const box = start({ limits: { timeoutMs: 90_000, cpuTimeMs: 90_000, memoryMb: 32 }, pool: { workers: 1, maxWorkerRssMb: 300 } });
    const { handler, waiting } = gate();
    const neighbour = box.execute({ code: 'return await mcpTools.Host.wait({})', bindings }, handler);
    await until(() => waiting.length === 1);
    // A 1e8-element backing store lives outside the V8 heap the isolate's cap meters.
    const culprit = await box.execute({ code: 'const a = new Array(1e8).fill(0); return a.length', bindings }, handler);
    expect(culprit).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
    const result = await neighbour;
    expect(result).toMatchObject({ success: false, errorCode: 'SANDBOX_FAILED' });
    expect(result.error).toBe(
      'SandboxError: The sandbox worker was ended because another execution on it exceeded its memory; this execution was not at fault.',
    );
    expect(await box.execute({ code: 'return 1', bindings }, handler)).toMatchObject({ success: true, returnValue: 1 });
  }, 180_000);
});

describe('execution-without-tool-calls-is-rerun-after-a-worker-death', () => {
  it('an execution lost with its worker before any tool call runs again on another; one that had called a tool fails', async () => {
    const box = start({ limits: { timeoutMs: 30_000, memoryMb: 32, cpuTimeMs: 30_000 }, pool: { workers: 1 } });
    const { handler, waiting } = gate();
    const called = box.execute({ code: 'return await mcpTools.Host.wait({})', bindings }, handler);
    await until(() => waiting.length === 1);
    const worker = box.workerPid!;
    // Busy for two seconds from now, on whichever worker runs it: the kill below lands well inside them.
    const until2s = Date.now() + 2_000;
    const quiet = box.execute({ code: `while (Date.now() < ${until2s}) {} return 'ran to the end';`, bindings }, handler);
    process.kill(worker, 'SIGKILL');
    expect(await called).toMatchObject({ success: false, errorCode: 'SANDBOX_FAILED' });
    expect(await quiet).toMatchObject({ success: true, returnValue: 'ran to the end' });
    expect(box.workerPid).not.toBe(worker);
  });
});
