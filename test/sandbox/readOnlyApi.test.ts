/**
 * `mcpTools`, each namespace, and a namespace whose server is still connecting are read-only for the
 * code (src/sandbox/prelude/prelude.ts, the traps they share): it can read the API and call it,
 * never set, define, delete or re-prototype a part of it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 }, pool: { workers: 1 } });
afterAll(() => sandbox.close());
const echo: ToolCallHandler = async (server, tool, args) => ({ ok: true, value: { server, tool, args } });
const bindings: ToolBindings = { namespaces: { Ready: { echo: { server: 'ready', tool: 'echo' } } }, connecting: { Joining: 'joining' } };

const writes = {
  set: (target: string) => `${target}.added = 1`,
  defineProperty: (target: string) => `Object.defineProperty(${target}, 'added', { value: 1 })`,
  deleteProperty: (target: string) => `delete ${target}.echo`,
  setPrototypeOf: (target: string) => `Object.setPrototypeOf(${target}, {})`,
};

describe('the API is read-only to the code', () => {
  for (const target of ['mcpTools', 'mcpTools.Ready', 'mcpTools.Joining']) {
    for (const [trap, write] of Object.entries(writes)) {
      it(`${target}: ${trap} throws a TypeError`, async () => {
        const code = `try { ${write(target)}; return 'written'; } catch (error) { return [error instanceof TypeError, error.message]; }`;
        expect(await sandbox.execute({ code, bindings }, echo)).toMatchObject({ success: true, returnValue: [true, 'mcpTools is read-only'] });
      });
    }
  }

  it('still reads and calls: a ready namespace, and a joining one by method name', async () => {
    const code = 'return [await mcpTools.Ready.echo({ n: 1 }), await mcpTools.Joining.lookup({ n: 2 })];';
    expect(await sandbox.execute({ code, bindings }, echo)).toMatchObject({
      success: true,
      returnValue: [{ server: 'ready', tool: 'echo', args: { n: 1 } }, { server: 'joining', tool: 'lookup', args: { n: 2 } }],
    });
  });
});
