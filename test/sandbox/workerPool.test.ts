import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSandbox, type WorkerSandboxOptions } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const bindings: ToolBindings = { namespaces: { Host: { wait: { server: 'host', tool: 'wait' } } } };
/** `wait` answers when the test says so, which holds executions open without any timing. */
function gate() {
  const waiting: (() => void)[] = [];
  const handler: ToolCallHandler = () => new Promise((resolve) => waiting.push(() => resolve({ ok: true, value: 'released' })));
  return { handler, waiting, releaseAll: () => waiting.splice(0).forEach((release) => release()) };
}

let sandbox: WorkerSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});
const start = (options: WorkerSandboxOptions) => (sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, ...options }));

/** Polls `condition`; the 30 s bound is a safety net for a worker booting on a busy machine, not a measure. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('the worker pool', () => {
  it('a worker killed mid-execution fails only that execution; the next ten succeed on a new worker', async () => {
    const box = start({ pool: { workers: 1 } });
    const { handler, waiting } = gate();
    const pending = box.execute({ code: 'return await mcpTools.Host.wait({})', bindings }, handler);
    // Mid-execution: inside its tool call (an execution waits for its worker to boot before it starts).
    await until(() => waiting.length === 1);
    const killed = box.workerPid!;
    process.kill(killed, 'SIGKILL');
    const result = await pending;
    expect(result).toMatchObject({ success: false, errorCode: 'SANDBOX_FAILED' });
    expect(result.error).toMatch(/The sandbox worker exited \(SIGKILL\) during this execution/);
    for (let i = 0; i < 10; i++) {
      const next = await box.execute({ code: `return ${i} * 2`, bindings }, handler);
      expect(next).toMatchObject({ success: true, returnValue: i * 2 });
    }
    expect(box.workerPid).not.toBe(killed);
  });

  it('a full queue answers BUSY at once; queued executions run when a slot frees', async () => {
    const box = start({ pool: { workers: 1, executionsPerWorker: 1, maxQueue: 1 } });
    const { handler, waiting, releaseAll } = gate();
    const first = box.execute({ code: 'return await mcpTools.Host.wait({})', bindings }, handler);
    await until(() => waiting.length === 1);
    const queued = box.execute({ code: 'return "queued ran"', bindings }, handler);
    const refused = await box.execute({ code: 'return "never"', bindings }, handler);
    expect(refused).toMatchObject({ success: false, errorCode: 'BUSY' });
    expect(refused.error).toBe('BusyError: The sandbox is busy: 1 executions are already waiting. Retry in a moment.');
    releaseAll();
    expect(await first).toMatchObject({ success: true, returnValue: 'released' });
    expect(await queued).toMatchObject({ success: true, returnValue: 'queued ran' });
  });

  it('a worker is recycled after its execution budget', async () => {
    const box = start({ pool: { workers: 1, recycleAfterExecutions: 3 } });
    const { handler } = gate();
    const pids: (number | undefined)[] = [];
    for (let i = 0; i < 7; i++) {
      const running = box.execute({ code: 'return 1', bindings }, handler);
      pids.push(box.workerPid); // the worker this execution was given
      expect((await running).success).toBe(true);
    }
    const [a, b, c] = [pids[0], pids[3], pids[6]];
    expect(pids).toEqual([a, a, a, b, b, b, c]);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('spreads concurrent executions over several workers', async () => {
    const box = start({ pool: { workers: 2 } });
    const { handler, waiting, releaseAll } = gate();
    const runs = Array.from({ length: 4 }, () => box.execute({ code: 'return await mcpTools.Host.wait({})', bindings }, handler));
    await until(() => waiting.length === 4);
    expect(box.workerPids).toHaveLength(2);
    releaseAll();
    for (const result of await Promise.all(runs)) expect(result.returnValue).toBe('released');
  });

  it('closing fails what waits and what runs, clearly', async () => {
    const box = start({ pool: { workers: 1, executionsPerWorker: 1 } });
    const { handler, waiting } = gate();
    const running = box.execute({ code: 'return await mcpTools.Host.wait({})', bindings }, handler);
    await until(() => waiting.length === 1);
    const queued = box.execute({ code: 'return 1', bindings }, handler);
    await box.close();
    expect(await running).toMatchObject({ success: false, errorCode: 'CLOSED' });
    expect(await queued).toMatchObject({ success: false, errorCode: 'CLOSED' });
    expect(await box.execute({ code: 'return 1', bindings }, handler)).toMatchObject({ errorCode: 'CLOSED' });
  });
});
