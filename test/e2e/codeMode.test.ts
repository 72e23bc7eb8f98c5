import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeMode, type CodeMode } from '../../src/index.ts';
import { faultServer, officialServer, allowWrites } from '../fixtures/servers.ts';
import { compileDiagnostics } from '../modelApi/compileTypeScript.ts';

// createCodeMode against the real official servers over stdio, plus the fault-injection server.
let workspace: string;
let codeMode: CodeMode;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'code-goat-e2e-'));
  codeMode = await createCodeMode({
    mcpServers: {
      everything: officialServer('everything'),
      filesystem: officialServer('filesystem', { root: workspace }),
      memory: officialServer('memory', { memoryFile: join(workspace, 'memory.jsonl') }),
      fault: faultServer(),
    },
    // A wide deadline: a worker boot on a busy machine counts against it. The deadline test sets its own.
    codeMode: { timeout: 30_000, memoryMb: 32, toolTimeout: 20_000 },
    policy: allowWrites,
  });
});

afterAll(async () => {
  await codeMode?.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('the generated API', () => {
  it('lists every server as a namespace', () => {
    expect(Object.keys(codeMode.runtimeApi.namespaces)).toEqual(['Everything', 'Filesystem', 'Memory', 'Fault']);
    expect(codeMode.runtimeApi.namespaces['Filesystem']?.['readTextFile']).toEqual({ server: 'filesystem', tool: 'read_text_file' });
  });

  it('typeDefinitions compile under strict with zero diagnostics', () => {
    expect(compileDiagnostics({ 'api.d.ts': codeMode.typeDefinitions })).toEqual([]);
  });

  it('a correct usage compiles cleanly against it', () => {
    const usage = `async function main() {
      const file = await mcpTools.Filesystem.readTextFile({ path: 'notes.txt', head: 3 });
      const text: string = file.content;
      const graph = await mcpTools.Memory.searchNodes({ query: text });
      const names: string[] = graph.entities.map((entity) => entity.name);
      await mcpTools.Everything.echo({ message: names.join(',') });
      return mcpTools.Everything.getSum({ a: 1, b: 2 });
    }`;
    expect(compileDiagnostics({ 'api.d.ts': codeMode.typeDefinitions, 'usage.ts': usage })).toEqual([]);
  });

  it('a wrong argument name and a wrong type are caught by the compiler', () => {
    const usage = `async function main() {
      await mcpTools.Filesystem.readTextFile({ pth: 'notes.txt' });
      await mcpTools.Everything.getSum({ a: '1', b: 2 });
    }`;
    const diagnostics = compileDiagnostics({ 'api.d.ts': codeMode.typeDefinitions, 'usage.ts': usage });
    const inUsage = diagnostics.filter((d) => d.file === 'usage.ts');
    expect(inUsage.map((d) => d.line)).toEqual([2, 3]);
    expect(inUsage[0]?.message).toMatch(/'pth' does not exist/);
    expect(inUsage[1]?.message).toMatch(/Type 'string' is not assignable to type 'number'/);
  });

  it('the execute_code tool schema carries the API', () => {
    const schema = codeMode.getExecuteCodeToolSchema();
    expect(schema.name).toBe('execute_code');
    expect(schema.description).toContain('function readTextFile(');
    expect(schema.inputSchema).toMatchObject({ type: 'object', required: ['code'] });
  });
});

describe('one execution across three servers', () => {
  it('writes and reads a file, creates and searches entities, sums with Promise.all, and reports every step', async () => {
    const path = join(workspace, 'hello.txt');
    const result = await codeMode.executeCode(`
      await mcpTools.Filesystem.writeFile({ path: ${JSON.stringify(path)}, content: 'hello from code mode' });
      console.log('written');
      const back = await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(path)} });
      console.info('read', back.content.length, 'chars');
      await mcpTools.Memory.createEntities({ entities: [
        { name: 'Ada', entityType: 'person', observations: ['writes programs'] },
        { name: 'Grace', entityType: 'person', observations: ['finds bugs'] },
      ] });
      const found = await mcpTools.Memory.searchNodes({ query: 'bugs' });
      console.warn('found', found.entities.length);
      const sums = await Promise.all([[1, 2], [3, 4], [5, 6]].map(([a, b]) => mcpTools.Everything.getSum({ a, b })));
      const total = sums.map((text) => Number(/is (\\d+)/.exec(String(text))![1])).reduce((x, y) => x + y, 0);
      console.error('total', total);
      return { content: back.content, found: found.entities.map((e) => e.name), total };
    `);
    expect(result.error).toBeUndefined();
    expect(result.success).toBe(true);
    expect(result.returnValue).toEqual({ content: 'hello from code mode', found: ['Grace'], total: 21 });
    expect(readFileSync(path, 'utf8')).toBe('hello from code mode');
    expect(result.logs).toEqual([
      { level: 'log', message: 'written' },
      { level: 'info', message: 'read 20 chars' },
      { level: 'warn', message: 'found 1' },
      { level: 'error', message: 'total 21' },
    ]);
    expect(result.output).toBe('written\nread 20 chars\nfound 1\ntotal 21');
    expect(result.toolCalls.map(({ server, tool, ok }) => `${server}.${tool}:${ok}`)).toEqual([
      'filesystem.write_file:true',
      'filesystem.read_text_file:true',
      'memory.create_entities:true',
      'memory.search_nodes:true',
      'everything.get-sum:true',
      'everything.get-sum:true',
      'everything.get-sum:true',
    ]);
    for (const call of result.toolCalls) expect(call.durationMs).toBeGreaterThan(0);
  });
});

describe('errors from real servers', () => {
  it('a tool result with isError throws a catchable ToolError with the server message', async () => {
    const result = await codeMode.executeCode(`
      try {
        await mcpTools.Filesystem.readTextFile({ path: '/etc/passwd' });
        return 'read it';
      } catch (error) {
        if (error instanceof ToolError) return { server: error.server, tool: error.tool, message: error.message };
        throw error;
      }`);
    expect(result.success).toBe(true);
    const caught = result.returnValue as { server: string; tool: string; message: string };
    expect(caught).toMatchObject({ server: 'filesystem', tool: 'read_text_file' });
    expect(caught.message).toMatch(/Access denied - path outside allowed directories/);
    expect(result.toolCalls).toEqual([expect.objectContaining({ server: 'filesystem', tool: 'read_text_file', ok: false })]);
  });

  it('an unknown tool names the closest tools', async () => {
    const result = await codeMode.executeCode('return await mcpTools.Filesystem.readFil({ path: "x" });');
    expect(result).toMatchObject({ success: false, errorCode: 'UNKNOWN_TOOL' });
    expect(result.error).toMatch(/mcpTools\.Filesystem\.readFil is not a tool\. Did you mean readFile/);
  });

  it('typeCheck on-error (the default): a failed execution carries the type diagnostics at the submitted line; a succeeding one none', async () => {
    const failed = await codeMode.executeCode('const note = "x";\nreturn await mcpTools.Everything.echo({ mesage: note });');
    expect(failed).toMatchObject({ success: false, errorCode: 'INVALID_ARGUMENTS' });
    expect(failed.diagnostics).toEqual([expect.objectContaining({ line: 2, code: 2561, message: expect.stringContaining("'mesage'") })]);
    // A type error (TS2322) that runs fine: on-error does not check a succeeding execution.
    const succeeded = await codeMode.executeCode('let n: number = 1;\nn = "one";\nreturn typeof n;');
    expect(succeeded).toMatchObject({ success: true });
    expect(succeeded).not.toHaveProperty('diagnostics');
  });

  it('a throw points at the submitted line', async () => {
    const result = await codeMode.executeCode('const echoed = await mcpTools.Everything.echo({ message: "x" });\nthrow new RangeError("bad " + echoed);');
    expect(result).toMatchObject({ success: false, error: 'RangeError: bad Echo: x' });
    expect(result.stack?.split('\n')[0]).toMatch(/code\.ts:2:7/);
  });

  it('an await on a tool that never answers ends at the deadline, and the next execution succeeds', async () => {
    // The 3 s clock starts on a warm worker: it measures the hang, not a worker boot.
    expect(await codeMode.executeCode('return "warm"')).toMatchObject({ success: true });
    const result = await codeMode.executeCode('await mcpTools.Fault.hang({}); return "unreachable";', { timeoutMs: 3_000 });
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    const next = await codeMode.executeCode('return await mcpTools.Everything.echo({ message: "after" });');
    expect(next.returnValue).toBe('Echo: after');
  });

  it('a heap bomb ends with a memory-limit error, and the next execution succeeds', async () => {
    const result = await codeMode.executeCode('const hoard = []; for (;;) hoard.push(new Array(10_000).fill(hoard.length));');
    expect(result).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
    const next = await codeMode.executeCode('return await mcpTools.Everything.echo({ message: "alive" });');
    expect(next.returnValue).toBe('Echo: alive');
  });
});

describe('concurrency against a real server', () => {
  it('ten slow calls in one Promise.all are in flight together', async () => {
    const result = await codeMode.executeCode(`
      const before = await mcpTools.Fault.stats({});
      await Promise.all(Array.from({ length: 10 }, (_, i) => mcpTools.Fault.slow({ ms: 1_000, label: 'call ' + i })));
      const after = await mcpTools.Fault.stats({});
      return { before: before.peakInFlight, after: after.peakInFlight, calls: after.totalCalls - before.totalCalls };
    `);
    expect(result.error).toBeUndefined();
    expect(result.returnValue).toMatchObject({ before: 0, after: 10, calls: 10 });
  });
});
