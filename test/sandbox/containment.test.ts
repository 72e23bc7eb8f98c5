import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

// What the submitted code must not reach. Each case returns what it found; containment means nothing.
const bindings: ToolBindings = { namespaces: { Echo: { echo: { server: 'echo', tool: 'echo' } } } };
const echo: ToolCallHandler = async (_server, _tool, args) => ({ ok: true, value: args });

let sandbox: WorkerSandbox;
beforeAll(() => {
  // No test here is about the deadline: a wide one, so that a worker boot on a busy machine fits in it.
  sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
});
afterAll(async () => {
  await sandbox.close();
});
const run = (code: string) => sandbox.execute({ code, bindings }, echo);

describe('no host APIs inside the isolate', () => {
  it.each([
    ['process', 'return typeof process'],
    ['require', 'return typeof require'],
    ['fetch', 'return typeof fetch'],
    ['setTimeout', 'return typeof setTimeout'],
    ['Buffer', 'return typeof Buffer'],
    ['module', 'return typeof module'],
    ['globalThis.process', 'return typeof globalThis.process'],
  ])('%s is undefined', async (_name, code) => {
    expect((await run(code)).returnValue).toBe('undefined');
  });

  it('dynamic import reaches nothing', async () => {
    const result = await run('try { await import("node:fs"); return "imported"; } catch (e) { return "blocked: " + e.message; }');
    expect(result.returnValue).toMatch(/^blocked/);
  });

  it('the global object holds only JavaScript built-ins and our three names', async () => {
    const result = await run('return Object.getOwnPropertyNames(globalThis).filter((k) => !/^[A-Z]/.test(k) || ["ToolError"].includes(k));');
    const names = result.returnValue as string[];
    expect(names).toEqual(expect.arrayContaining(['mcpTools', 'console', 'ToolError']));
    expect(names.filter((name) => /process|require|__codeGoat|fetch|Buffer/.test(name))).toEqual([]);
  });

  it.each([
    ['this.constructor.constructor', 'return this.constructor.constructor("return typeof process")()'],
    ['Function from a tool function', 'return mcpTools.Echo.echo.constructor("return typeof process")()'],
    ['AsyncFunction constructor', 'return await (async () => {}).constructor("return typeof process")()'],
    ['console method constructor', 'return console.log.constructor("return typeof require")()'],
    ['ToolError constructor chain', 'return ToolError.constructor("return typeof process")()'],
    ['error thrown by the bridge', 'try { mcpTools.Nope.x } catch (e) { return e.constructor.constructor("return typeof process")() }'],
  ])('%s reaches only the isolate', async (_name, code) => {
    expect((await run(code)).returnValue).toBe('undefined');
  });

  it('the bridge globals are gone before user code runs', async () => {
    const result = await run('return Object.getOwnPropertyNames(globalThis).filter((k) => k.startsWith("__codeGoat"))');
    expect(result.returnValue).toEqual([]);
  });

  it('mcpTools cannot be replaced or extended', async () => {
    const result = await run(`
      const attempts = [];
      try { mcpTools.Echo.echo = () => "pwned"; } catch (e) { attempts.push("assign:" + e.constructor.name); }
      try { mcpTools.Evil = {}; } catch (e) { attempts.push("add:" + e.constructor.name); }
      try { globalThis.mcpTools = {}; } catch (e) { attempts.push("global:" + e.constructor.name); }
      return { attempts, still: await mcpTools.Echo.echo({ v: 1 }) };`);
    expect(result.returnValue).toEqual({ attempts: ['assign:TypeError', 'add:TypeError'], still: { v: 1 } });
  });

  it('executions do not see each other', async () => {
    await run('globalThis.leak = "secret"; Object.prototype.polluted = true;');
    const result = await run('return [typeof leak, ({}).polluted === true]');
    expect(result.returnValue).toEqual(['undefined', false]);
  });
});
