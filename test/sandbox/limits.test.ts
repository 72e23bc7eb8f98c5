import { afterAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { SandboxLimits, ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

// Each limit is hit once, answered by its own error naming it, and the next execution runs normally.
const bindings: ToolBindings = { namespaces: { Echo: { echo: { server: 'echo', tool: 'echo' } } } };
const echo: ToolCallHandler = async (_server, _tool, args) => ({ ok: true, value: args });
// A wide deadline by default (a worker boot on a busy machine counts against it); the wall-clock test sets its own.
const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
afterAll(() => sandbox.close());

const run = (code: string, limits: Partial<SandboxLimits> = {}) => sandbox.execute({ code, bindings, limits }, echo);

async function expectHealthyAfter(): Promise<void> {
  const next = await run('return await mcpTools.Echo.echo({ ok: true })');
  expect(next).toMatchObject({ success: true, returnValue: { ok: true } });
}

describe('limits', () => {
  it('CPU time: a busy loop stops at the CPU budget with CPU_TIME_LIMIT', async () => {
    const result = await run('let n = 0; for (;;) n++;', { cpuTimeMs: 200 });
    expect(result).toMatchObject({ success: false, errorCode: 'CPU_TIME_LIMIT' });
    expect(result.error).toBe('TimeoutError: Execution used more than 200 ms of CPU time (codeMode.cpuTimeMs) and was stopped.');
    await expectHealthyAfter();
  });

  it('CPU time: waiting on tools does not count against the CPU budget', async () => {
    const slow: ToolCallHandler = async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { ok: true, value: 'late' };
    };
    const result = await sandbox.execute({ code: 'return await mcpTools.Echo.echo({})', bindings, limits: { cpuTimeMs: 100 } }, slow);
    expect(result).toMatchObject({ success: true, returnValue: 'late' });
  });

  it('code size: code over the limit is refused before it runs', async () => {
    const result = await run(`return ${'1 + '.repeat(400)}1`, { maxCodeBytes: 1_000 });
    expect(result).toMatchObject({ success: false, errorCode: 'CODE_TOO_LARGE' });
    expect(result.error).toBe('LimitError: The code is 1608 bytes; the limit is 1000 (codeMode.maxCodeBytes).');
    await expectHealthyAfter();
  });

  it('return value size: a return over the limit is refused with advice', async () => {
    const result = await run('return "x".repeat(5000)', { maxReturnBytes: 1_000 });
    expect(result).toMatchObject({ success: false, errorCode: 'RETURN_TOO_LARGE' });
    expect(result.error).toMatch(/^LimitError: The return value is \d+ bytes of JSON; the limit is 1000 \(codeMode\.maxReturnBytes\)/);
    await expectHealthyAfter();
  });

  it('output size: console text past the limit is cut with a marker, the execution still succeeds', async () => {
    const result = await run('for (let i = 0; i < 1000; i++) console.log("line", i); return "done"', { maxOutputBytes: 200 });
    expect(result).toMatchObject({ success: true, returnValue: 'done' });
    expect(result.logs.at(-1)?.message).toMatch(/^\[output truncated: \d+ more line\(s\), \d+ bytes past the 200-byte limit\]$/);
  });

  // Past the budget the isolate counts lines itself (see prelude/bridge.ts `Dropped`): the marker must
  // say exactly what the worker would have counted, in UTF-8 bytes, whether the code returns or throws.
  it.each([
    ['returns', 'return "done";'],
    ['throws', 'throw new Error("after the logs");'],
  ])('output size: the marker counts every line past the limit and its UTF-8 bytes when the code %s', async (_how, end) => {
    const lines = ['plain', 'é', '😀 and é', '\ud800 lone', '', 'x'.repeat(300)];
    const total = 5_000;
    const result = await run(`const lines = ${JSON.stringify(lines)};\nfor (let i = 0; i < ${total}; i++) console.log(lines[i % lines.length], i);\n${end}`, { maxOutputBytes: 2_000 });
    const kept = result.logs.length - 1;
    expect(kept).toBeGreaterThan(3);
    expect(result.logs.slice(0, kept).map((entry) => entry.message)).toEqual(Array.from({ length: kept }, (_, i) => `${lines[i % lines.length]} ${i}`));
    let bytes = 0;
    for (let i = kept; i < total; i++) bytes += Buffer.byteLength(`${lines[i % lines.length]} ${i}`) + 1;
    expect(result.logs.at(-1)).toEqual({ level: 'warn', message: `[output truncated: ${total - kept} more line(s), ${bytes} bytes past the 2000-byte limit]` });
  });

  it('output size: an execution stopped at its CPU budget while logging past the limit still reports the lines counted so far', async () => {
    const result = await run('for (;;) console.log("again");', { cpuTimeMs: 300, maxOutputBytes: 200 });
    expect(result).toMatchObject({ success: false, errorCode: 'CPU_TIME_LIMIT' });
    const counted = Number(/^\[output truncated: (\d+) more line\(s\)/.exec(result.logs.at(-1)?.message ?? '')?.[1]);
    // Reported every 1,024 lines: a loop that ran for 300 ms of CPU got well past the first report.
    expect(counted).toBeGreaterThan(1_024);
    await expectHealthyAfter();
  });

  it('tool calls: the call past the limit throws a ToolError naming the limit', async () => {
    const result = await run('for (let i = 0; i < 10; i++) await mcpTools.Echo.echo({ i });', { maxToolCalls: 3 });
    expect(result).toMatchObject({ success: false, errorCode: 'TOOL_CALL_LIMIT' });
    expect(result.error).toBe('ToolError: Tool call limit reached: an execution may make at most 3 calls (codeMode.maxToolCalls).');
    expect(result.toolCalls).toHaveLength(3);
    await expectHealthyAfter();
  });

  it('heap: a bomb of many small objects is stopped with MEMORY_LIMIT', async () => {
    const result = await run('const all = []; for (;;) all.push({ a: all.length, b: [all.length] });');
    expect(result).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
    await expectHealthyAfter();
  });

  it('wall clock: the deadline holds while the code awaits', async () => {
    const never: ToolCallHandler = () => new Promise(() => {});
    const result = await sandbox.execute({ code: 'await mcpTools.Echo.echo({})', bindings, limits: { timeoutMs: 300 } }, never);
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await expectHealthyAfter();
  });
});

describe('memory outside the heap cap', () => {
  it('a worker whose resident memory passes its ceiling is replaced, the execution failing with MEMORY_LIMIT', async () => {
    const guarded = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { maxWorkerRssMb: 400 } });
    try {
      // A 1e8-element backing store lives outside the V8 heap the isolate's cap meters.
      const result = await guarded.execute({ code: 'const a = new Array(1e8).fill(0); return a.length', bindings }, echo);
      expect(result).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
      expect(result.error).toMatch(/^MemoryLimitError: The sandbox worker reached \d+ MB of memory, past its 400 MB ceiling/);
      const next = await guarded.execute({ code: 'return 1', bindings }, echo);
      expect(next).toMatchObject({ success: true, returnValue: 1 });
    } finally {
      await guarded.close();
    }
  });
});
