/**
 * Contexts prepared ahead (src/sandbox/worker/PreparedContext.ts): the prelude runs in the isolate's
 * next context while it is idle, for the bindings of the last execution. An execution still starts in
 * a context nothing else ran in, and only with its own bindings.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { workers: 1 } });
afterAll(() => sandbox.close());
const echo: ToolCallHandler = async (server, tool, args) => ({ ok: true, value: { server, tool, args } });
const bindingsOf = (namespace: string, server: string): ToolBindings => ({ namespaces: { [namespace]: { echo: { server, tool: 'echo' } } } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 100)); // the next context is prepared meanwhile

describe('an execution in a prepared context', () => {
  it('sees nothing an earlier execution with the same bindings left: globals, prototypes, replaced builtins', async () => {
    const bindings = bindingsOf('One', 'one');
    const dirty = 'globalThis.leftover = 1; Array.prototype.extra = 2; JSON.stringify = () => "hijacked"; Object.freeze(Object.prototype); return "dirtied";';
    expect(await sandbox.execute({ code: dirty, bindings }, echo)).toMatchObject({ success: true, returnValue: 'dirtied' });
    for (let round = 0; round < 3; round++) {
      await settle();
      const probe = 'return [typeof globalThis.leftover, [].extra === undefined, JSON.stringify({ a: 1 }), Object.isFrozen(Object.prototype), (await mcpTools.One.echo({ n: 1 })).server];';
      expect(await sandbox.execute({ code: probe, bindings }, echo)).toMatchObject({ success: true, returnValue: ['undefined', true, '{"a":1}', false, 'one'] });
    }
  });

  it('with other bindings than the last execution had, gets its own: the prepared context is not used', async () => {
    await sandbox.execute({ code: 'return 1', bindings: bindingsOf('First', 'first') }, echo);
    await settle();
    const result = await sandbox.execute({ code: 'return [Object.keys(mcpTools), (await mcpTools.Second.echo({})).server];', bindings: bindingsOf('Second', 'second') }, echo);
    expect(result).toMatchObject({ success: true, returnValue: [['Second'], 'second'] });
    const stale = await sandbox.execute({ code: 'return await mcpTools.First.echo({});', bindings: bindingsOf('Second', 'second') }, echo);
    expect(stale).toMatchObject({ success: false, errorCode: 'UNKNOWN_TOOL' });
  });

  it("keeps each execution's console and calls its own when executions follow each other closely", async () => {
    const bindings = bindingsOf('One', 'one');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => sandbox.execute({ code: `console.log('run ${i}'); return (await mcpTools.One.echo({ i: ${i} })).args.i;`, bindings }, echo)),
    );
    results.forEach((result, i) => {
      expect(result).toMatchObject({ success: true, returnValue: i, output: `run ${i}` });
      expect(result.toolCalls).toHaveLength(1);
    });
  });
});
