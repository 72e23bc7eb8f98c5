import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestingDefaults } from '../../src/config/defaults.ts';
import type { ExecutionResult } from '../../src/sandbox/ExecutionResult.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';

// Hazard class "deep values crash processes": a value nested thousands of levels deep overflows the
// stack of whatever serialises it recursively where it crosses a process boundary (IPC between the
// host and a sandbox worker). Such a value fails its own execution or call with a clear error; the
// worker and the host live on, and nothing rejects unhandled.

const bindings: ToolBindings = { namespaces: { Deep: { deep: { server: 'deep', tool: 'deep' }, echo: { server: 'deep', tool: 'echo' } } } };

/** A value `depth` arrays deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const calls: string[] = [];
const handler: ToolCallHandler = async (_server, tool, args) => {
  calls.push(tool);
  if (tool === 'deep') return { ok: true, value: nested((args as { depth: number }).depth) };
  return { ok: true, value: args };
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let sandbox: WorkerSandbox;
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 64 }, pool: { workers: 1 }, onWorkerStderr: () => {} });
});
afterAll(async () => {
  await sandbox.close();
  process.off('unhandledRejection', onUnhandled);
});
const run = (code: string): Promise<ExecutionResult> => sandbox.execute({ code, bindings }, handler);

async function expectHealthyOn(pids: number[]): Promise<void> {
  const result = await run('return await mcpTools.Deep.echo({ fine: [1, 2, 3] })');
  expect(result).toMatchObject({ success: true, returnValue: { fine: [1, 2, 3] } });
  expect(sandbox.workerPids).toEqual(pids);
  expect(unhandled).toEqual([]);
}

const deeper = [2_000, 6_000, 20_000];

describe('deep values crash processes', () => {
  it('deep-return-value-fails-its-execution-not-the-worker', async () => {
    await run('return 1');
    const pids = sandbox.workerPids;
    for (const depth of deeper) {
      const result = await run(`let v = 0; for (let i = 0; i < ${depth}; i++) v = [v]; return v;`);
      expect(result.success, JSON.stringify(result).slice(0, 300)).toBe(false);
      // Refused as too deep where the value is written (or, deeper still, by the isolate's own JSON.stringify).
      expect(['RETURN_TOO_LARGE', 'RUNTIME_ERROR']).toContain(result.errorCode);
      expect(result.error).not.toContain('\n');
      await expectHealthyOn(pids);
    }
    const refused = await run(`let v = 0; for (let i = 0; i < ${deeper[0]}; i++) v = [v]; return v;`);
    expect(refused).toMatchObject({ errorCode: 'RETURN_TOO_LARGE' });
    expect(refused.error).toMatch(new RegExp(`more than ${nestingDefaults.maxValueDepth} levels deep`));
  });

  it('return-value-as-deep-as-allowed-still-arrives', async () => {
    const depth = nestingDefaults.maxValueDepth;
    const result = await run(`let v = 0; for (let i = 0; i < ${depth}; i++) v = [v]; return v;`);
    expect(result).toMatchObject({ success: true });
    expect(result.returnValue).toEqual(nested(depth));
  });

  it('deep-tool-result-fails-the-call-naming-the-tool', async () => {
    await run('return 1');
    const pids = sandbox.workerPids;
    for (const depth of deeper) {
      const result = await run(`
        try { await mcpTools.Deep.deep({ depth: ${depth} }); return 'arrived'; }
        catch (error) { return { name: error.name, code: error.code, message: error.message }; }`);
      expect(result).toMatchObject({ success: true, returnValue: { name: 'ToolError', code: 'TOOL_CALL_FAILED' } });
      expect((result.returnValue as { message: string }).message).toMatch(/^deep\.deep failed: .*more than \d+ levels deep/);
      expect(result.toolCalls).toEqual([expect.objectContaining({ server: 'deep', tool: 'deep', ok: false })]);
      await expectHealthyOn(pids);
    }
  });

  it('deep-tool-arguments-are-refused-before-any-handler', async () => {
    await run('return 1');
    const pids = sandbox.workerPids;
    calls.length = 0;
    const result = await run(`
      let v = 0; for (let i = 0; i < 3000; i++) v = [v];
      try { await mcpTools.Deep.echo({ v }); return 'arrived'; }
      catch (error) { return { code: error.code, message: error.message }; }`);
    expect(result).toMatchObject({ success: true, returnValue: { code: 'INVALID_ARGUMENTS' } });
    expect((result.returnValue as { message: string }).message).toMatch(/^deep\.echo: invalid arguments: they nest arrays or objects more than \d+ levels deep$/);
    expect(calls).toEqual([]);
    await expectHealthyOn(pids);
  });

  it('tool-arguments-and-results-within-the-bound-still-arrive', async () => {
    const result = await run(`
      let v = 0; for (let i = 0; i < ${nestingDefaults.maxValueDepth - 1}; i++) v = [v];
      try { await mcpTools.Deep.echo({ v }); return 'arrived'; }
      catch (error) { return error.code; }`);
    // The arguments are within the bound; echoed inside { ok, value: { v } } the answer is still within it.
    expect(result).toMatchObject({ success: true, returnValue: 'arrived' });
  });
});
