/**
 * The gateway over Streamable HTTP: in process (`listenHttp` on port 0) and as the CLI
 * (`node src/cli.ts --http 127.0.0.1:0`), driven by the SDK client against the real official servers.
 */
import { get } from 'node:http';
import path from 'node:path';
import { httpDefaults, searchToolsDefaults } from '../../src/config/defaults.ts';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { faultServer, allowWrites } from '../fixtures/servers.ts';
import {
  Closer,
  connectHttp,
  executeCode,
  executionResultValidator,
  firstText,
  jsonLogLines,
  makeWorkspace,
  officialServers,
  startHttpCli,
  startHttpGateway,
  writeConfigFile,
  type InProcessHttpGateway,
} from './gatewayHelpers.ts';

const closer = new Closer();
let workspace: string;
let served: InProcessHttpGateway;
let client: Client;
let validate: (value: unknown) => string | undefined;

beforeAll(async () => {
  workspace = makeWorkspace(closer, 'http');
  served = await startHttpGateway(closer, {
    mcpServers: { ...officialServers(workspace), fault: { ...faultServer(), codeMode: false } },
    policy: allowWrites,
    codeMode: { timeout: 30_000, memoryMb: 64 },
  });
  client = await connectHttp(closer, served.url);
  validate = await executionResultValidator(client);
});

afterAll(() => closer.closeAll());

describe('listenHttp on port 0', () => {
  it('serves at /mcp on the port it picked', () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(served.http.port).toBeGreaterThan(0);
    expect(served.url).toContain(`:${served.http.port}/`);
  });

  it('tools/list shows execute_code, search_tools and the codeMode:false server as fault__<tool>', async () => {
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names.slice(0, 2)).toEqual(['execute_code', 'search_tools']);
    expect(names).toEqual(expect.arrayContaining(['fault__echoJson', 'fault__fail', 'fault__addTool']));
    expect(names.filter((name) => /^(filesystem|everything|memory)__/.test(name))).toEqual([]);
  });

  it('execute_code calls two servers; structuredContent validates against the declared outputSchema', async () => {
    const file = path.join(workspace, 'http.txt');
    const answer = await executeCode(
      client,
      `await mcpTools.Filesystem.writeFile({ path: ${JSON.stringify(file)}, content: 'over http' });
       await mcpTools.Memory.createEntities({ entities: [{ name: 'Http', entityType: 'transport', observations: ['streams'] }] });
       const graph = await mcpTools.Memory.searchNodes({ query: 'streams' });
       const text = (await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(file)} })).content;
       return { text, names: graph.entities.map((entity) => entity.name) };`,
    );
    expect(validate(answer.structured)).toBeUndefined();
    expect(answer.isError).toBe(false);
    expect(answer.structured).toMatchObject({ success: true, returnValue: { text: 'over http', names: ['Http'] } });
    expect(answer.text).toMatch(/^Succeeded in \d+ ms with 4 tool calls\./);
    expect(answer.text).toContain('"text": "over http"');
    expect(readFileSync(file, 'utf8')).toBe('over http');
  });

  it('a failing execution is isError with success:false and a one-line error, and still validates', async () => {
    const answer = await executeCode(client, 'return await mcpTools.Filesystem.readTextFile({ path: "/etc/passwd" });');
    expect(validate(answer.structured)).toBeUndefined();
    expect(answer.isError).toBe(true);
    expect(answer.structured.success).toBe(false);
    expect(answer.structured.error).toMatch(/Access denied/);
    expect(answer.structured.error).not.toContain('\n');
    expect(answer.structured.toolCalls).toEqual([expect.objectContaining({ server: 'filesystem', tool: 'read_text_file', ok: false })]);
    expect(answer.text).toMatch(/^Failed in \d+ ms with 1 tool call \(1 failed\)\./);
  });

  it('a passthrough tool answers as the server does, isError included', async () => {
    const echoed = await client.callTool({ name: 'fault__echoJson', arguments: { value: { a: [1, 2] } } });
    expect(firstText(echoed)).toBe('{"a":[1,2]}');
    const failed = await client.callTool({ name: 'fault__fail', arguments: { message: 'as asked' } });
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'as asked' }] });
  });

  it('GET /healthz reports every server ready', async () => {
    const response = await fetch(`${served.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { status: string; codeMode: boolean; servers: { name: string; state: string }[] };
    expect(health.status).toBe('ok');
    expect(health.codeMode).toBe(true);
    expect(health.servers.map(({ name, state }) => `${name}:${state}`)).toEqual(['everything:ready', 'filesystem:ready', 'memory:ready', 'fault:ready']);
  });

  it('keeps an idle connection longer than clients keep theirs, so the client closes first (no "other side closed" on reuse)', async () => {
    const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
      get(`${served.baseUrl}/healthz`, (response) => {
        response.resume();
        resolve(response.headers['keep-alive']?.toString());
      }).on('error', reject);
    });
    expect(keepAlive).toBe(`timeout=${httpDefaults.keepAliveTimeoutMs / 1000}`);
  });
});

describe('search_tools over HTTP', () => {
  async function search(query: string, limit?: number): Promise<{ call: string; server: string; tool: string; declaration: string }[]> {
    const result = await client.callTool({ name: 'search_tools', arguments: { query, ...(limit !== undefined && { limit }) } });
    expect(result.isError).toBeFalsy();
    return (result.structuredContent as { results: { call: string; server: string; tool: string; declaration: string }[] }).results;
  }

  it('"write a file" has Filesystem\'s write tool in its top three, with its declaration', async () => {
    const hits = await search('write a file', 3);
    expect(hits.map((hit) => hit.call)).toContain('mcpTools.Filesystem.writeFile');
    expect(hits.find((hit) => hit.call === 'mcpTools.Filesystem.writeFile')?.declaration).toMatch(/function writeFile\(/);
  });

  it('"knowledge graph entities" finds Memory\'s tools first', async () => {
    const hits = await search('knowledge graph entities', 3);
    expect(hits.map((hit) => hit.server)).toEqual(['memory', 'memory', 'memory']);
    expect(hits.map((hit) => hit.tool)).toContain('create_entities');
  });

  it('a query longer than maxQueryChars is refused saying how long it may be, and the next search works', async () => {
    const { maxQueryChars } = searchToolsDefaults;
    const result = await client.callTool({ name: 'search_tools', arguments: { query: 'aB'.repeat(maxQueryChars) } });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toBe(`search_tools: the query is ${2 * maxQueryChars} characters long, more than ${maxQueryChars}; say the task in a few words, e.g. { "query": "write a file" }.`);
    expect((await search('x'.repeat(maxQueryChars))).length).toBeGreaterThanOrEqual(0);
    expect((await search('write a file', 3)).map((hit) => hit.call)).toContain('mcpTools.Filesystem.writeFile');
  });

  it('a limit outside its schema, or an argument it does not take, is refused saying what it takes', async () => {
    for (const limit of [0, -1, 2.5, '3', 1e9]) {
      const result = await client.callTool({ name: 'search_tools', arguments: { query: 'write a file', limit } });
      expect(result.isError, JSON.stringify(limit)).toBe(true);
      expect(firstText(result)).toMatch(/^search_tools: limit must be a whole number from 1 to \d+, not /);
    }
    const extra = await client.callTool({ name: 'search_tools', arguments: { query: 'write a file', top: 3 } });
    expect(extra.isError).toBe(true);
    expect(firstText(extra)).toContain('search_tools takes { query, limit? }; not top');
  });

  it('an unknown tool\'s name of megabytes is not repeated whole in the error', async () => {
    const name = 'x'.repeat(1_000_000);
    const error = await client.callTool({ name, arguments: {} }).then(() => '', (thrown: Error) => thrown.message);
    expect(error).toContain('Unknown tool "xxx');
    expect(error.length).toBeLessThan(2_000);
  });

  it('the readable text lists the same hits', async () => {
    const result = await client.callTool({ name: 'search_tools', arguments: { query: 'write a file', limit: 3 } });
    expect(firstText(result)).toMatch(/^Tools for "write a file", best first:/);
    expect(firstText(result)).toContain('mcpTools.Filesystem.writeFile (server "filesystem", tool "write_file")');
  });
});

describe('eight concurrent HTTP sessions', () => {
  it('each runs interleaved executions and gets its own answers', async () => {
    const sessions = 8;
    const rounds = 3;
    const clients = await Promise.all(Array.from({ length: sessions }, (_, id) => connectHttp(closer, served.url, {}, `session-${id}`)));
    const runs = clients.flatMap((sessionClient, id) =>
      Array.from({ length: rounds }, async (_, round) => {
        const file = path.join(workspace, `session-${id}-${round}.txt`);
        const answer = await executeCode(
          sessionClient,
          `await mcpTools.Filesystem.writeFile({ path: ${JSON.stringify(file)}, content: 'session ${id} round ${round}' });
           const [back, echoed] = await Promise.all([
             mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(file)} }),
             mcpTools.Everything.echo({ message: 'id ${id}' }),
           ]);
           console.log('session', ${id}, 'round', ${round});
           return { back: back.content, echoed };`,
        );
        return { id, round, answer };
      }),
    );
    const results = await Promise.all(runs);
    expect(results).toHaveLength(sessions * rounds);
    for (const { id, round, answer } of results) {
      expect(answer.isError, answer.text).toBe(false);
      expect(answer.structured.returnValue).toEqual({ back: `session ${id} round ${round}`, echoed: `Echo: id ${id}` });
      expect(answer.structured.output).toBe(`session ${id} round ${round}`);
      expect(validate(answer.structured)).toBeUndefined();
    }
  });
});

describe('the CLI with --http 127.0.0.1:0', () => {
  it('prints its URL on stderr, serves tools/list and execute_code there, and logs JSON on stderr only', async () => {
    const dir = makeWorkspace(closer, 'http-cli');
    const servers = officialServers(dir);
    const configFile = writeConfigFile(dir, { mcpServers: { ...servers, memory: { ...servers['memory']!, codeMode: false } }, policy: allowWrites });
    const cli = await startHttpCli(closer, configFile);
    expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(cli.url).not.toContain(':0/');

    const cliClient = await connectHttp(closer, cli.url);
    const names = (await cliClient.listTools()).tools.map((tool) => tool.name);
    expect(names.slice(0, 2)).toEqual(['execute_code', 'search_tools']);
    expect(names).toEqual(expect.arrayContaining(['memory__create_entities', 'memory__search_nodes']));
    expect(names.filter((name) => /^(filesystem|everything)__/.test(name))).toEqual([]);

    const cliValidate = await executionResultValidator(cliClient);
    const file = path.join(dir, 'cli.txt');
    const answer = await executeCode(
      cliClient,
      `await mcpTools.Filesystem.writeFile({ path: ${JSON.stringify(file)}, content: 'via the CLI' });
       const sum = await mcpTools.Everything.getSum({ a: 20, b: 22 });
       return { text: (await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(file)} })).content, sum };`,
    );
    expect(cliValidate(answer.structured)).toBeUndefined();
    expect(answer.isError).toBe(false);
    expect(answer.structured.returnValue).toEqual({ text: 'via the CLI', sum: expect.stringContaining('42') });

    const failing = await executeCode(cliClient, 'return mcpTools.Everything.nope({});');
    expect(cliValidate(failing.structured)).toBeUndefined();
    expect(failing).toMatchObject({ isError: true, structured: { success: false, errorCode: 'UNKNOWN_TOOL' } });

    const health = (await (await fetch(`${cli.baseUrl}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    const logs = jsonLogLines(cli.stderr());
    expect(logs).toContainEqual(expect.objectContaining({ message: 'config loaded', source: configFile }));
    expect(logs).toContainEqual(expect.objectContaining({ message: 'servers started', ready: ['everything', 'filesystem', 'memory'], failed: [] }));
    expect(cli.stdout()).toBe('');
  });
});
