/**
 * Code mode off (`codeMode: { enabled: false }`): the gateway is a plain aggregating proxy of tools,
 * resources and prompts, named `<server>__<name>`. The same scenario run through code and through
 * passthrough tools gives the same answer.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { Closer, connectHttp, executeCode, makeWorkspace, officialServers, startHttpGateway, type InProcessHttpGateway } from './gatewayHelpers.ts';
import { allowWrites } from '../fixtures/servers.ts';

const closer = new Closer();
let workspace: string;
let proxy: InProcessHttpGateway;
let proxyClient: Client;
let codeModeClient: Client;

beforeAll(async () => {
  workspace = makeWorkspace(closer, 'passthrough');
  const [passthroughGateway, codeModeGateway] = await Promise.all([
    startHttpGateway(closer, { mcpServers: officialServers(path.join(workspace)), codeMode: { enabled: false }, policy: allowWrites }),
    startHttpGateway(closer, { mcpServers: officialServers(workspace), codeMode: { timeout: 30_000, memoryMb: 64 }, policy: allowWrites }),
  ]);
  proxy = passthroughGateway;
  [proxyClient, codeModeClient] = await Promise.all([connectHttp(closer, proxy.url), connectHttp(closer, codeModeGateway.url)]);
});

afterAll(() => closer.closeAll());

interface ScenarioAnswer {
  content: string;
  echoed: string;
  entities: string[];
}

/** Write a file, read it back, echo it, and record it in (then find it in) the knowledge graph. */
function scenarioFile(label: string): string {
  return path.join(workspace, `scenario-${label}.txt`);
}

async function scenarioThroughCode(client: Client, label: string): Promise<ScenarioAnswer> {
  const file = JSON.stringify(scenarioFile(label));
  const answer = await executeCode(
    client,
    `await mcpTools.Filesystem.writeFile({ path: ${file}, content: 'scenario ${label}' });
     const { content } = await mcpTools.Filesystem.readTextFile({ path: ${file} });
     const echoed = await mcpTools.Everything.echo({ message: content });
     await mcpTools.Memory.createEntities({ entities: [{ name: 'Scenario ${label}', entityType: 'run', observations: [content] }] });
     const graph = await mcpTools.Memory.searchNodes({ query: 'scenario ${label}' });
     return { content, echoed, entities: graph.entities.map((entity) => entity.name) };`,
  );
  expect(answer.isError, answer.text).toBe(false);
  return answer.structured.returnValue as ScenarioAnswer;
}

async function scenarioThroughPassthrough(client: Client, label: string): Promise<ScenarioAnswer> {
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
    return result;
  };
  const file = scenarioFile(label);
  await call('filesystem__write_file', { path: file, content: `scenario ${label}` });
  const read = await call('filesystem__read_text_file', { path: file });
  const content = (read.structuredContent as { content: string }).content;
  const echo = await call('everything__echo', { message: content });
  const echoed = (echo.content[0] as { text: string }).text;
  await call('memory__create_entities', { entities: [{ name: `Scenario ${label}`, entityType: 'run', observations: [content] }] });
  const graph = await call('memory__search_nodes', { query: `scenario ${label}` });
  const entities = (graph.structuredContent as { entities: { name: string }[] }).entities.map((entity) => entity.name);
  return { content, echoed, entities };
}

describe('tools with code mode off', () => {
  it('lists every server\'s tools as <server>__<tool>, and neither execute_code nor search_tools', async () => {
    const names = (await proxyClient.listTools()).tools.map((tool) => tool.name);
    expect(names).not.toContain('execute_code');
    expect(names).not.toContain('search_tools');
    expect(names).toEqual(
      expect.arrayContaining(['filesystem__write_file', 'filesystem__read_text_file', 'everything__echo', 'everything__get-sum', 'memory__create_entities']),
    );
    for (const name of names) expect(name).toMatch(/^(everything|filesystem|memory)__[a-zA-Z0-9_-]+$/);
  });

  it('keeps each tool\'s schema and says where it comes from', async () => {
    const { tools } = await proxyClient.listTools();
    const write = tools.find((tool) => tool.name === 'filesystem__write_file');
    expect(write?.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['path', 'content']) });
    expect(write?.description).toContain('(Tool "write_file" of server "filesystem".)');
  });

  it('the same scenario gives the same answer through code and through passthrough tools', async () => {
    const [viaCode, viaPassthrough] = [await scenarioThroughCode(codeModeClient, 'A'), await scenarioThroughPassthrough(proxyClient, 'A')];
    expect(viaCode).toEqual({ content: 'scenario A', echoed: 'Echo: scenario A', entities: ['Scenario A'] });
    expect(viaPassthrough).toEqual(viaCode);
  });

  it('an unknown tool is a JSON-RPC error that lists the tools', async () => {
    await expect(proxyClient.callTool({ name: 'filesystem__no_such_tool', arguments: {} })).rejects.toThrow(
      /Unknown tool "filesystem__no_such_tool"\. Tools: .*filesystem__write_file/,
    );
  });
});

describe('resources with code mode off', () => {
  it('resources/list shows everything\'s resources with names prefixed everything__ and URIs kept', async () => {
    const { resources } = await proxyClient.listResources();
    const everythings = resources.filter((resource) => resource.uri.startsWith('demo://'));
    expect(everythings.length).toBeGreaterThan(0);
    for (const resource of everythings) expect(resource.name).toMatch(/^everything__/);
    // Every server's resources are there, each under its own prefix (memory lists its graph).
    for (const resource of resources) expect(resource.name).toMatch(/^(everything|memory)__/);
    expect(resources.map((resource) => resource.name)).toContain('memory__knowledge-graph');
    expect(resources).toContainEqual(
      expect.objectContaining({ uri: 'demo://resource/static/document/instructions.md', name: 'everything__instructions.md', mimeType: 'text/markdown' }),
    );
  });

  it('resources/read of a listed resource returns its contents', async () => {
    const { contents } = await proxyClient.readResource({ uri: 'demo://resource/static/document/instructions.md' });
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({ uri: 'demo://resource/static/document/instructions.md', mimeType: 'text/markdown' });
    expect((contents[0] as { text?: string }).text?.length).toBeGreaterThan(0);
  });

  it('a URI that only a resource template matches is routed and read', async () => {
    const { resourceTemplates } = await proxyClient.listResourceTemplates();
    expect(resourceTemplates).toContainEqual(
      expect.objectContaining({ uriTemplate: 'demo://resource/dynamic/text/{resourceId}', name: 'everything__Dynamic Text Resource' }),
    );
    const { contents } = await proxyClient.readResource({ uri: 'demo://resource/dynamic/text/7' });
    expect(contents[0]).toMatchObject({ uri: 'demo://resource/dynamic/text/7', mimeType: 'text/plain' });
    expect((contents[0] as { text?: string }).text).toMatch(/7/);
  });

  it('a URI no server offers is a JSON-RPC error that says so', async () => {
    await expect(proxyClient.readResource({ uri: 'nowhere://x' })).rejects.toThrow(/No server offers the resource "nowhere:\/\/x"/);
  });
});

describe('prompts with code mode off', () => {
  it('prompts/list has everything\'s prompts as everything__<prompt>, with their arguments', async () => {
    const { prompts } = await proxyClient.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(
      expect.arrayContaining(['everything__simple-prompt', 'everything__args-prompt', 'everything__resource-prompt']),
    );
    expect(prompts.find((prompt) => prompt.name === 'everything__args-prompt')?.arguments).toEqual([
      { name: 'city', description: 'Name of the city', required: true },
      { name: 'state', required: false },
    ]);
  });

  it('prompts/get with arguments reaches the server and returns its messages', async () => {
    const prompt = await proxyClient.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Lyon', state: 'Rhône' } });
    const texts = prompt.messages.map((message) => (message.content as { text?: string }).text ?? '');
    expect(texts.join('\n')).toContain('Lyon');
    expect(texts.join('\n')).toContain('Rhône');
  });

  it('an unknown prompt is a JSON-RPC error that lists the prompts', async () => {
    await expect(proxyClient.getPrompt({ name: 'everything__nope' })).rejects.toThrow(/Unknown prompt "everything__nope"\. Prompts: .*everything__args-prompt/);
  });
});

describe('health with code mode off', () => {
  it('reports codeMode false and every server ready', () => {
    expect(proxy.gateway.health()).toMatchObject({ status: 'ok', codeMode: false });
    expect(proxy.gateway.codeMode).toBeUndefined();
  });
});
