/**
 * Calls the code starts and does not await (`items.forEach(async (item) => await call(item))`, a call
 * made and forgotten before `return`) end with the execution: those not sent yet are never made, those
 * under way are cancelled. The model is told how many in a `warn` line, and every call that left for a
 * server is in the result's `toolCalls` (and so in the audit, which is written from the same calls),
 * also when its cancel takes a moment to be over. Real worker processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler, ToolCallOutcome } from '../../src/sandbox/Sandbox.ts';

const bindings: ToolBindings = { namespaces: { Store: { put: { server: 'store', tool: 'put' }, get: { server: 'store', tool: 'get' } } } };

let sandbox: WorkerSandbox;
beforeAll(() => {
  sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
});
afterAll(async () => {
  await sandbox.close();
});

/**
 * `put` never answers on its own: it ends when its signal aborts, `settleMs` later (a handler slow to
 * notice). Every call that reached it, and every abort it saw, is counted.
 */
function heldPuts(settleMs = 0) {
  const seen = { calls: 0, aborted: 0 };
  const handler: ToolCallHandler = (_server, tool, _args, signal) => {
    if (tool === 'get') return Promise.resolve({ ok: true, value: 'got' });
    seen.calls += 1;
    return new Promise<ToolCallOutcome>((resolve) => {
      signal?.addEventListener('abort', () => {
        seen.aborted += 1;
        setTimeout(() => resolve({ ok: false, code: 'TOOL_CALL_FAILED', message: 'store.put was cancelled' }), settleMs);
      });
    });
  };
  return { seen, handler };
}

const warningOf = (logs: readonly { level: string; message: string }[]) => logs.filter((entry) => entry.level === 'warn' && entry.message.includes('not awaited'));

describe('calls the code does not await', () => {
  it('forEach with an async callback: the result says how many were left, and lists each call that left, cancelled', async () => {
    const { seen, handler } = heldPuts();
    const result = await sandbox.execute({ code: '["a", "b", "c"].forEach(async (key) => await mcpTools.Store.put({ key })); return "done";', bindings }, handler);
    expect(result.success).toBe(true);
    expect(result.returnValue).toBe('done');
    const [warning, ...more] = warningOf(result.logs);
    expect(more).toHaveLength(0);
    expect(warning?.message).toContain('[3 tool call(s) not awaited');
    expect(warning?.message).toContain('forEach does not wait for async callbacks');
    expect(result.output).toContain('3 tool call(s) not awaited');
    // Whatever reached the host was cancelled, and is in the record; none of it was left running.
    expect(result.toolCalls).toHaveLength(seen.calls);
    expect(result.toolCalls.every((call) => call.ok === false && call.tool === 'put')).toBe(true);
    expect(seen.aborted).toBe(seen.calls);
  });

  it('a call under way whose cancel takes a while is still in the record the caller gets, and the record does not change after', async () => {
    const { seen, handler } = heldPuts(300);
    const result = await sandbox.execute({ code: 'mcpTools.Store.put({ key: "k" }); await mcpTools.Store.get({}); return 1;', bindings }, handler);
    expect(result.success).toBe(true);
    // The put crossed before the awaited get was answered, so it was under way when the code returned.
    expect(seen.calls).toBe(1);
    expect(result.toolCalls.map((call) => `${call.tool}:${call.ok}`).sort()).toEqual(['get:true', 'put:false']);
    const handedOut = JSON.stringify(result.toolCalls);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(JSON.stringify(result.toolCalls)).toBe(handedOut);
    expect(warningOf(result.logs)[0]?.message).toContain('[1 tool call(s) not awaited');
  });

  it('a failed execution that left calls says so too', async () => {
    const { handler } = heldPuts();
    const result = await sandbox.execute({ code: 'mcpTools.Store.put({ key: "k" }); throw new Error("gave up");', bindings }, handler);
    expect(result.success).toBe(false);
    expect(result.error).toBe('Error: gave up');
    expect(warningOf(result.logs)[0]?.message).toContain('[1 tool call(s) not awaited');
  });

  it('code that awaits every call gets no such line', async () => {
    const { handler } = heldPuts();
    const result = await sandbox.execute({ code: 'const values = await Promise.all([mcpTools.Store.get({}), mcpTools.Store.get({})]); return values;', bindings }, handler);
    expect(result).toMatchObject({ success: true, returnValue: ['got', 'got'], logs: [] });
    expect(result.toolCalls).toHaveLength(2);
  });
});
