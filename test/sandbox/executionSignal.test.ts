/**
 * The execution's signal, at the sandbox seam: every call gets it; it aborts when the execution ends
 * (calls still running are the caller's to cancel) and when the caller cancels, which also stops the
 * code itself (CANCELLED) and keeps one still queued from ever starting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const bindings: ToolBindings = { namespaces: { Host: { wait: { server: 'host', tool: 'wait' } } } };

/** `wait` never answers by itself; it records the signal each call came with. */
function recordingGate() {
  const signals: AbortSignal[] = [];
  const handler: ToolCallHandler = (_server, _tool, _args, signal) => {
    if (signal) signals.push(signal);
    return new Promise(() => {});
  };
  return { handler, signals };
}

let sandbox: WorkerSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('calls-started-and-not-awaited-are-cancelled-at-return', () => {
  it("each call carries the execution's signal, aborted once the execution returned", async () => {
    sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { workers: 1 } });
    const { handler, signals } = recordingGate();
    const result = await sandbox.execute({ code: 'void mcpTools.Host.wait({}); void mcpTools.Host.wait({}); return "returned"', bindings }, handler);
    expect(result).toMatchObject({ success: true, returnValue: 'returned' });
    expect(signals).toHaveLength(2);
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
  });
});

describe('client-cancel-stops-the-execution', () => {
  it('a caller that cancels stops the running code and its calls; a cancelled execution still queued never starts', async () => {
    sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { workers: 1, executionsPerWorker: 1 } });
    const { handler, signals } = recordingGate();
    const client = new AbortController();
    const running = sandbox.execute({ code: 'void mcpTools.Host.wait({}); while (true) {}', bindings, signal: client.signal }, handler);
    await until(() => signals.length === 1);
    const queuedCaller = new AbortController();
    const queued = sandbox.execute({ code: 'return "should not run"', bindings, signal: queuedCaller.signal }, handler);
    queuedCaller.abort(new Error('gave up waiting'));
    expect(await queued).toMatchObject({ success: false, errorCode: 'CANCELLED' });

    client.abort(new Error('the user pressed stop'));
    const result = await running;
    expect(result).toMatchObject({ success: false, errorCode: 'CANCELLED' });
    expect(result.error).toBe('SandboxError: The execution was cancelled by its caller and was stopped.');
    expect(signals[0]?.aborted).toBe(true);
    expect(await sandbox.execute({ code: 'return 1', bindings }, handler)).toMatchObject({ success: true, returnValue: 1 });
  });
});
