/**
 * Code mode hands the sandbox one bindings object while its API and its servers' states stay the same
 * (so a worker is sent them once, see src/sandbox/SentBindings.ts), and a new one when either changes.
 * A real server (the fault fixture, which can add a tool on request); the sandbox is the real one, wrapped to see what each execution is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeMode, type CodeMode } from '../../src/index.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ExecutionRequest, Sandbox, ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';
import { faultServer } from '../fixtures/servers.ts';

const given: ToolBindings[] = [];
const worker = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 64 }, pool: { workers: 1 } });
const recording: Sandbox = {
  execute: (request: ExecutionRequest, callTool: ToolCallHandler) => {
    given.push(request.bindings);
    return worker.execute(request, callTool);
  },
  expect: (bindings) => worker.expect(bindings),
  close: () => worker.close(),
};

let codeMode: CodeMode;
beforeAll(async () => {
  codeMode = await createCodeMode({ mcpServers: { fault: faultServer() }, codeMode: { inferOutputTypes: false } }, { sandbox: recording });
}, 60_000);
afterAll(() => codeMode.close());

describe('the bindings code mode gives the sandbox', () => {
  it('are one object while nothing changed, with the servers\' tools in them', async () => {
    for (const n of [1, 2, 3]) expect((await codeMode.executeCode(`return ${n}`)).returnValue).toBe(n);
    expect(given).toHaveLength(3);
    expect(given[1]).toBe(given[0]);
    expect(given[2]).toBe(given[0]);
    expect(Object.keys(given[0]!.namespaces['Fault'] ?? {})).toContain('addTool');
  });

  it('are a new object once the catalog changes, and the code sees the change', async () => {
    const before = given.at(-1);
    expect((await codeMode.executeCode("return await mcpTools.Fault.addTool({ name: 'fresh' })")).success).toBe(true);
    // The server announces its new tool; code mode re-lists it, and the next executions are bound to it.
    let methods: unknown = [];
    for (let tries = 0; tries < 200 && !(methods as string[]).includes('fresh'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      methods = (await codeMode.executeCode('return Object.keys(mcpTools.Fault)')).returnValue;
    }
    expect(methods).toContain('fresh');
    const after = given.at(-1)!;
    expect(after).not.toBe(before);
    expect(Object.keys(after.namespaces['Fault'] ?? {})).toContain('fresh');
    expect((await codeMode.executeCode("return await mcpTools.Fault.fresh({})")).returnValue).toContain('hello from fresh');
  });
});
