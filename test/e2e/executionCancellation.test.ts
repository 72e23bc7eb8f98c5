/**
 * Calls do not outlive their execution: every call an execution makes carries the execution's signal,
 * which aborts when the execution returns (calls left running are cancelled downstream and give back
 * their slots) and when the client cancels the `execute_code` request. The fault server's `block`
 * tool holds a call until it is released or cancelled, and `blockStats` counts both, so nothing here
 * depends on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientOptions } from '@modelcontextprotocol/client';
import { createCodeMode, type CodeMode } from '../../src/index.ts';
import { faultServer } from '../fixtures/servers.ts';
import { Closer, connectHttp, eventually, executeCode, startHttpGateway } from './gatewayHelpers.ts';

interface BlockStats {
  started: number;
  inFlight: number;
  cancelled: number;
  released: number;
}

describe('calls-started-and-not-awaited-are-cancelled-at-return', () => {
  let codeMode: CodeMode;
  beforeAll(async () => {
    codeMode = await createCodeMode({
      mcpServers: { fault: faultServer() },
      // One slot: a call left running by an execution that returned would hold it for everyone else.
      // The tool timeout is only how long the old behaviour made the next call wait before failing.
      codeMode: { timeout: 30_000, memoryMb: 32, toolTimeout: 10_000, maxConcurrentCallsPerServer: 1 },
    });
  });
  afterAll(() => codeMode?.close());

  it('cancels the calls an execution left running when it returned; the next execution gets the slot', async () => {
    const left = await codeMode.executeCode(`
      for (let i = 0; i < 5; i++) void mcpTools.Fault.block({ label: 'left behind ' + i }).catch(() => {});
      return 'returned';
    `);
    expect(left).toMatchObject({ success: true, returnValue: 'returned' });

    const next = await codeMode.executeCode('return await mcpTools.Fault.slow({ ms: 0, label: "next" })');
    expect(next).toMatchObject({ success: true, returnValue: 'slept 0 ms (next)' });

    // Whatever reached the server was cancelled there: none is still held, none was released.
    const stats = await eventually('the left-behind calls to end at the server', async () => {
      const outcome = await codeMode.servers.callTool('fault', 'blockStats', {});
      const value = outcome.ok ? (outcome.value as BlockStats) : undefined;
      return value?.inFlight === 0 ? value : undefined;
    });
    expect(stats).toMatchObject({ inFlight: 0, released: 0 });
    expect(stats.cancelled).toBe(stats.started);
  });
});

describe('client-cancel-reaches-downstream', () => {
  const closer = new Closer();
  afterAll(() => closer.closeAll());

  // A 2025-era client sends notifications/cancelled; a 2026-era one over HTTP aborts its request.
  const eras: [string, ClientOptions][] = [
    ['a 2025-era client', {}],
    ['a 2026-era client', { versionNegotiation: { mode: 'auto' } }],
  ];
  it.each(eras)('%s that cancels execute_code cancels the call its code is waiting on, at the downstream server', async (_era, clientOptions) => {
    const served = await startHttpGateway(closer, {
      mcpServers: { fault: faultServer() },
      // Deadlines past the wait below: only the client's cancel may end the held call.
      codeMode: { timeout: 120_000, memoryMb: 32, toolTimeout: 120_000 },
    });
    const client = await connectHttp(closer, served.url, clientOptions);
    const stats = async () => (await executeCode(client, 'return await mcpTools.Fault.blockStats({})')).structured.returnValue as BlockStats;

    const controller = new AbortController();
    const cancelled = client.callTool({ name: 'execute_code', arguments: { code: 'return await mcpTools.Fault.block({ label: "held" })' } }, { signal: controller.signal });
    cancelled.catch(() => {});
    await eventually('the call to be held at the server', async () => ((await stats()).inFlight === 1 ? true : undefined));

    controller.abort(new Error('the user pressed stop'));
    await expect(cancelled).rejects.toThrow();

    const after = await eventually('the held call to be cancelled at the server', async () => {
      const value = await stats();
      return value.inFlight === 0 ? value : undefined;
    });
    expect(after).toMatchObject({ started: 1, inFlight: 0, cancelled: 1, released: 0 });
  });
});
