/**
 * Downstream transports end to end: the official server-everything started in each of its modes
 * (`stdio`, `sse`, `streamableHttp`; the HTTP ones on a free port through its PORT variable) is
 * reached through a config entry (`command`, `url` + `transport`, `url` alone) and called from code,
 * with createCodeMode and with the gateway.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/schema.ts';
import { createGateway } from '../../src/gateway/Gateway.ts';
import { createCodeMode } from '../../src/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { officialServer, officialServerScript } from '../fixtures/servers.ts';
import { childEnv, freePort, makeTempDir, removeDir, runCli, start, stopAll, waitForOutput, writeJson } from './cliHelpers.ts';

/** server-everything in an HTTP mode on a free port; resolves with its base URL once it listens. */
async function startEverything(mode: 'sse' | 'streamableHttp'): Promise<string> {
  const port = await freePort();
  const server = start(process.execPath, [officialServerScript('everything'), mode], { env: childEnv({ PORT: String(port) }) });
  // sse.js: "Server is running on port N"; streamableHttp.js: "… listening on port N".
  await waitForOutput(server, new RegExp(`(running|listening) on port ${port}\\b`));
  return `http://127.0.0.1:${port}`;
}

let sseBase: string;
let streamableBase: string;

beforeAll(async () => {
  [sseBase, streamableBase] = await Promise.all([startEverything('sse'), startEverything('streamableHttp')]);
});

afterAll(async () => {
  await stopAll();
});

interface Case {
  name: string;
  config: () => ServerConfig;
  /** The transport the connection settles on. */
  transport: 'stdio' | 'sse' | 'http';
}

const cases: Case[] = [
  { name: 'stdio (command)', config: () => officialServer('everything'), transport: 'stdio' },
  { name: 'sse (url + transport: "sse")', config: () => ({ url: `${sseBase}/sse`, transport: 'sse' }), transport: 'sse' },
  { name: 'streamableHttp (url + transport: "http")', config: () => ({ url: `${streamableBase}/mcp`, transport: 'http' }), transport: 'http' },
  { name: 'streamableHttp (url only: Streamable HTTP tried first)', config: () => ({ url: `${streamableBase}/mcp` }), transport: 'http' },
  { name: 'sse (url only: Streamable HTTP fails, SSE follows)', config: () => ({ url: `${sseBase}/sse` }), transport: 'sse' },
];

describe.each(cases)('server-everything over $name', ({ config }) => {
  it('createCodeMode → executeCode calls echo', async () => {
    const codeMode = await createCodeMode({ mcpServers: { everything: config() } });
    try {
      expect(codeMode.typeDefinitions).toContain('function echo(args: { /** Message to echo */ message: string })');
      const result = await codeMode.executeCode('return await mcpTools.Everything.echo({ message: "x" })');
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({ success: true, returnValue: 'Echo: x', toolCalls: [{ server: 'everything', tool: 'echo', ok: true }] });
    } finally {
      await codeMode.close();
    }
  });
});

describe('one gateway over all five entries', () => {
  it('every server is ready on the expected transport, and one execution calls each', async () => {
    const keys = ['viaStdio', 'viaSse', 'viaHttp', 'inferredHttp', 'inferredSse'];
    const mcpServers = Object.fromEntries(cases.map((c, index) => [keys[index]!, c.config()]));
    const gateway = await createGateway({ mcpServers }, { logger: silentLogger });
    try {
      expect(gateway.health().servers.map((s) => [s.name, s.state, s.transport])).toEqual(
        cases.map((c, index) => [keys[index], 'ready', c.transport]),
      );
      const result = await gateway.codeMode!.executeCode(`
        const namespaces = ['ViaStdio', 'ViaSse', 'ViaHttp', 'InferredHttp', 'InferredSse'] as const;
        return await Promise.all(namespaces.map((ns) => mcpTools[ns].echo({ message: ns })));
      `);
      expect(result.error).toBeUndefined();
      expect(result.returnValue).toEqual(['Echo: ViaStdio', 'Echo: ViaSse', 'Echo: ViaHttp', 'Echo: InferredHttp', 'Echo: InferredSse']);
      // Concurrent calls: recorded in the order they finished.
      expect(result.toolCalls.map((call) => `${call.server}:${call.ok}`).sort()).toEqual(keys.map((key) => `${key}:true`).sort());
    } finally {
      await gateway.close();
    }
  });
});

describe('through the CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir('remote-config');
  });
  afterAll(() => removeDir(dir));

  it('code-goat run - with a config of remote entries (sse and Streamable HTTP)', async () => {
    const config = writeJson(path.join(dir, 'remote.json'), {
      mcpServers: { sse: { url: `${sseBase}/sse`, transport: 'sse' }, streamable: { url: `${streamableBase}/mcp` } },
    });
    const result = await runCli(['run', '-', '--config', config], {
      input: 'return [await mcpTools.Sse.echo({ message: "x" }), await mcpTools.Streamable.echo({ message: "x" })]',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ success: true, returnValue: ['Echo: x', 'Echo: x'] });
  });
});
