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

describe('bindings told ahead (Sandbox.expect)', () => {
  it('resolves once a worker that boots later is prepared, and on close when none ever boots', async () => {
    const later = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { workers: 1 } });
    try {
      const prepared = later.expect(bindingsOf('Ahead', 'ahead'));
      expect(later.workers).toHaveLength(0); // telling bindings boots nothing by itself
      later.warm();
      await prepared;
      expect(later.workers).toMatchObject([{ ready: true }]);
      const result = await later.execute({ code: 'return [Object.keys(mcpTools), (await mcpTools.Ahead.echo({})).server];', bindings: bindingsOf('Ahead', 'ahead') }, echo);
      expect(result).toMatchObject({ success: true, returnValue: [['Ahead'], 'ahead'] });
    } finally {
      await later.close();
    }
    const never = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
    const waiting = never.expect(bindingsOf('Never', 'never'));
    await never.close();
    await waiting;
  });

  it('stops waiting when the worker that was booting dies, and boots no other for it', async () => {
    const dying = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { workers: 1 } });
    try {
      const prepared = dying.expect(bindingsOf('Ahead', 'ahead'));
      dying.warm();
      const [booting] = dying.workers;
      process.kill(booting!.pid!, 'SIGKILL');
      await prepared;
      expect(dying.workers).toHaveLength(0);
      // The next execution boots a worker as always.
      expect(await dying.execute({ code: 'return 7', bindings: bindingsOf('Ahead', 'ahead') }, echo)).toMatchObject({ success: true, returnValue: 7 });
    } finally {
      await dying.close();
    }
  });

  it('prepares for the told bindings without binding anything of them into an execution with others', async () => {
    await sandbox.execute({ code: 'return 1', bindings: bindingsOf('Before', 'before') }, echo);
    await sandbox.expect(bindingsOf('Told', 'told'));
    const other = await sandbox.execute({ code: 'return [Object.keys(mcpTools), (await mcpTools.Before.echo({})).server];', bindings: bindingsOf('Before', 'before') }, echo);
    expect(other).toMatchObject({ success: true, returnValue: [['Before'], 'before'] });
    await sandbox.expect(bindingsOf('Told', 'told'));
    const told = await sandbox.execute({ code: 'return [Object.keys(mcpTools), (await mcpTools.Told.echo({})).server];', bindings: bindingsOf('Told', 'told') }, echo);
    expect(told, told.error).toMatchObject({ success: true, returnValue: [['Told'], 'told'] });
    const gone = await sandbox.execute({ code: 'return await mcpTools.Before.echo({});', bindings: bindingsOf('Told', 'told') }, echo);
    expect(gone).toMatchObject({ success: false, errorCode: 'UNKNOWN_TOOL' });
  });

  it('the warm-up code a worker runs before its first execution runs clean, TypeScript and all', async () => {
    const { warmUpCode } = await import('../../src/sandbox/worker/warmUpCode.ts');
    const result = await sandbox.execute({ code: warmUpCode, bindings: { namespaces: {} } }, echo);
    expect(result).toMatchObject({ success: true, output: 'no tags: b', returnValue: { total: 2, first: { id: 'a', tags: ['x', 'y'] }, keys: ['a', 'b'], later: 'function' } });
  });
});
