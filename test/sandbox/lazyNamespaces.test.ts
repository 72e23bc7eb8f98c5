/**
 * A namespace's functions are made the first time the code reads them (src/sandbox/prelude/prelude.ts,
 * `toolNamespace`), so preparing a context costs little for a server of hundreds of tools. To the code
 * a namespace still reads as a plain read-only record of its tools: every key from the start, in the
 * bindings' order, one function per tool however it is read, and calls that reach the right tool.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const methods = Array.from({ length: 300 }, (_, i) => `tool${i}`);
const bindings: ToolBindings = {
  namespaces: { Big: Object.fromEntries(methods.map((method, i) => [method, { server: 'big', tool: `tool_${i}` }])), Small: { only: { server: 'small', tool: 'only' } } },
};
const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 64 }, pool: { workers: 1 } });
afterAll(() => sandbox.close());
const answer: ToolCallHandler = async (server, tool) => ({ ok: true, value: `${server}/${tool}` });
const value = async (code: string) => {
  const result = await sandbox.execute({ code, bindings }, answer);
  expect(result.error).toBeUndefined();
  return result.returnValue;
};

describe('a namespace whose functions are made as they are read', () => {
  it('lists every tool from the start, in order, and knows which names are tools', async () => {
    expect(await value('return Object.keys(mcpTools.Big)')).toEqual(methods);
    expect(await value('return ["tool7" in mcpTools.Big, "nope" in mcpTools.Big, "toString" in mcpTools.Big, Object.keys(mcpTools)]')).toEqual([true, false, false, ['Big', 'Small']]);
  });

  it('gives one function per tool however it is read: by name, by descriptor, by values, by spread', async () => {
    const code = `
      const first = mcpTools.Big.tool7;
      const descriptor = Object.getOwnPropertyDescriptor(mcpTools.Big, 'tool7');
      const values = Object.values(mcpTools.Big);
      const spread = { ...mcpTools.Big };
      return [
        first === mcpTools.Big.tool7, descriptor.value === first, descriptor.writable, descriptor.enumerable,
        values.length, values.every((f) => typeof f === 'function'), values[7] === first, spread.tool7 === first,
        first.name, Object.isFrozen(first), JSON.stringify(mcpTools.Small),
      ];`;
    expect(await value(code)).toEqual([true, true, false, true, 300, true, true, true, 'tool7', true, '{}']);
  });

  it('routes each call to its own tool, the first and the last alike', async () => {
    expect(await value('return await Promise.all([mcpTools.Big.tool0({}), mcpTools.Big.tool299({}), mcpTools.Small.only({})])')).toEqual(['big/tool_0', 'big/tool_299', 'small/only']);
  });

  it('stays read-only: freezing, defining or replacing a tool is refused, and nothing changed', async () => {
    const code = `
      const refusals = [];
      for (const write of [() => Object.freeze(mcpTools.Big), () => { mcpTools.Big.tool1 = () => 'mine'; }, () => Object.defineProperty(mcpTools.Big, 'tool2', { value: 1 })]) {
        try { write(); refusals.push('written'); } catch (error) { refusals.push(error instanceof TypeError && error.message); }
      }
      return [refusals, await mcpTools.Big.tool1({}), typeof mcpTools.Big.tool2];`;
    expect(await value(code)).toEqual([['mcpTools is read-only', 'mcpTools is read-only', 'mcpTools is read-only'], 'big/tool_1', 'function']);
  });

  it('an unknown name is an UnknownToolError pointing at the nearest tools', async () => {
    const result = await sandbox.execute({ code: 'return await mcpTools.Big.tool3000({})', bindings }, answer);
    expect(result.errorCode).toBe('UNKNOWN_TOOL');
    expect(result.error).toMatch(/^UnknownToolError: mcpTools\.Big\.tool3000 is not a tool\. Did you mean tool300?/);
  });
});
