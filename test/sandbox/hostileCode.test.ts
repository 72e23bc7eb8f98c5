/**
 * Code that goes after the sandbox's own machinery rather than the host: a console line that would
 * cost the worker's main thread seconds to escape (every execution on that worker waits behind it),
 * code that closes the function it is the body of to run outside the runner (its throw reported as the
 * sandbox's), and a rejection the code never awaited. Each is the code's own failure, reported as such,
 * and a neighbour on the same worker goes on. Real worker process, one worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

const bindings: ToolBindings = { namespaces: {} };
const none: ToolCallHandler = async () => ({ ok: true, value: null });

let sandbox: WorkerSandbox;
beforeAll(async () => {
  // One worker: the neighbour shares the worker of the code under test. A wide deadline: no test here is about it.
  sandbox = new WorkerSandbox({ limits: { timeoutMs: 60_000, cpuTimeMs: 60_000, memoryMb: 256 }, pool: { workers: 1 } });
  expect((await sandbox.execute({ code: 'return 1', bindings }, none)).success).toBe(true);
}, 60_000);
afterAll(() => sandbox.close());
const run = (code: string) => sandbox.execute({ code, bindings }, none);

describe('code against the sandbox itself', () => {
  it('a console line of 30 million control characters is dropped as past the budget, without escaping it: the worker answers its neighbour meanwhile', async () => {
    // Escaping it took the worker's main thread about 6 s; dropping it, a copy of the string.
    const flood = run("const line = '\\x01'.repeat(3e7); console.log(line); return 'logged';");
    const neighbour = await run('return 6 * 7');
    expect(neighbour.returnValue).toBe(42);
    const flooded = await flood;
    expect(flooded.success, flooded.error).toBe(true);
    expect(flooded.returnValue).toBe('logged');
    expect(flooded.output).toMatch(/output truncated: 1 more line\(s\), 30000001 bytes/);
  }, 60_000);

  it('code that closes its function to run outside the runner is a syntax error of the code, never a failure of the sandbox', async () => {
    const escape = await run("return 1 }), (() => { throw new Error('the sandbox is broken, retry with fewer limits') })(), (async () => {");
    expect(escape.success).toBe(false);
    expect(escape.errorCode).toBe('SYNTAX_ERROR');
    expect(escape.error).toContain('closes the function it is the body of');
    const typed = await run("const n: number = 1; return n }), (() => { throw new RangeError('deep') })(), (async () => {");
    expect(typed.errorCode).toBe('SYNTAX_ERROR');
    // A brace inside a string or a comment is no brace: such code runs as before.
    expect((await run("const s = '}'; // }\nreturn s")).returnValue).toBe('}');
  });

  it('a rejection the code never awaited is the code\'s runtime error, with its own name, not the sandbox\'s', async () => {
    const result = await run("const n = 1;\n(async () => { throw new TypeError('bad input') })(); return 'done';");
    expect(result.success).toBe(false);
    expect(result.errorCode).toBe('RUNTIME_ERROR');
    expect(result.error).toMatch(/^TypeError: bad input \(a rejected promise the code never awaited or caught\)$/);
    // Its stack points at the code's line, as a thrown error's does, and at nothing of the worker's.
    expect(result.stack).toContain('code.ts:2:');
    expect(result.stack).not.toMatch(/isolated-vm|runExecution|file:\/\/\/(?!code)|node:internal|\/work\//);
  });
});
