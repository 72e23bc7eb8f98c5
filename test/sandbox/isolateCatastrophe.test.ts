/**
 * An isolate that fails beyond what isolated-vm can recover from ends its worker (see
 * `createPooledIsolate`): `new Array(1e9).fill(0)` grows a dictionary inside one built-in that checks
 * for no interrupt, past the heap cap, until V8's out-of-memory handler fires. The worker says which
 * execution's isolate it was before it aborts, so that execution fails with MEMORY_LIMIT and is not
 * run again on another worker (where it would bring that one down too, and its neighbours with it),
 * and its neighbour on the worker is told it was not at fault. Real worker processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler, ToolCallOutcome } from '../../src/sandbox/Sandbox.ts';

const bindings: ToolBindings = { namespaces: { Hold: { wait: { server: 'hold', tool: 'wait' } } } };
const bomb = 'const a = new Array(1e9).fill(0); return a.length;';

let sandbox: WorkerSandbox;
let workerStderr = '';
beforeAll(() => {
  // One worker, so that the neighbour shares the culprit's. Deadline and CPU budget far off: the heap is
  // what gives (after some 20 s of V8's last-resort collections here, more on a busy machine).
  sandbox = new WorkerSandbox({
    limits: { timeoutMs: 300_000, cpuTimeMs: 300_000, memoryMb: 16 },
    pool: { workers: 1 },
    onWorkerStderr: (text) => {
      workerStderr += text;
    },
  });
});
afterAll(async () => {
  await sandbox.close();
});

/** The worker that was `previousPid` is gone, and the one that replaced it runs code. */
async function expectReplacedWorkerServes(previousPid: number | undefined): Promise<void> {
  const after = await sandbox.execute({ code: 'return 6 * 7', bindings }, async () => ({ ok: true, value: null }));
  expect(after.returnValue).toBe(42);
  expect(sandbox.workerPid).not.toBe(previousPid);
}

describe('an isolate that fails beyond recovery', () => {
  it('fails its own execution with MEMORY_LIMIT, once, and tells its neighbour it was not at fault', async () => {
    // The neighbour starts first and waits on a tool call the test answers only after the culprit is over.
    let answerHeld!: (outcome: ToolCallOutcome) => void;
    const held = new Promise<ToolCallOutcome>((resolve) => (answerHeld = resolve));
    let neighbourCalled!: () => void;
    const called = new Promise<void>((resolve) => (neighbourCalled = resolve));
    const hold: ToolCallHandler = () => {
      neighbourCalled();
      return held;
    };
    const neighbour = sandbox.execute({ code: 'return await mcpTools.Hold.wait({});', bindings }, hold);
    await called;
    const firstPid = sandbox.workerPid;

    const culprit = await sandbox.execute({ code: bomb, bindings }, hold);
    answerHeld({ ok: true, value: 'late' });

    expect(culprit.success).toBe(false);
    expect(culprit.errorCode).toBe('MEMORY_LIMIT');
    expect(culprit.error).toContain('16 MB heap limit');
    expect(culprit.error).toContain('by ending its sandbox worker');
    // Ended once: the exit alone would have run it again (it had called no tool) on a new worker, to crash that one too.
    expect(workerStderr.match(/catastrophic isolate error/g)).toHaveLength(1);

    const aside = await neighbour;
    expect(aside.success).toBe(false);
    expect(aside.errorCode).toBe('SANDBOX_FAILED');
    expect(aside.error).toContain('another execution on it could not be stopped but by ending the worker; this execution was not at fault');

    await expectReplacedWorkerServes(firstPid);
  }, 330_000);

  it('that its CPU budget stopped, but which runs on inside the built-in, is ended with its worker, not when its heap gives', async () => {
    // A heap cap far off (the fill would run on for a long while), a CPU budget of one second: the
    // watchdog disposes the isolate, the fill does not notice, and the worker is ended for it.
    const idle: ToolCallHandler = async () => ({ ok: true, value: null });
    const before = sandbox.workerPid;
    const result = await sandbox.execute({ code: bomb, bindings, limits: { cpuTimeMs: 1_000, memoryMb: 1_024 } }, idle);
    expect(result.success).toBe(false);
    expect(result.errorCode).toBe('CPU_TIME_LIMIT');
    expect(result.error).toContain('used more than 1000 ms of CPU time');
    expect(result.error).toContain('it was still running 2000 ms after its isolate was disposed');
    await expectReplacedWorkerServes(before);
  }, 120_000);
});
