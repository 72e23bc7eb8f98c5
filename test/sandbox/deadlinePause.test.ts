/**
 * The host holds an execution's deadline (`DeadlineHold`): paused while a call waits for a human, the
 * 200 ms deadline does not expire in a 1 s wait; pauses nest; without a pause the same wait times out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCallHandler } from '../../src/sandbox/Sandbox.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';

const sandbox = new WorkerSandbox({ limits: { timeoutMs: 200, memoryMb: 32 } });
const bindings = { namespaces: { T: { call: { server: 's', tool: 't' } } } };
const code = 'return await mcpTools.T.call({})';

beforeAll(async () => {
  // Warm the worker: its boot and first isolate are not what these tests are about.
  for (let round = 0; round < 3; round++) await sandbox.execute({ code: 'return 1', bindings }, async () => ({ ok: true, value: 1 }));
}, 60_000);
afterAll(() => sandbox.close());

describe('the execution deadline, held by the host', () => {
  it('does not expire while paused for a 1 s wait', async () => {
    const handler: ToolCallHandler = async (_server, _tool, _args, _signal, deadline) => {
      const resume = deadline?.pause();
      await sleep(1_000);
      resume?.();
      return { ok: true, value: 42 };
    };
    expect(await sandbox.execute({ code, bindings }, handler)).toMatchObject({ success: true, returnValue: 42 });
  });

  it('pauses nest: the clock runs again only when the last one resumed, and a resume twice counts once', async () => {
    const handler: ToolCallHandler = async (_server, _tool, _args, _signal, deadline) => {
      const outer = deadline?.pause();
      const inner = deadline?.pause();
      inner?.();
      inner?.();
      await sleep(1_000);
      outer?.();
      return { ok: true, value: 'nested' };
    };
    expect(await sandbox.execute({ code, bindings }, handler)).toMatchObject({ success: true, returnValue: 'nested' });
  });

  it('without a pause, the same wait ends the execution at its deadline', async () => {
    const handler: ToolCallHandler = async () => {
      await sleep(1_000);
      return { ok: true, value: 'late' };
    };
    expect(await sandbox.execute({ code, bindings }, handler)).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
  });
});
