/**
 * Hazard: startup waits for the slowest server. A downstream server that never answers `initialize`
 * must not keep the gateway from serving: over stdio and over HTTP it answers (`initialize`,
 * `tools/list`) while that server is still connecting, `/healthz` says so, the `execute_code`
 * description lists it as connecting, and a call to it waits for it within the execution's deadline (told
 * SERVER_UNAVAILABLE when the deadline runs out first). A server that connects
 * later joins the catalog, and clients get `notifications/tools/list_changed`.
 *
 * No time is asserted: "still connecting" is the server's state when the gateway answered (the
 * silent server never answers, so it stays connecting until the connect timeout, 30 s).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import type { StdioServerConfig } from '../../src/config/schema.ts';
import { createGateway } from '../../src/gateway/Gateway.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { faultServerEntry } from '../fixtures/servers.ts';
import {
  Closer,
  connectHttp,
  connectStdioCli,
  eventually,
  executeCode,
  makeWorkspace,
  startHttpCli,
  toolNamed,
  writeConfigFile,
} from './gatewayHelpers.ts';

/** A stdio server that starts and never answers anything, `initialize` included. */
const silentServer: StdioServerConfig = { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1 << 30)'] };

/** The fault server, but only once `gate` exists: until then it reads nothing and answers nothing. */
function gatedServer(gate: string): StdioServerConfig {
  const script = `const t = setInterval(() => { if (require('node:fs').existsSync(${JSON.stringify(gate)})) { clearInterval(t); import(${JSON.stringify(pathToFileURL(faultServerEntry).href)}); } }, 20);`;
  return { command: process.execPath, args: ['--disable-warning=ExperimentalWarning', '-e', script] };
}

async function executeCodeDescription(client: Client): Promise<string> {
  const { tools } = await client.listTools(undefined, { cacheMode: 'refresh' });
  return toolNamed(tools, 'execute_code').description ?? '';
}

const stillConnecting = (namespace: string, server: string) => `- mcpTools.${namespace} (server "${server}"): still connecting`;

describe('startup waits for the slowest server', () => {
  it('over stdio: tools/list answers while a server is still connecting; a late server joins with list_changed', async () => {
    await using closer = new Closer();
    const dir = makeWorkspace(closer, 'slow-startup-stdio');
    const gate = path.join(dir, 'gate');
    const configFile = writeConfigFile(dir, { mcpServers: { silent: silentServer, gated: gatedServer(gate) }, codeMode: { timeout: 60_000 } });
    const cli = await connectStdioCli(closer, configFile, {}, { waitForServers: false });
    let changes = 0;
    cli.client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);

    const description = await executeCodeDescription(cli.client);
    expect(description).toContain(stillConnecting('Silent', 'silent'));
    expect(description).toContain(stillConnecting('Gated', 'gated'));
    expect(existsSync(gate)).toBe(false); // so `gated` was connecting when the gateway answered

    // Code started while `gated` connects runs at once; its call waits for the server, within its deadline,
    // then goes to the tool of that name; a name the server turns out not to have is told so.
    const waiting = executeCode(
      cli.client,
      'const joined = await mcpTools.Gated.echoJson({ value: "joined" }); try { await mcpTools.Gated.noSuchTool({}); } catch (e) { return [joined, e.code]; }',
    );
    writeFileSync(gate, '');
    const answer = await waiting;
    expect(answer.structured, answer.text).toMatchObject({ success: true, returnValue: ['joined', 'UNKNOWN_TOOL'] });

    await eventually('notifications/tools/list_changed', () => (changes > 0 ? true : undefined));
    const joined = await executeCodeDescription(cli.client);
    expect(joined).toMatch(/function echoJson\(/);
    expect(joined).not.toContain('(server "gated")');
    expect(joined).toContain(stillConnecting('Silent', 'silent'));
  });

  it('over stdio, a 2026-07-28 client (server/discover, as the Vercel AI SDK sends it) is answered while a server is still connecting', async () => {
    await using closer = new Closer();
    const dir = makeWorkspace(closer, 'slow-startup-discover');
    const configFile = writeConfigFile(dir, { mcpServers: { silent: silentServer } });
    const cli = await connectStdioCli(closer, configFile, { versionNegotiation: { mode: 'auto' } }, { waitForServers: false });
    expect(cli.client.getProtocolEra()).toBe('modern');
    expect(await executeCodeDescription(cli.client)).toContain(stillConnecting('Silent', 'silent'));
  });

  it('over HTTP: the CLI serves at once, /healthz shows the server connecting, and tools/list answers', async () => {
    await using closer = new Closer();
    const dir = makeWorkspace(closer, 'slow-startup-http');
    const configFile = writeConfigFile(dir, { mcpServers: { silent: silentServer } });
    const cli = await startHttpCli(closer, configFile, { waitForServers: false });
    const health = (await (await fetch(`${cli.baseUrl}/healthz`)).json()) as { status: string; servers: { name: string; state: string }[] };
    expect(health.servers).toEqual([expect.objectContaining({ name: 'silent', state: 'connecting' })]);
    expect(health.status).toBe('degraded');

    const client = await connectHttp(closer, cli.url);
    expect(await executeCodeDescription(client)).toContain(stillConnecting('Silent', 'silent'));
    const still = (await (await fetch(`${cli.baseUrl}/healthz`)).json()) as { servers: { name: string; state: string }[] };
    expect(still.servers).toEqual([expect.objectContaining({ name: 'silent', state: 'connecting' })]);
  });

  it('a call to a server still connecting past the deadline is told so, SERVER_UNAVAILABLE; code that does not call it runs at once', async () => {
    await using closer = new Closer();
    const gateway = closer.add(await createGateway({ mcpServers: { silent: silentServer } }, { logger: silentLogger, waitForServers: false }), (g) =>
      g.close(),
    );
    // The namespace is reached through a computed name: no scan of the code decides the wait, the call does.
    const result = await gateway.codeMode!.executeCode('const name = "Sil" + "ent"; return await mcpTools[name].anything({});', { timeoutMs: 300 });
    expect(result).toMatchObject({ success: false, errorCode: 'SERVER_UNAVAILABLE' });
    expect(result.error).toBe(`ToolError: server "silent" was still connecting when this execution's deadline ran out; its calls were not sent.`);
    expect(gateway.health().servers).toEqual([expect.objectContaining({ name: 'silent', state: 'connecting' })]);
    // Code that does not call it runs at once (the namespace is there, with no known methods yet).
    const other = await gateway.codeMode!.executeCode('return [Object.keys(mcpTools).length, typeof mcpTools.Silent];');
    expect(other).toMatchObject({ success: true, returnValue: [0, 'object'] });
  });
});
