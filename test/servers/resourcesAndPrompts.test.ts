/** Resources, resource templates and prompts of the real official servers over stdio, through the pool. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerPool } from '../../src/servers/index.ts';
import { officialServer, officialServerEntry, officialServerScript } from '../fixtures/servers.ts';
import { makeTempDir } from './helpers.ts';

const temp = makeTempDir('resources');
const everythingDocs = path.join(path.dirname(officialServerEntry('everything')), 'docs');
let pool: ServerPool;
// Recorded by hand: vitest clears a spy's calls between the hook that starts the pool and the tests.
const originalDebug = console.debug;
const debugLines: string[] = [];

beforeAll(async () => {
  console.debug = (...args: unknown[]) => void debugLines.push(args.join(' '));
  pool = await ServerPool.start({
    everything: officialServer('everything'),
    filesystem: officialServer('filesystem', { root: temp.dir }),
    memory: officialServer('memory', { memoryFile: path.join(temp.dir, 'memory.jsonl') }),
    off: { ...officialServer('everything'), disabled: true },
  });
});

afterAll(async () => {
  await pool?.close();
  console.debug = originalDebug;
  temp.remove();
});

describe('lists', () => {
  it('lists the static resources with their metadata', () => {
    expect(pool.resources()).toContainEqual({
      server: 'everything',
      uri: 'demo://resource/static/document/instructions.md',
      name: 'instructions.md',
      description: 'Static document file exposed from /docs: instructions.md',
      mimeType: 'text/markdown',
    });
  });

  it('lists the resource templates', () => {
    expect(pool.resourceTemplates()).toEqual([
      expect.objectContaining({ server: 'everything', name: 'Dynamic Text Resource', uriTemplate: 'demo://resource/dynamic/text/{resourceId}', mimeType: 'text/plain' }),
      expect.objectContaining({ server: 'everything', name: 'Dynamic Blob Resource', uriTemplate: 'demo://resource/dynamic/blob/{resourceId}' }),
    ]);
  });

  it('lists the prompts with their arguments', () => {
    expect(pool.prompts().map((prompt) => prompt.name)).toEqual(['simple-prompt', 'args-prompt', 'completable-prompt', 'resource-prompt']);
    expect(pool.prompts().find((prompt) => prompt.name === 'args-prompt')).toEqual({
      server: 'everything',
      name: 'args-prompt',
      title: 'Arguments Prompt',
      description: 'A prompt with two arguments, one required and one optional',
      arguments: [
        { name: 'city', description: 'Name of the city', required: true },
        { name: 'state', required: false },
      ],
    });
  });

  it('gathers the servers in config order, each in its own order', () => {
    const servers = pool.resources().map((resource) => resource.server);
    expect(servers.indexOf('memory')).toBeGreaterThan(servers.lastIndexOf('everything'));
    expect(pool.resources().filter((resource) => resource.server === 'memory').map((resource) => resource.uri)).toEqual(['memory://knowledge-graph']);
  });

  it('gives empty lists, not errors, for capabilities a server lacks, and asks it nothing', () => {
    const of = (server: string) => ({
      resources: pool.resources().filter((entry) => entry.server === server),
      templates: pool.resourceTemplates().filter((entry) => entry.server === server),
      prompts: pool.prompts().filter((entry) => entry.server === server),
    });
    expect(of('filesystem')).toEqual({ resources: [], templates: [], prompts: [] });
    expect(of('memory').prompts).toEqual([]);
    expect(pool.status().map((server) => server.state)).toEqual(['ready', 'ready', 'ready']);
    // The SDK answers such a request itself with a console.debug, i.e. on stdout, the stdio gateway's channel.
    expect(debugLines).toEqual([]);
  });

  it('exposes the same lists per connection', () => {
    const everything = pool.connection('everything');
    expect(everything?.resources()).toEqual(pool.resources().filter((resource) => resource.server === 'everything'));
    expect(everything?.config).toMatchObject({ args: [officialServerScript('everything'), 'stdio'] });
  });
});

describe('readResource', () => {
  it('reads a listed resource', async () => {
    const uri = 'demo://resource/static/document/instructions.md';
    expect(await pool.readResource('everything', uri)).toEqual({
      ok: true,
      value: { contents: [{ uri, mimeType: 'text/markdown', text: readFileSync(path.join(everythingDocs, 'instructions.md'), 'utf8') }] },
    });
  });

  it('reads URIs that only a template produces, text and blob', async () => {
    const text = await pool.readResource('everything', 'demo://resource/dynamic/text/7');
    expect(text).toMatchObject({ ok: true, value: { contents: [{ uri: 'demo://resource/dynamic/text/7', text: expect.stringMatching(/^Resource 7: /) }] } });
    const blob = await pool.readResource('everything', 'demo://resource/dynamic/blob/3');
    const contents = blob.ok ? blob.value.contents[0] : undefined;
    expect(contents !== undefined && 'blob' in contents ? Buffer.from(contents.blob, 'base64').toString() : contents).toMatch(/^Resource 3: This is a base64 blob/);
  });

  it('reports what the server says about a URI it cannot read, naming server and URI', async () => {
    expect(await pool.readResource('everything', 'demo://resource/dynamic/text/0')).toEqual({
      ok: false,
      code: 'TOOL_CALL_FAILED',
      message: 'everything resource demo://resource/dynamic/text/0 failed: Unknown resource: demo://resource/dynamic/text/0',
    });
  });

  it('refuses at once a server without resources', async () => {
    expect(await pool.readResource('filesystem', 'file:///etc/hostname')).toEqual({
      ok: false,
      code: 'UNKNOWN_RESOURCE',
      message: 'Unknown resource file:///etc/hostname: filesystem offers no resources',
    });
  });

  it('routes like tool calls: unknown and disabled servers', async () => {
    expect(await pool.readResource('everythin', 'demo://x')).toEqual({
      ok: false,
      code: 'UNKNOWN_SERVER',
      message: 'Unknown server "everythin"; did you mean everything? (configured servers: everything, filesystem, memory)',
    });
    expect(await pool.readResource('off', 'demo://x')).toEqual({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: 'Server "off" is not available: disabled in the config',
    });
  });
});

describe('getPrompt', () => {
  it('renders a prompt with its arguments', async () => {
    expect(await pool.getPrompt('everything', 'args-prompt', { city: 'Paris', state: 'Texas' })).toEqual({
      ok: true,
      value: { messages: [{ role: 'user', content: { type: 'text', text: "What's weather in Paris, Texas?" } }] },
    });
  });

  it('renders a prompt without arguments', async () => {
    const outcome = await pool.getPrompt('everything', 'simple-prompt');
    expect(outcome).toMatchObject({ ok: true, value: { messages: [{ content: { text: 'This is a simple prompt without arguments.' } }] } });
  });

  it('keeps embedded resources in the messages', async () => {
    const outcome = await pool.getPrompt('everything', 'resource-prompt', { resourceType: 'Text', resourceId: '2' });
    const types = outcome.ok ? outcome.value.messages.map((message) => message.content.type) : [];
    expect(types).toEqual(['text', 'resource']);
  });

  it('names the closest prompts for an unknown prompt', async () => {
    expect(await pool.getPrompt('everything', 'args_promt', {})).toEqual({
      ok: false,
      code: 'UNKNOWN_PROMPT',
      message: 'Unknown prompt everything.args_promt; did you mean args-prompt?',
    });
  });

  it('says when a server has no prompts at all', async () => {
    expect(await pool.getPrompt('memory', 'summary')).toEqual({
      ok: false,
      code: 'UNKNOWN_PROMPT',
      message: 'Unknown prompt memory.summary; memory offers no prompts',
    });
  });

  it('reports invalid arguments as the server words them', async () => {
    expect(await pool.getPrompt('everything', 'args-prompt', {})).toEqual({
      ok: false,
      code: 'TOOL_CALL_FAILED',
      message: expect.stringMatching(/^everything prompt args-prompt failed: MCP error -32602: Invalid arguments for prompt args-prompt/),
    });
  });
});

describe('callToolRaw', () => {
  it('forwards the result unwrapped by nothing', async () => {
    expect(await pool.callToolRaw('everything', 'echo', { message: 'hi' })).toEqual({
      ok: true,
      result: { content: [{ type: 'text', text: 'Echo: hi' }] },
    });
  });

  it('keeps an isError result a result, and routes like callTool', async () => {
    const outcome = await pool.callToolRaw('filesystem', 'read_text_file', { path: '/etc/hostname' });
    expect(outcome).toMatchObject({ ok: true, result: { isError: true, content: [{ type: 'text', text: expect.stringContaining('Access denied') }] } });
    expect(await pool.callToolRaw('filesystem', 'readTextFile', {})).toMatchObject({ ok: false, code: 'UNKNOWN_TOOL' });
  });
});
