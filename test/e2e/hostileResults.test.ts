/**
 * Hazard classes "deep values crash processes" and "budgets count the wrong bytes", end to end through
 * code mode: a downstream HTTP server answering with a result nested 50,000 deep or larger than the
 * cap fails that one call (a ToolError the code can catch, naming server and tool); this process
 * (the gateway's, in a real deployment) sees no unhandled rejection and keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverDefaults } from '../../src/config/defaults.ts';
import { executionResultToCallToolResult } from '../../src/gateway/answers/renderExecutionResult.ts';
import { createCodeMode, type CodeMode } from '../../src/index.ts';
import { startHttpFaultServer, type HttpFaultServer } from '../fixtures/servers/http-fault-server.ts';

let server: HttpFaultServer;
let codeMode: CodeMode;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startHttpFaultServer();
  codeMode = await createCodeMode({
    mcpServers: { remote: { url: server.url, transport: 'http' } },
    codeMode: { timeout: 30_000, memoryMb: 64, toolTimeout: 20_000 },
  });
});
afterAll(async () => {
  await codeMode?.close();
  await server?.close();
  process.off('unhandledRejection', onUnhandled);
});

const caught = (call: string) => `try { await ${call}; return 'arrived'; } catch (error) { return { name: error.name, code: error.code, message: error.message }; }`;

describe('hostile results through code mode', () => {
  it('deep-tool-result-fails-the-call-not-the-gateway', async () => {
    for (const args of ['{ depth: 50_000 }', '{ depth: 1_000, structured: true }']) {
      const result = await codeMode.executeCode(caught(`mcpTools.Remote.deep(${args})`));
      expect(result).toMatchObject({ success: true, returnValue: { name: 'ToolError', code: 'TOOL_CALL_FAILED' } });
      expect((result.returnValue as { message: string }).message).toMatch(/^remote\.deep failed: .*levels deep/);
    }
    expect(await codeMode.executeCode("return await mcpTools.Remote.echo({ text: 'still here' })")).toMatchObject({ success: true, returnValue: 'echo: still here' });
    expect(unhandled).toEqual([]);
  });

  it('huge-tool-result-fails-the-call-not-the-gateway', async () => {
    const result = await codeMode.executeCode(caught(`mcpTools.Remote.huge({ bytes: ${serverDefaults.maxResultBytes + 1024} })`));
    expect(result).toMatchObject({ success: true, returnValue: { name: 'ToolError', code: 'TOOL_CALL_FAILED' } });
    expect((result.returnValue as { message: string }).message).toMatch(/^remote\.huge failed: .*\(maxResultBytes\)/);
    expect(unhandled).toEqual([]);
  });

  it('huge-arguments-fail-the-call-in-the-sandbox-and-never-reach-the-server', async () => {
    // SDK servers end their connection on a request line past 10 MiB, failing every call on it: code must
    // not be able to send one. The call is refused where it starts, as a ToolError the code can catch.
    const limit = serverDefaults.maxArgumentBytes;
    const echoesBefore = server.echoCalls;
    const over = await codeMode.executeCode(caught(`mcpTools.Remote.echo({ text: 'x'.repeat(${limit}) })`));
    expect(over).toMatchObject({ success: true, returnValue: { name: 'ToolError', code: 'INVALID_ARGUMENTS' }, toolCalls: [] });
    expect((over.returnValue as { message: string }).message).toBe(
      `remote.echo: invalid arguments: their JSON is ${limit + '{"text":""}'.length} bytes, more than the ${limit} a call may send (maxArgumentBytes); send less per call`,
    );
    expect(server.echoCalls).toBe(echoesBefore);
    // Within the limit (counted in UTF-8 bytes), the same call goes through, to the same server.
    const within = await codeMode.executeCode(`return (await mcpTools.Remote.echo({ text: 'é'.repeat(${Math.floor((limit - 20) / 2)}) })).length;`);
    expect(within, within.error).toMatchObject({ success: true, returnValue: 'echo: '.length + Math.floor((limit - 20) / 2) });
    expect(server.echoCalls).toBe(echoesBefore + 1);
    const twoByteOver = await codeMode.executeCode(caught(`mcpTools.Remote.echo({ text: 'é'.repeat(${Math.ceil(limit / 2)}) })`));
    expect(twoByteOver).toMatchObject({ success: true, returnValue: { code: 'INVALID_ARGUMENTS' } });
    expect(unhandled).toEqual([]);
  });

  it('deep-return-value-is-refused-and-rendered-small', async () => {
    const deep = await codeMode.executeCode('let v = 0; for (let i = 0; i < 12_000; i++) v = [v]; return v;');
    expect(deep).toMatchObject({ success: false });
    expect(['RETURN_TOO_LARGE', 'RUNTIME_ERROR']).toContain(deep.errorCode);
    const nested = await codeMode.executeCode('let v = new Array(500).fill(7); for (let i = 0; i < 450; i++) v = [v]; return v;');
    expect(nested).toMatchObject({ success: true });
    const answer = executionResultToCallToolResult(nested);
    // What leaves: the structured result and the text, both small and serialisable.
    expect(JSON.stringify(answer).length).toBeLessThan(20_000);
    expect(unhandled).toEqual([]);
  });
});
