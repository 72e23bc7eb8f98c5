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

/** A bare 2025-era session over fetch (initialize, initialized): requests posted as an older client posts them. */
async function rawSession(url: string): Promise<{ post(message: object, signal?: AbortSignal): Promise<Response> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const initialize = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  const sessionId = initialize.headers.get('mcp-session-id');
  if (sessionId === null) throw new Error(`no session: ${initialize.status}`);
  await initialize.body?.cancel();
  const session = { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
  const post = (message: object, signal?: AbortSignal) => fetch(url, { method: 'POST', headers: session, body: JSON.stringify(message), ...(signal ? { signal } : {}) });
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).body?.cancel();
  return { post };
}

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

describe('library-executeCode-takes-a-signal', () => {
  let library: CodeMode;
  beforeAll(async () => {
    library = await createCodeMode({ mcpServers: { fault: faultServer() }, codeMode: { timeout: 120_000, memoryMb: 32, toolTimeout: 120_000 } });
  });
  afterAll(() => library?.close());

  it("the library's executeCode takes a signal: aborting it stops the execution (CANCELLED) and cancels its call at the server", async () => {
    const stats = async () => {
      const outcome = await library.servers.callTool('fault', 'blockStats', {});
      if (!outcome.ok) throw new Error(outcome.message);
      return outcome.value as BlockStats;
    };
    const before = await stats();
    const controller = new AbortController();
    const running = library.executeCode('return await mcpTools.Fault.block({ label: "held by a library user" })', undefined, { signal: controller.signal });
    await eventually('the call to be held at the server', async () => ((await stats()).inFlight === 1 ? true : undefined));

    controller.abort(new Error('the library user gave up'));
    expect(await running).toMatchObject({ success: false, errorCode: 'CANCELLED' });
    const after = await eventually('the held call to be cancelled at the server', async () => {
      const value = await stats();
      return value.inFlight === 0 ? value : undefined;
    });
    expect(after.cancelled - before.cancelled).toBe(1);
    expect(after.released).toBe(before.released);

    // A signal aborted already: nothing runs.
    const early = await library.executeCode('return await mcpTools.Fault.block({ label: "never" })', undefined, { signal: AbortSignal.abort() });
    expect(early).toMatchObject({ success: false, errorCode: 'CANCELLED', toolCalls: [] });
    expect((await stats()).started).toBe(after.started);
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

  it('a 2025-era client whose POST connection closes mid-execution, without notifications/cancelled, cancels the call its code is waiting on', async () => {
    const served = await startHttpGateway(closer, {
      mcpServers: { fault: faultServer() },
      codeMode: { timeout: 120_000, memoryMb: 32, toolTimeout: 120_000 },
    });
    const watcher = await connectHttp(closer, served.url);
    const stats = async () => (await executeCode(watcher, 'return await mcpTools.Fault.blockStats({})')).structured.returnValue as BlockStats;

    // A bare 2025-era session over fetch: what an older client does, which closes its connection and sends nothing more.
    const session = await rawSession(served.url);
    const controller = new AbortController();
    const call = session.post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'execute_code', arguments: { code: 'return await mcpTools.Fault.block({ label: "held" })' } } }, controller.signal);
    call.catch(() => {});
    await eventually('the call to be held at the server', async () => ((await stats()).inFlight === 1 ? true : undefined));

    controller.abort(new Error('the connection went away'));
    const after = await eventually('the held call to be cancelled at the server', async () => {
      const value = await stats();
      return value.inFlight === 0 ? value : undefined;
    });
    expect(after).toMatchObject({ started: 1, inFlight: 0, cancelled: 1, released: 0 });
  });

  it("a 2025-era client's notifications/cancelled also ends that request's response stream (it is not held open for the session's life)", async () => {
    const served = await startHttpGateway(closer, {
      mcpServers: { fault: faultServer() },
      codeMode: { timeout: 120_000, memoryMb: 32, toolTimeout: 120_000 },
    });
    const watcher = await connectHttp(closer, served.url);
    const stats = async () => (await executeCode(watcher, 'return await mcpTools.Fault.blockStats({})')).structured.returnValue as BlockStats;
    const session = await rawSession(served.url);
    const response = await session.post({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'execute_code', arguments: { code: 'return await mcpTools.Fault.block({ label: "held" })' } } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const body = response.body!.getReader();
    const ended = (async () => {
      for (;;) if ((await body.read()).done) return 'ended';
    })();
    await eventually('the call to be held at the server', async () => ((await stats()).inFlight === 1 ? true : undefined));

    await (await session.post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'the user pressed stop' } })).body?.cancel();
    await eventually('the held call to be cancelled at the server', async () => ((await stats()).inFlight === 0 ? true : undefined));
    // The response to a cancelled request is never written; its stream must end all the same.
    let timer: NodeJS.Timeout | undefined;
    const held = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still open'), 20_000)));
    expect(await Promise.race([ended, held])).toBe('ended');
    clearTimeout(timer);
  });
});
