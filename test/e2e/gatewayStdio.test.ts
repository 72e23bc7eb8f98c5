/**
 * The CLI over stdio, as Claude Desktop runs it: `node src/cli.ts --config <file>` (what `npm start`
 * runs; the built `dist/cli.js` is test/package.test.ts's) spawned by the SDK client, against the real
 * official servers (memory kept out of code mode).
 */
import { spawn } from 'node:child_process';
import { stdioDefaults } from '../../src/config/defaults.ts';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Closer,
  connectStdioCli,
  executeCode,
  executionResultValidator,
  firstText,
  jsonLogLines,
  makeWorkspace,
  officialServers,
  processTree,
  waitUntilGone,
  writeConfigFile,
  type StdioCli,
} from './gatewayHelpers.ts';
import { cliNodeArgs } from './cliHelpers.ts';
import { allowWrites } from '../fixtures/servers.ts';

const closer = new Closer();
let workspace: string;
let configFile: string;
let cli: StdioCli;
let validate: (value: unknown) => string | undefined;

beforeAll(async () => {
  workspace = makeWorkspace(closer, 'stdio');
  const servers = officialServers(workspace);
  configFile = writeConfigFile(workspace, {
    mcpServers: { ...servers, memory: { ...servers['memory']!, codeMode: false } },
    policy: allowWrites,
    codeMode: { timeout: 30_000, memoryMb: 64 },
  });
  cli = await connectStdioCli(closer, configFile);
  validate = await executionResultValidator(cli.client);
});

afterAll(() => closer.closeAll());

describe('tools/list over stdio', () => {
  it('shows execute_code, search_tools and the tools of the codeMode:false server as <server>__<tool>', async () => {
    const names = (await cli.client.listTools()).tools.map((tool) => tool.name);
    expect(names.slice(0, 2)).toEqual(['execute_code', 'search_tools']);
    expect(names).toEqual(expect.arrayContaining(['memory__create_entities', 'memory__search_nodes', 'memory__read_graph']));
    // The code-mode servers are reached through code only.
    expect(names.filter((name) => name.startsWith('filesystem__') || name.startsWith('everything__'))).toEqual([]);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  it('describes the code-mode servers in execute_code, and not the passthrough one', async () => {
    const { tools } = await cli.client.listTools();
    const description = tools.find((tool) => tool.name === 'execute_code')?.description ?? '';
    expect(description).toContain('namespace mcpTools.Filesystem');
    expect(description).toContain('namespace mcpTools.Everything');
    expect(description).not.toContain('namespace mcpTools.Memory');
  });
});

describe('execute_code over stdio', () => {
  it('runs code that calls two servers; structuredContent validates against the declared outputSchema', async () => {
    const file = path.join(workspace, 'stdio.txt');
    const answer = await executeCode(
      cli.client,
      `await mcpTools.Filesystem.writeFile({ path: ${JSON.stringify(file)}, content: 'written over stdio' });
       const back = await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(file)} });
       const echoed = await mcpTools.Everything.echo({ message: back.content });
       console.log('echoed', echoed);
       return { echoed };`,
    );
    expect(validate(answer.structured)).toBeUndefined();
    expect(answer.isError).toBe(false);
    expect(answer.structured).toMatchObject({ success: true, returnValue: { echoed: 'Echo: written over stdio' }, output: 'echoed Echo: written over stdio' });
    expect(answer.structured.toolCalls.map((call) => `${call.server}.${call.tool}`)).toEqual([
      'filesystem.write_file',
      'filesystem.read_text_file',
      'everything.echo',
    ]);
    expect(answer.text).toMatch(/^Succeeded in \d+ ms with 3 tool calls\./);
    expect(answer.text).toContain('"echoed": "Echo: written over stdio"');
    expect(readFileSync(file, 'utf8')).toBe('written over stdio');
  });

  it('a failing execution is isError with success:false, and still validates', async () => {
    const answer = await executeCode(cli.client, `await mcpTools.Everything.echo({ message: 'before' });\nthrow new TypeError('no luck');`);
    expect(validate(answer.structured)).toBeUndefined();
    expect(answer.isError).toBe(true);
    expect(answer.structured).toMatchObject({ success: false, error: 'TypeError: no luck' });
    expect(answer.text).toMatch(/^Failed in \d+ ms with 1 tool call\./);
    expect(answer.text).toContain('Error: TypeError: no luck');
    expect(answer.text).toMatch(/Stack:\n.*code\.ts:2/);
  });

  it('with a progressToken, each inner call sends a progress notification over stdio, all before the response', async () => {
    const seen: number[] = [];
    const from = cli.received.length;
    const result = await cli.client.callTool(
      { name: 'execute_code', arguments: { code: 'for (const message of ["a", "b", "c"]) await mcpTools.Everything.echo({ message });\nreturn "done";' } },
      { onprogress: (update) => void seen.push(update.progress) },
    );
    expect(result.isError).toBeFalsy();
    // What the gateway sent, in order: the three notifications, then the response. (The SDK client
    // may drop the last one when it arrives in the same read as the response, so `seen` is a prefix.)
    const wire = cli.received.slice(from);
    const response = wire.findIndex((message) => 'id' in message && 'result' in message);
    const token = (wire[response] as { id: number }).id;
    const progress = wire.flatMap((message, index) =>
      'method' in message && message.method === 'notifications/progress' && (message.params as { progressToken: unknown }).progressToken === token
        ? [{ index, progress: (message.params as { progress: number }).progress }]
        : [],
    );
    expect(progress.map((update) => update.progress)).toEqual([1, 2, 3]);
    expect(progress.every((update) => update.index < response)).toBe(true);
    expect([1, 2, 3].slice(0, seen.length)).toEqual(seen);
  });
});

describe('passthrough over stdio', () => {
  it('calls memory__create_entities and reads the graph back with memory__search_nodes', async () => {
    const created = await cli.client.callTool({
      name: 'memory__create_entities',
      arguments: { entities: [{ name: 'Stdio', entityType: 'transport', observations: ['speaks JSON-RPC on stdout'] }] },
    });
    expect(created.isError).toBeFalsy();
    const found = await cli.client.callTool({ name: 'memory__search_nodes', arguments: { query: 'JSON-RPC' } });
    expect(JSON.parse(firstText(found))).toMatchObject({ entities: [{ name: 'Stdio', entityType: 'transport' }] });
  });
});

describe('logs on stderr only', () => {
  it('stdout carried nothing the client could not parse, and stderr has the JSON log lines', async () => {
    expect(cli.transportErrors).toEqual([]);
    const logs = jsonLogLines(cli.stderr());
    expect(logs).toContainEqual(expect.objectContaining({ level: 'info', message: 'config loaded', source: configFile, servers: ['everything', 'filesystem', 'memory'] }));
    expect(logs).toContainEqual(expect.objectContaining({ level: 'info', message: 'servers started', failed: [] }));
  });

  it('every byte on stdout is a JSON-RPC message, from start to exit', async () => {
    // A raw pipe, no SDK in between: a stray log line on stdout would show up here as is.
    const child = spawn(process.execPath, [...cliNodeArgs, '--config', configFile], {
      cwd: workspace,
      env: { ...process.env, CODE_GOAT_LOG: 'debug' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    let tree = [child.pid!];
    const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
    const answered = (id: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (stdout.split('\n').some((line) => line.includes(`"id":${id}`))) {
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    try {
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      await answered(1);
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'execute_code', arguments: { code: 'console.log("to the result, not stdout"); return 1' } } });
      await answered(2);
      tree = processTree(child.pid!); // the gateway, its servers and its sandbox workers, while they run
      child.stdin.end();
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await waitUntilGone(tree);
    }
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(tree.length).toBeGreaterThan(1);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    const executed = lines.map((line) => JSON.parse(line) as { id?: number; result?: { structuredContent?: unknown } }).find((message) => message.id === 2);
    expect(executed?.result?.structuredContent).toMatchObject({ success: true, returnValue: 1, output: 'to the result, not stdout' });
    expect(stdout).not.toContain('"message":"config loaded"');
    expect(jsonLogLines(stderr).map((log) => log.message)).toEqual(expect.arrayContaining(['config loaded', 'servers started']));
  });

  it('a request larger than a stdio line may be is answered with an error, and the session goes on', async () => {
    // Before, the SDK's read buffer closed the transport on it, and the gateway exited.
    const bare = writeConfigFile(workspace, { mcpServers: {} }, 'bare.json');
    const child = spawn(process.execPath, [...cliNodeArgs, '--config', bare], { cwd: workspace, env: { ...process.env, CODE_GOAT_LOG: 'warn' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    const answers = () => stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { id?: number; result?: unknown; error?: { code: number; message: string } });
    const gone = exited.then(([code]) => {
      throw new Error(`the gateway exited (code ${String(code)}) before answering`);
    });
    gone.catch(() => {});
    const answered = async (id: number) => {
      while (!answers().some((answer) => answer.id === id)) await Promise.race([once(child.stdout, 'data'), gone]);
    };
    const write = (text: string) => new Promise<void>((resolve) => (child.stdin.write(text) ? resolve() : child.stdin.once('drain', resolve)));
    const big = 'x'.repeat(11 * 1024 * 1024);
    try {
      await write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`);
      await answered(1);
      await write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      // The id first (as most clients write it), then last (as the TypeScript SDK does).
      await write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'execute_code', arguments: { code: big } } })}\n`);
      await write(`${JSON.stringify({ method: 'tools/call', params: { name: 'execute_code', arguments: { code: big } }, jsonrpc: '2.0', id: 3 })}\n`);
      await write(`${JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'execute_code', arguments: { code: 'return 4' } } })}\n`);
      await answered(4);
      const byId = new Map(answers().map((answer) => [answer.id, answer]));
      for (const id of [2, 3]) {
        expect(byId.get(id)?.error).toEqual({ code: -32600, message: expect.stringMatching(/^The request is larger than 10485760 bytes, the most a stdio message may be; it was not read\./) });
      }
      expect(byId.get(4)?.result).toMatchObject({ structuredContent: { success: true, returnValue: 4 } });
      child.stdin.end();
      expect((await exited)[0]).toBe(0);
      expect(jsonLogLines(stderr).filter((log) => log.message === 'a stdio request was larger than a line may be; it was dropped')).toHaveLength(2);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('a line it cannot read as a message is answered as JSON-RPC says (not JSON, a batch, an id of the wrong kind, a bad member), and the session goes on', async () => {
    // The SDK dropped such a line, and a client waited for an answer that never came.
    const { child, exited, answers } = spawnBareGateway('bare-unreadable.json');
    const answeredAll = async (count: number) => {
      while (answers().length < count) await once(child.stdout, 'data');
    };
    try {
      const lines = [
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
        JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
        'this is not JSON',
        JSON.stringify([{ jsonrpc: '2.0', id: 2, method: 'ping' }]),
        '{"jsonrpc":"2.0","id":1.5,"method":"ping"}',
        JSON.stringify({ jsonrpc: '1.0', id: 'old', method: 'ping' }),
        // A notification the SDK refuses waits for no answer, and gets none.
        JSON.stringify({ jsonrpc: '1.0', method: 'notifications/whatever' }),
        JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }),
      ];
      child.stdin.write(`${lines.join('\n')}\n`);
      await answeredAll(6);
      // In the order they were read, but an error needs no handler: it may go out before the initialize's answer.
      const all = answers();
      expect(all.find((answer) => answer.id === 1)?.result).toBeDefined();
      expect(all.filter((answer) => answer.id === null).map((answer) => answer.error)).toEqual([
        { code: -32700, message: expect.stringContaining('not JSON') },
        { code: -32600, message: expect.stringContaining('batches are not supported') },
        { code: -32600, message: expect.stringContaining('id must be a string or a whole number') },
      ]);
      expect(all.find((answer) => answer.id === 'old')).toMatchObject({ error: { code: -32600 } });
      expect(all.find((answer) => answer.id === 3)).toMatchObject({ result: {} });
      child.stdin.end();
      expect((await exited)[0]).toBe(0);
      expect(answers()).toHaveLength(6);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('a flood of lines that are no message is answered within a bound, and the gateway stays up and answers the next request', async () => {
    // Each of half a million such lines a megabyte was answered in one turn, and the gateway ran out of memory.
    const { child, exited, answers } = spawnBareGateway('bare-flood.json');
    const write = (text: string) => new Promise<void>((resolve) => (child.stdin.write(text) ? resolve() : child.stdin.once('drain', resolve)));
    try {
      const flood = 'x\n'.repeat(512 * 1024);
      const started = performance.now();
      for (let block = 0; block < 6; block++) await write(flood);
      await write(`${JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'ping' })}\n`);
      while (!answers().some((answer) => answer.id === 'after')) await once(child.stdout, 'data');
      const parseErrors = answers().filter((answer) => answer.error?.code === -32700).length;
      expect(parseErrors).toBeGreaterThan(0);
      // At most stdioDefaults' hundred a second, whatever the flood.
      const seconds = Math.ceil((performance.now() - started) / 1_000) + 1;
      expect(parseErrors).toBeLessThanOrEqual(stdioDefaults.unreadableLineAnswersPerSecond * seconds);
      expect(child.exitCode).toBeNull();
      child.stdin.end();
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});

/** The gateway with no servers over stdio, spoken to raw: its answers as they came, and its exit. */
function spawnBareGateway(configName: string) {
  const bare = writeConfigFile(workspace, { mcpServers: {} }, configName);
  const child = spawn(process.execPath, [...cliNodeArgs, '--config', bare], { cwd: workspace, env: { ...process.env, CODE_GOAT_LOG: 'warn' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.resume();
  const exited = once(child, 'exit');
  const answers = () => stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { id?: unknown; result?: unknown; error?: { code: number; message: string } });
  return { child, exited, answers };
}
