/**
 * A worker is sent an execution's bindings only when they are not the ones it was last sent (see
 * `bindingsJson` in src/sandbox/workerMessages.ts and src/sandbox/SentBindings.ts), so a large
 * catalog's bindings are not written, sent and parsed again with every execution. What a worker runs
 * must still always be bound to its own execution's bindings, whatever came before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SentBindings } from '../../src/sandbox/SentBindings.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const bindingsOf = (namespace: string, server: string): ToolBindings => ({ namespaces: { [namespace]: { who: { server, tool: 'who' } } } });
const a = bindingsOf('Alpha', 'alpha');
const b = bindingsOf('Beta', 'beta');

describe('SentBindings', () => {
  it('sends bindings the first time, not again for the same object, again for another and on the way back', () => {
    const sent = new SentBindings();
    expect(sent.forExecution(a)).toEqual({ bindingsJson: JSON.stringify(a) });
    expect(sent.forExecution(a)).toEqual({});
    expect(sent.forExecution(b)).toEqual({ bindingsJson: JSON.stringify(b) });
    expect(sent.forExecution(a)).toEqual({ bindingsJson: JSON.stringify(a) });
  });

  it('bindings told ahead (expect) are the worker\'s from then on; equal content in another object is sent again', () => {
    const sent = new SentBindings();
    expect(sent.told(b)).toBe(JSON.stringify(b));
    expect(sent.forExecution(b)).toEqual({});
    expect(sent.forExecution(bindingsOf('Beta', 'beta'))).toEqual({ bindingsJson: JSON.stringify(b) });
  });

  it('each worker keeps its own record: a new one (a replacement) is sent the bindings', () => {
    const first = new SentBindings();
    first.forExecution(a);
    expect(new SentBindings().forExecution(a)).toEqual({ bindingsJson: JSON.stringify(a) });
  });
});

describe('a worker sent bindings only when they change', () => {
  const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { workers: 1 } });
  afterAll(() => sandbox.close());
  const answer: ToolCallHandler = async (server) => ({ ok: true, value: server });
  const run = (bindings: ToolBindings) => sandbox.execute({ code: 'const [namespace] = Object.keys(mcpTools); return [namespace, await mcpTools[namespace].who({})];', bindings }, answer);

  it('runs each execution with its own bindings: the same twice, others, then the first again', async () => {
    const seen = [];
    for (const bindings of [a, a, b, a, b, b]) seen.push((await run(bindings)).returnValue);
    expect(seen).toEqual([
      ['Alpha', 'alpha'],
      ['Alpha', 'alpha'],
      ['Beta', 'beta'],
      ['Alpha', 'alpha'],
      ['Beta', 'beta'],
      ['Beta', 'beta'],
    ]);
  });

  it('bindings told ahead, then an execution with others, then one with the told ones', async () => {
    await sandbox.expect(b);
    expect((await run(a)).returnValue).toEqual(['Alpha', 'alpha']);
    expect((await run(b)).returnValue).toEqual(['Beta', 'beta']);
  });
});
