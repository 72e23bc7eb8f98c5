/**
 * A downstream server that changes its tool list (the fault server's `addTool`): the generated API
 * follows, and upstream clients are told with `notifications/tools/list_changed`, over stdio and
 * over HTTP.
 *
 * Over HTTP the 2026-07-28 protocol delivers list changes on `subscriptions/listen` streams, which
 * the v2 client opens from `ClientOptions.listChanged` once it negotiated that revision
 * (`versionNegotiation: { mode: 'auto' }`). A 2025-era client over HTTP is served statelessly (GET
 * is 405): there is no stream to push on, so it learns of changes only by listing again.
 */
import { describe, expect, it } from 'vitest';
import type { Client, ClientOptions } from '@modelcontextprotocol/client';
import { faultServer } from '../fixtures/servers.ts';
import {
  Closer,
  connectHttp,
  connectStdioCli,
  eventually,
  executeCode,
  makeWorkspace,
  startHttpGateway,
  toolNamed,
  writeConfigFile,
} from './gatewayHelpers.ts';

const modern: ClientOptions['versionNegotiation'] = { mode: 'auto' };

/** Records every `notifications/tools/list_changed` the client receives. */
function recordToolListChanges(client: Client): { count(): number } {
  let count = 0;
  client.setNotificationHandler('notifications/tools/list_changed', () => void count++);
  return { count: () => count };
}

async function executeCodeDescription(client: Client): Promise<string> {
  const { tools } = await client.listTools(undefined, { cacheMode: 'refresh' });
  return toolNamed(tools, 'execute_code').description ?? '';
}

async function addToolThroughCode(client: Client, name: string): Promise<void> {
  const answer = await executeCode(client, `return await mcpTools.Fault.addTool({ name: ${JSON.stringify(name)} });`);
  expect(answer.structured, answer.text).toMatchObject({ success: true, returnValue: `added ${name}` });
}

describe('the generated API follows a downstream tool list change', () => {
  it('typeDefinitions (what `code-goat types` prints) and execute_code gain the new tool', async () => {
    await using closer = new Closer();
    const { gateway, url } = await startHttpGateway(closer, { mcpServers: { fault: faultServer() }, codeMode: { timeout: 30_000 } });
    const client = await connectHttp(closer, url);
    expect(gateway.codeMode?.typeDefinitions).not.toContain('addedAtRuntime');
    expect(await executeCodeDescription(client)).not.toContain('addedAtRuntime');

    // The first change may be addTool's observed return type (it has no outputSchema); wait for the one with the tool.
    const changed = new Promise<string>((resolve) => {
      const stop = gateway.onListChanged((kind) => {
        if (!gateway.codeMode?.typeDefinitions.includes('addedAtRuntime')) return;
        stop();
        resolve(kind);
      });
    });
    await addToolThroughCode(client, 'added_at_runtime');
    expect(await changed).toBe('tools');

    expect(gateway.codeMode?.typeDefinitions).toMatch(/function addedAtRuntime\(/);
    expect(gateway.codeMode?.runtimeApi.namespaces['Fault']?.['addedAtRuntime']).toEqual({ server: 'fault', tool: 'added_at_runtime' });
    expect(await executeCodeDescription(client)).toMatch(/function addedAtRuntime\(/);
    const called = await executeCode(client, 'return await mcpTools.Fault.addedAtRuntime({});');
    expect(called.structured).toMatchObject({ success: true, returnValue: 'hello from added_at_runtime' });
  });
});

describe('notifications/tools/list_changed over stdio', () => {
  async function startCli(closer: Closer, clientOptions: ClientOptions = {}) {
    const dir = makeWorkspace(closer, 'list-changed-stdio');
    const configFile = writeConfigFile(dir, {
      mcpServers: { fault: faultServer(), direct: { ...faultServer(), codeMode: false } },
      codeMode: { timeout: 30_000 },
    });
    return connectStdioCli(closer, configFile, clientOptions);
  }

  it('a code-mode server\'s change reaches a 2025-era client, and execute_code describes the new tool', async () => {
    await using closer = new Closer();
    const { client } = await startCli(closer);
    const changes = recordToolListChanges(client);
    await addToolThroughCode(client, 'stdio_added');
    await eventually('notifications/tools/list_changed', () => (changes.count() > 0 ? true : undefined));
    expect(await executeCodeDescription(client)).toMatch(/function stdioAdded\(/);
  });

  it('a passthrough server\'s change reaches the client and lists the tool as <server>__<tool>', async () => {
    await using closer = new Closer();
    const { client } = await startCli(closer);
    const changes = recordToolListChanges(client);
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('direct__direct_added');
    await client.callTool({ name: 'direct__addTool', arguments: { name: 'direct_added' } });
    await eventually('notifications/tools/list_changed', () => (changes.count() > 0 ? true : undefined));
    const names = (await client.listTools(undefined, { cacheMode: 'refresh' })).tools.map((tool) => tool.name);
    expect(names).toContain('direct__direct_added');
    expect(await client.callTool({ name: 'direct__direct_added', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'hello from direct_added' }] });
  });

  it('a 2026-07-28 client with ClientOptions.listChanged gets the refreshed list', async () => {
    await using closer = new Closer();
    const lists: string[][] = [];
    const { client } = await startCli(closer, {
      versionNegotiation: modern,
      listChanged: { tools: { debounceMs: 0, onChanged: (error, tools) => void (error ? lists.push([`error: ${error.message}`]) : lists.push((tools ?? []).map((tool) => tool.name))) } },
    });
    expect(client.getProtocolEra()).toBe('modern');
    await client.callTool({ name: 'direct__addTool', arguments: { name: 'modern_added' } });
    const refreshed = await eventually('a refreshed tool list', () => lists.find((names) => names.includes('direct__modern_added')));
    expect(refreshed).toEqual(expect.arrayContaining(['execute_code', 'search_tools', 'direct__modern_added']));
  });
});

describe('notifications/tools/list_changed over HTTP', () => {
  it('a 2026-07-28 client with ClientOptions.listChanged gets it on its subscriptions/listen stream', async () => {
    await using closer = new Closer();
    const { url } = await startHttpGateway(closer, { mcpServers: { fault: faultServer() }, codeMode: { timeout: 30_000 } });
    const lists: string[] = [];
    const client = await connectHttp(closer, url, {
      versionNegotiation: modern,
      listChanged: { tools: { debounceMs: 0, onChanged: (error, tools) => void lists.push(error ? `error: ${error.message}` : toolNamed(tools ?? [], 'execute_code').description ?? '') } },
    });
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.autoOpenedSubscription).toBeDefined();
    await addToolThroughCode(client, 'http_added');
    const refreshed = await eventually('a refreshed tool list', () => lists.find((description) => description.includes('httpAdded')));
    expect(refreshed).toMatch(/function httpAdded\(/);
  });

  it('a 2025-era client over HTTP gets a session and the notification on its stream', async () => {
    await using closer = new Closer();
    const { url } = await startHttpGateway(closer, { mcpServers: { fault: faultServer() }, codeMode: { timeout: 30_000 } });
    const client = await connectHttp(closer, url);
    expect(client.getProtocolEra()).toBe('legacy');
    const changes = recordToolListChanges(client);
    await addToolThroughCode(client, 'legacy_added');
    await eventually('notifications/tools/list_changed', () => (changes.count() > 0 ? true : undefined));
    expect(await executeCodeDescription(client)).toMatch(/function legacyAdded\(/);
  });
});
