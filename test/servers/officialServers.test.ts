/** The pool against the real official servers over stdio: catalog, calls, unwrapping, errors. */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerPool } from '../../src/servers/index.ts';
import { officialServer } from '../fixtures/servers.ts';
import { makeTempDir } from './helpers.ts';

const temp = makeTempDir('official');
const root = path.join(temp.dir, 'root');
let pool: ServerPool;

beforeAll(async () => {
  mkdirSync(root);
  // Not in the SDK's safe default environment, so a child must not see it.
  process.env['CODE_GOAT_TEST_LEAK'] = 'must-not-reach-children';
  pool = await ServerPool.start({
    everything: { ...officialServer('everything'), env: { CODE_GOAT_TEST_PROBE: 'probe-value' } },
    filesystem: officialServer('filesystem', { root }),
    memory: officialServer('memory', { memoryFile: path.join(temp.dir, 'memory.jsonl') }),
  });
});

afterAll(async () => {
  await pool?.close();
  delete process.env['CODE_GOAT_TEST_LEAK'];
  temp.remove();
});

describe('catalog', () => {
  it('lists every ready server, in config order, each in its own order', () => {
    const servers = pool.catalog().map((tool) => tool.server);
    const firstIndex = (server: string) => servers.indexOf(server);
    expect(firstIndex('everything')).toBe(0);
    expect(firstIndex('everything')).toBeLessThan(firstIndex('filesystem'));
    expect(firstIndex('filesystem')).toBeLessThan(firstIndex('memory'));
    // Contiguous blocks: the server changes exactly twice.
    expect(servers.filter((server, index) => index > 0 && server !== servers[index - 1])).toHaveLength(2);
  });

  it('keeps names, descriptions and schemas as the servers list them', () => {
    const readTextFile = pool.catalog().find((tool) => tool.server === 'filesystem' && tool.name === 'read_text_file');
    expect(readTextFile).toMatchObject({
      server: 'filesystem',
      name: 'read_text_file',
      description: expect.stringContaining('file'),
      inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
      outputSchema: { type: 'object' },
    });
    const names = (server: string) => pool.catalog().filter((tool) => tool.server === server).map((tool) => tool.name);
    expect(names('everything')).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-env', 'get-tiny-image']));
    expect(names('memory')).toEqual(expect.arrayContaining(['create_entities', 'read_graph', 'search_nodes']));
  });

  it('reports every server ready with its tool count', () => {
    expect(pool.status().map(({ name, state, transport }) => ({ name, state, transport }))).toEqual([
      { name: 'everything', state: 'ready', transport: 'stdio' },
      { name: 'filesystem', state: 'ready', transport: 'stdio' },
      { name: 'memory', state: 'ready', transport: 'stdio' },
    ]);
    for (const server of pool.status()) {
      expect(server.toolCount).toBe(pool.catalog().filter((tool) => tool.server === server.name).length);
    }
  });
});

describe('calls and unwrapping', () => {
  it('returns plain text as the string', async () => {
    expect(await pool.callTool('everything', 'echo', { message: 'hi' })).toEqual({ ok: true, value: 'Echo: hi' });
  });

  it('returns structuredContent when the tool gives one', async () => {
    const file = path.join(root, 'note.txt');
    expect(await pool.callTool('filesystem', 'write_file', { path: file, content: 'hello' })).toEqual({
      ok: true,
      value: { content: `Successfully wrote to ${file}` },
    });
    expect(readFileSync(file, 'utf8')).toBe('hello');
    expect(await pool.callTool('filesystem', 'read_text_file', { path: file })).toEqual({ ok: true, value: { content: 'hello' } });
  });

  it('parses text that is JSON (everything get-env), and children get only the safe environment plus their env', async () => {
    const outcome = await pool.callTool('everything', 'get-env', {});
    expect(outcome.ok).toBe(true);
    const env = (outcome as { value: Record<string, string> }).value;
    // The child got its env value; coming back in a result, it is redacted like any secret (SPEC).
    expect(env['CODE_GOAT_TEST_PROBE']).toBe('[redacted]');
    expect(env['PATH']).toBe(process.env['PATH']);
    expect(env).not.toHaveProperty('CODE_GOAT_TEST_LEAK');
  });

  it('keeps state across calls (memory)', async () => {
    const entity = { name: 'Ada', entityType: 'person', observations: ['wrote the first program'] };
    expect(await pool.callTool('memory', 'create_entities', { entities: [entity] })).toEqual({ ok: true, value: { entities: [entity] } });
    const graph = await pool.callTool('memory', 'read_graph', {});
    expect(graph).toMatchObject({ ok: true, value: { entities: [entity] } });
  });

  it('returns the content array when it holds an image', async () => {
    const outcome = await pool.callTool('everything', 'get-tiny-image', {});
    expect(outcome.ok).toBe(true);
    const content = (outcome as { value: { type: string }[] }).value;
    expect(content.map((block) => block.type)).toContain('image');
  });

  it('times out a long call and says after how long', async () => {
    // 1 s, well within the 5-s operation: the first send compiles the tool's argument schema, which can take
    // over 100 ms on a busy machine and would time the call out before it is sent (another message).
    const outcome = await pool.callTool('everything', 'trigger-long-running-operation', { duration: 5, steps: 5 }, { timeoutMs: 1_000 });
    expect(outcome).toEqual({ ok: false, code: 'TOOL_TIMEOUT', message: 'everything.trigger-long-running-operation timed out after 1000 ms' });
  });
});

describe('failures', () => {
  it('turns isError into TOOL_ERROR with the server message (filesystem outside its root)', async () => {
    const outcome = await pool.callTool('filesystem', 'read_text_file', { path: '/etc/hostname' });
    expect(outcome).toEqual({
      ok: false,
      code: 'TOOL_ERROR',
      message: expect.stringMatching(/^filesystem\.read_text_file failed: Access denied - path outside allowed directories/),
    });
  });

  it('refuses invalid arguments against the inputSchema before calling', async () => {
    expect(await pool.callTool('everything', 'get-sum', { a: 'one', b: 2 })).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'everything.get-sum: invalid arguments: /a must be number (got string "one")',
    });
  });

  it('refuses arguments that are not an object before calling', async () => {
    expect(await pool.callTool('everything', 'echo', 'hi')).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'everything.echo: invalid arguments: expected an object of named arguments, got string',
    });
  });

  it('names the closest tools for an unknown tool', async () => {
    expect(await pool.callTool('filesystem', 'readTextFile', { path: 'x' })).toEqual({
      ok: false,
      code: 'UNKNOWN_TOOL',
      message: 'Unknown tool filesystem.readTextFile; did you mean read_text_file, read_file, read_media_file?',
    });
  });

  it('lists the configured servers for an unknown server', async () => {
    expect(await pool.callTool('filesystm', 'read_text_file', {})).toEqual({
      ok: false,
      code: 'UNKNOWN_SERVER',
      message: 'Unknown server "filesystm"; did you mean filesystem? (configured servers: everything, filesystem, memory)',
    });
  });
});
