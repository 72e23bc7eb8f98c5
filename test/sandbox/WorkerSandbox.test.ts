import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler, ToolCallOutcome } from '../../src/sandbox/Sandbox.ts';

// The sandbox knows nothing of MCP: these tests give it a host callback. Real servers are in test/e2e.
const bindings: ToolBindings = {
  namespaces: {
    Math: { add: { server: 'math', tool: 'add' }, slowAdd: { server: 'math', tool: 'slow_add' } },
    Store: { readTextFile: { server: 'store', tool: 'read_text_file' }, fail: { server: 'store', tool: 'fail' } },
  },
};

const callTool: ToolCallHandler = async (server, tool, args) => {
  const input = args as { a?: number; b?: number; ms?: number };
  if (tool === 'add') return { ok: true, value: (input.a ?? 0) + (input.b ?? 0) };
  if (tool === 'slow_add') {
    await new Promise((resolve) => setTimeout(resolve, input.ms ?? 10));
    return { ok: true, value: (input.a ?? 0) + (input.b ?? 0) };
  }
  if (tool === 'fail') return { ok: false, code: 'TOOL_ERROR', message: 'Access denied - path outside allowed directories' };
  return { ok: true, value: { server, tool, args } };
};

let sandbox: WorkerSandbox;
beforeAll(() => {
  // A wide deadline for the tests that are not about it: a worker boot on a busy machine counts against it.
  sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
});
afterAll(async () => {
  await sandbox.close();
});

const run = (code: string, handler: ToolCallHandler = callTool) => sandbox.execute({ code, bindings }, handler);

/** Runs `code` with a 1.5 s deadline on a worker that is already up: the clock measures the code, not a boot. */
async function runAgainstDeadline(code: string, handler: ToolCallHandler = callTool) {
  expect(await run('return "warm"')).toMatchObject({ success: true });
  return sandbox.execute({ code, bindings, limits: { timeoutMs: 1_500 } }, handler);
}

describe('results', () => {
  it('returns the JSON value of return, with TypeScript types stripped', async () => {
    const result = await run('const x: number = 40;\ninterface P { n: number }\nconst p: P = { n: 2 };\nreturn { sum: x + p.n };');
    expect(result).toMatchObject({ success: true, returnValue: { sum: 42 }, output: '', logs: [], toolCalls: [] });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('leaves returnValue out when nothing is returned', async () => {
    const result = await run('const x = 1;');
    expect(result.success).toBe(true);
    expect('returnValue' in result).toBe(false);
  });

  it('captures every console line in order with its level', async () => {
    const result = await run(
      'console.log("one", 1, { a: [1] }); console.info("two"); console.warn("three"); console.error("four"); console.debug("five");',
    );
    expect(result.logs).toEqual([
      { level: 'log', message: 'one 1 {"a":[1]}' },
      { level: 'info', message: 'two' },
      { level: 'warn', message: 'three' },
      { level: 'error', message: 'four' },
      { level: 'debug', message: 'five' },
    ]);
    expect(result.output).toBe('one 1 {"a":[1]}\ntwo\nthree\nfour\nfive');
  });

  it('calls tools through the host callback and records each call', async () => {
    const result = await run('const a = await mcpTools.Math.add({ a: 1, b: 2 });\nreturn mcpTools.Math.add({ a, b: 10 });');
    expect(result.returnValue).toBe(13);
    expect(result.toolCalls.map(({ server, tool, ok }) => ({ server, tool, ok }))).toEqual([
      { server: 'math', tool: 'add', ok: true },
      { server: 'math', tool: 'add', ok: true },
    ]);
  });

  it('passes arguments as JSON copies', async () => {
    const result = await run('return await mcpTools.Store.readTextFile({ path: "a", when: new Date(0), skip: undefined, f() {} });');
    expect(result.returnValue).toEqual({ server: 'store', tool: 'read_text_file', args: { path: 'a', when: '1970-01-01T00:00:00.000Z' } });
  });

  it('reports a return value that is not JSON', async () => {
    const result = await run('return 10n;');
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^TypeError: The return value is not JSON-serializable/);
  });

  it('cuts console output past the limit with a marker saying how much', async () => {
    const result = await sandbox.execute(
      { code: 'for (let i = 0; i < 100; i++) console.log("line " + i);', bindings, limits: { maxOutputBytes: 100 } },
      callTool,
    );
    expect(result.success).toBe(true);
    expect(result.logs.at(-1)?.message).toMatch(/^\[output truncated: \d+ more line\(s\), \d+ bytes past the 100-byte limit\]$/);
    expect(result.output.length).toBeLessThan(250);
  });
});

describe('errors point at the submitted code', () => {
  it('a throw gives the message and a stack whose first frame is the throwing line', async () => {
    const result = await run('const a: number = 1;\nconst b = a + 1;\nif (b > 1) {\n  throw new Error("boom " + b);\n}');
    expect(result).toMatchObject({ success: false, error: 'Error: boom 2', errorCode: 'RUNTIME_ERROR' });
    expect(result.stack?.split('\n')[0]).toMatch(/code\.ts:4:9\)?$/);
  });

  it('maps frames of nested functions through the source map, types and all', async () => {
    const code = ['type N = number;', 'function inner(n: N): N {', '  return (null as any).x + n;', '}', 'return inner(1);'].join('\n');
    const result = await run(code);
    expect(result.error).toMatch(/^TypeError: Cannot read properties of null/);
    const frames = result.stack?.split('\n') ?? [];
    expect(frames[0]).toMatch(/at inner \(code\.ts:3:\d+\)/);
    expect(frames[1]).toMatch(/code\.ts:5:\d+/);
  });

  it('a syntax error names line and column', async () => {
    const result = await run('const ok = 1;\nconst broken = ;');
    expect(result).toMatchObject({ success: false, errorCode: 'SYNTAX_ERROR' });
    expect(result.error).toBe('SyntaxError: Unexpected ";" (line 2, column 16)');
  });

  it('an unknown tool names the closest tools', async () => {
    const result = await run('return await mcpTools.Store.readTextFiles({ path: "x" });');
    expect(result).toMatchObject({ success: false, errorCode: 'UNKNOWN_TOOL' });
    expect(result.error).toContain('mcpTools.Store.readTextFiles is not a tool. Did you mean readTextFile');
  });

  it('an unknown namespace names the closest namespaces, and a tool used as a namespace says where it lives', async () => {
    const typo = await run('return mcpTools.Stor.readTextFile({ path: "x" });');
    expect(typo.error).toContain('mcpTools.Stor is not a namespace. Did you mean Store?');
    const misplaced = await run('return mcpTools.add({ a: 1 });');
    expect(misplaced.error).toContain('add is a tool of mcpTools.Math');
  });

  it('a tool failure throws a catchable ToolError carrying the server message', async () => {
    const result = await run(`
      try {
        await mcpTools.Store.fail({});
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        return { name: error.name, message: error.message, server: error.server, tool: error.tool, code: error.code };
      }`);
    expect(result.returnValue).toEqual({
      name: 'ToolError',
      message: 'Access denied - path outside allowed directories',
      server: 'store',
      tool: 'fail',
      code: 'TOOL_ERROR',
    });
    expect(result.toolCalls).toEqual([expect.objectContaining({ server: 'store', tool: 'fail', ok: false })]);
  });

  it('an uncaught tool failure fails the execution with the server message', async () => {
    const result = await run('await mcpTools.Store.fail({});');
    expect(result).toMatchObject({ success: false, errorCode: 'TOOL_ERROR', error: 'ToolError: Access denied - path outside allowed directories' });
  });

  it('an error whose message is a megabyte is reported as what it is, not as a return value too large', async () => {
    // The stack's first line holds the message: whole, it made the failure larger than a return value may be.
    const hugeFailure: ToolCallHandler = async () => ({ ok: false, code: 'TOOL_ERROR', message: `denied ${'E'.repeat(1_000_000)}` });
    const cases: [string, ToolCallHandler, string, RegExp][] = [
      ['await mcpTools.Store.fail({});', hugeFailure, 'TOOL_ERROR', /^ToolError: denied E+/],
      ['throw new Error("x".repeat(1_000_000));', callTool, 'RUNTIME_ERROR', /^Error: x+/],
      ['throw "y".repeat(1_000_000);', callTool, 'RUNTIME_ERROR', /^Error: Uncaught y+/],
      ['throw new Error("line\\n".repeat(300_000));', callTool, 'RUNTIME_ERROR', /^Error: line$/],
    ];
    for (const [code, handler, errorCode, error] of cases) {
      const result = await run(code, handler);
      expect(result, code).toMatchObject({ success: false, errorCode });
      expect(result.error, code).toMatch(error);
      expect(result.error!.length, code).toBeLessThanOrEqual(2_100);
      expect(JSON.stringify(result).length, code).toBeLessThan(20_000);
    }
  });

  it('a handler that throws still gives the code a ToolError, not a crash', async () => {
    const throwing: ToolCallHandler = async () => {
      throw new Error('socket closed');
    };
    const result = await run('return await mcpTools.Math.add({ a: 1 });', throwing);
    expect(result.success).toBe(false);
    expect(result.error).toBe('ToolError: math.add failed: socket closed');
  });
});

describe('concurrency', () => {
  it('Promise.all over tool calls keeps them in flight together', async () => {
    let inFlight = 0;
    let peak = 0;
    // Each call is held until all ten are in flight, so the peak does not depend on how fast the
    // machine delivers them; the 10 s release is only a safety net should they never all arrive.
    let allIn!: () => void;
    const allArrived = new Promise<void>((resolve) => (allIn = resolve));
    const safetyNet = setTimeout(() => allIn(), 10_000);
    const counting: ToolCallHandler = async (server, tool, args) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      if (inFlight === 10) allIn();
      await allArrived;
      inFlight -= 1;
      return callTool(server, 'add', args);
    };
    const result = await run('return (await Promise.all(Array.from({ length: 10 }, (_, i) => mcpTools.Math.slowAdd({ a: i, b: 1 })))).reduce((s, n) => s + n, 0);', counting);
    clearTimeout(safetyNet);
    expect(result.returnValue).toBe(55);
    expect(peak).toBe(10);
  });

  it('concurrent executions keep their own globals and answers', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => run(`globalThis.mine = ${i}; await mcpTools.Math.slowAdd({ a: 0, b: 0, ms: 20 }); return globalThis.mine;`)),
    );
    expect(results.map((result) => result.returnValue)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('limits', () => {
  const neverAnswers: ToolCallHandler = () => new Promise<ToolCallOutcome>(() => {});

  it('while(true) ends at the deadline with a timeout error, and the next execution succeeds', async () => {
    const result = await runAgainstDeadline('while (true) {}');
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    expect(result.error).toMatch(/^TimeoutError: Execution exceeded its 1500 ms deadline/);
    expect((await run('return 1')).returnValue).toBe(1);
  });

  it('a loop after an await also ends at the deadline', async () => {
    const result = await runAgainstDeadline('await mcpTools.Math.add({ a: 1 });\nfor (;;) {}');
    expect(result.errorCode).toBe('TIMEOUT');
    expect((await run('return 2')).returnValue).toBe(2);
  });

  it('an await on a tool that never answers ends at the deadline', async () => {
    const result = await runAgainstDeadline('await mcpTools.Math.add({ a: 1 }); return "unreachable";', neverAnswers);
    expect(result.errorCode).toBe('TIMEOUT');
    expect(result.toolCalls).toEqual([]);
    expect((await run('return 3')).returnValue).toBe(3);
  });

  it('a heap bomb ends with a memory-limit error, and the next execution succeeds', async () => {
    const result = await run('const a = []; while (true) a.push("x".repeat(1024) + a.length);');
    expect(result).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
    expect(result.error).toMatch(/^MemoryLimitError: Execution exceeded its 32 MB heap limit/);
    expect((await run('return 4')).returnValue).toBe(4);
  });

  it('a killed worker fails only its execution; the next ones get a new worker', async () => {
    // The kill comes once the execution is inside a tool call: mid-execution, whatever the machine's load.
    let called!: () => void;
    const inToolCall = new Promise<void>((resolve) => (called = resolve));
    const pending = run('await mcpTools.Math.slowAdd({ a: 1, b: 1, ms: 5000 });', (server, tool, args) => {
      called();
      return callTool(server, tool, args);
    });
    await inToolCall;
    const pid = (sandbox as unknown as { workerPid: number | undefined }).workerPid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    const result = await pending;
    expect(result).toMatchObject({ success: false, errorCode: 'SANDBOX_FAILED' });
    expect(result.error).toMatch(/sandbox worker exited/);
    for (let i = 0; i < 3; i++) expect((await run(`return ${i}`)).returnValue).toBe(i);
  });
});
