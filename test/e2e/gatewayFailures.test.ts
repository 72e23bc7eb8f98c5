/**
 * A server that cannot start (or that dies later) leaves the gateway serving the others, and every
 * place a user or a model looks says which server is down and why: `health()`, `GET /healthz`, the
 * logs, the `execute_code` description, and the errors of code or passthrough calls that reach for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { faultServer } from '../fixtures/servers.ts';
import {
  Closer,
  connectHttp,
  eventually,
  executeCode,
  firstText,
  jsonLogLines,
  makeWorkspace,
  officialServers,
  startHttpCli,
  startHttpGateway,
  toolNamed,
  writeConfigFile,
  type InProcessHttpGateway,
} from './gatewayHelpers.ts';

const missingCommand = 'definitely-not-a-command-xyz';
const reason = `spawn ${missingCommand} ENOENT`;

interface Health {
  status: string;
  servers: { name: string; state: string; failure?: string }[];
}

describe('a server whose command does not exist', () => {
  const closer = new Closer();
  let served: InProcessHttpGateway;
  let client: Client;

  beforeAll(async () => {
    const workspace = makeWorkspace(closer, 'failures');
    const { everything, filesystem } = officialServers(workspace);
    served = await startHttpGateway(closer, {
      mcpServers: {
        everything: everything!,
        filesystem: filesystem!,
        broken: { command: missingCommand },
        'broken-direct': { command: missingCommand, codeMode: false },
      },
      codeMode: { timeout: 30_000 },
    });
    client = await connectHttp(closer, served.url);
  });
  afterAll(() => closer.closeAll());

  it('health() is degraded and names each failed server with its reason', () => {
    const health = served.gateway.health();
    expect(health.status).toBe('degraded');
    expect(health.servers.map(({ name, state }) => `${name}:${state}`)).toEqual(['everything:ready', 'filesystem:ready', 'broken:failed', 'broken-direct:failed']);
    expect(health.servers.find((server) => server.name === 'broken')).toMatchObject({ state: 'failed', failure: reason, toolCount: 0 });
  });

  it('GET /healthz says the same over HTTP', async () => {
    const response = await fetch(`${served.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as Health;
    expect(health.status).toBe('degraded');
    expect(health.servers).toContainEqual(expect.objectContaining({ name: 'broken', state: 'failed', failure: reason }));
    expect(health.servers).toContainEqual(expect.objectContaining({ name: 'broken-direct', state: 'failed', failure: reason }));
  });

  it('the logs name the server and the reason', () => {
    const logs = jsonLogLines(served.logs.join('\n'));
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'server failed to start', server: 'broken', reason }));
    expect(logs).toContainEqual(expect.objectContaining({ message: 'servers started', ready: ['everything', 'filesystem'], failed: ['broken', 'broken-direct'] }));
  });

  it('the other servers serve, through code', async () => {
    const answer = await executeCode(client, 'return [await mcpTools.Everything.echo({ message: "still here" }), (await mcpTools.Filesystem.listAllowedDirectories({})) !== undefined];');
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured.returnValue).toEqual(['Echo: still here', true]);
  });

  it('execute_code tells the model up front which server is missing from mcpTools and why', async () => {
    const { tools } = await client.listTools();
    const description = toolNamed(tools, 'execute_code').description ?? '';
    expect(description).toContain(`Not available now (configured, but not running, so not in mcpTools):\n- mcpTools.Broken (server "broken"): ${reason}`);
    // The passthrough server is not part of code mode: it is not listed there.
    expect(description).not.toContain('broken-direct');
    expect(tools.map((tool) => tool.name).filter((name) => name.startsWith('broken'))).toEqual([]);
  });

  it('code that reaches for the failed server gets an error naming it and the reason', async () => {
    const answer = await executeCode(client, 'return await mcpTools.Broken.anything({});');
    expect(answer.isError).toBe(true);
    expect(answer.structured).toMatchObject({ success: false, errorCode: 'UNKNOWN_TOOL' });
    expect(answer.structured.error).toBe(
      `UnknownToolError: mcpTools.Broken is not available now: server "broken" is configured but not available: ${reason}.`,
    );
    expect(answer.text).toContain(`server "broken" is configured but not available: ${reason}.`);
  });

  it('a passthrough call to the failed server is a tool error naming it and the reason', async () => {
    const result = await client.callTool({ name: 'broken-direct__anything', arguments: {} });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toBe(`Server "broken-direct" is not available: ${reason}`);
  });

  it('a name that matches no server at all is still an unknown tool', async () => {
    await expect(client.callTool({ name: 'nowhere__anything', arguments: {} })).rejects.toThrow(/Unknown tool "nowhere__anything"\. Tools: execute_code, search_tools\./);
  });
});

describe('a server that dies while the gateway serves', () => {
  it('fails the call in flight naming the crash, restarts the server, and the others never notice', async () => {
    await using closer = new Closer();
    const served = await startHttpGateway(closer, { mcpServers: { fault: faultServer(), everything: officialServers('.')['everything']! }, codeMode: { timeout: 30_000 } });
    const client = await connectHttp(closer, served.url);
    const crashed = await executeCode(client, 'return await mcpTools.Fault.crash({});');
    expect(crashed.isError).toBe(true);
    expect(crashed.structured.error).toMatch(/fault crashed \(exit code 1\) during crash: .*crashing on request/);
    const echoed = await executeCode(client, 'return await mcpTools.Everything.echo({ message: "unaffected" });');
    expect(echoed.structured.returnValue).toBe('Echo: unaffected');

    const back = await eventually('fault to be restarted', () =>
      served.gateway.health().servers.find((server) => server.name === 'fault' && server.state === 'ready' && (server.restarts ?? 0) >= 1),
    );
    expect(back.restarts).toBe(1);
    expect(served.gateway.health().status).toBe('ok');
    const after = await executeCode(client, 'return await mcpTools.Fault.echoJson({ value: 1 });');
    expect(after.isError).toBe(false);
    expect(after.structured.returnValue).toBe(1);
  });

  it('the CLI serves the others and /healthz names the server and the reason', async () => {
    await using closer = new Closer();
    const dir = makeWorkspace(closer, 'failures-cli');
    const configFile = writeConfigFile(dir, { mcpServers: { everything: officialServers(dir)['everything']!, broken: { command: missingCommand } } });
    const cli = await startHttpCli(closer, configFile);
    const health = (await (await fetch(`${cli.baseUrl}/healthz`)).json()) as Health;
    expect(health).toMatchObject({ status: 'degraded' });
    expect(health.servers).toEqual([
      expect.objectContaining({ name: 'everything', state: 'ready' }),
      expect.objectContaining({ name: 'broken', state: 'failed', failure: reason }),
    ]);
    expect(jsonLogLines(cli.stderr())).toContainEqual(expect.objectContaining({ level: 'error', message: 'server failed to start', server: 'broken', reason }));
    const client = await connectHttp(closer, cli.url);
    const answer = await executeCode(client, 'return await mcpTools.Everything.echo({ message: "served" });');
    expect(answer.structured.returnValue).toBe('Echo: served');
  });
});
