import { describe, expect, it } from 'vitest';
import { hostPathsIn, useSecuritySandbox } from './helpers.ts';

// Stacks are built inside the isolate and rewritten by the worker: V8's stack hooks must show nothing of
// the host, and a stack the code forges must not make the worker that rewrites it stall or crash.
const box = useSecuritySandbox();

describe('Error.prepareStackTrace and stack tricks', () => {
  it('prepare-stack-trace-call-sites-through-the-bridge', async () => {
    // Call sites of frames inside the prelude and the bridge: file names only, no function or receiver.
    const frames = (await box.value(`
      Error.prepareStackTrace = (_error, sites) => sites.map((site) => ({
        file: site.getFileName() ?? null,
        fn: typeof site.getFunction(),
        self: typeof site.getThis(),
        prelude: site.getFileName() === 'code-goat:prelude',
      }));
      const stacks = [];
      try { mcpTools.Echo.nope; } catch (error) { stacks.push(error.stack); }
      try { await mcpTools.Echo.echo({ toJSON() { throw new Error('inside stringify'); } }); } catch (error) { stacks.push(error.stack); }
      try { await mcpTools.Echo.fail({}); } catch (error) { stacks.push(error.stack); }
      return stacks.flat();`)) as { file: string | null; fn: string; self: string; prelude: boolean }[];
    expect(frames.some((frame) => frame.prelude)).toBe(true);
    for (const frame of frames) expect([null, 'file:///code.ts', 'code-goat:prelude']).toContain(frame.file);
    for (const frame of frames.filter((f) => f.prelude)) expect([frame.fn, frame.self]).toEqual(['undefined', 'undefined']);
  });

  it('prepare-stack-trace-returning-a-non-string', async () => {
    const result = await box.run("Error.prepareStackTrace = () => ({ forged: true, stack: 42 }); throw new Error('plain');");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'Error: plain' });
    expect(result.stack).toBeUndefined();
    await box.expectHealthy();
  });

  it('stack-paths-inside-the-isolate-are-not-host-paths', async () => {
    const stacks = (await box.value(`
      const stacks = [new Error('here').stack];
      try { null.x; } catch (error) { stacks.push(error.stack); }
      try { mcpTools.Nope; } catch (error) { stacks.push(error.stack); }
      try { await mcpTools.Echo.fail({}); } catch (error) { stacks.push(error.stack); }
      try { JSON.parse('{'); } catch (error) { stacks.push(error.stack); }
      return stacks.join('\\n');`)) as string;
    expect(stacks).toContain('file:///code.ts');
    expect(hostPathsIn(stacks)).toEqual([]);
  });

  it('stack-paths-in-the-result-are-not-host-paths', async () => {
    for (const code of ['null.x;', 'await mcpTools.Echo.fail({});', 'mcpTools.Echo.nope();', '[].reduce((a, b) => a);', 'new Array(-1);']) {
      const result = await box.run(code);
      expect(result.success).toBe(false);
      expect(hostPathsIn(`${result.error}\n${result.stack ?? ''}`)).toEqual([]);
      for (const frame of result.stack?.split('\n') ?? []) expect(frame).toMatch(/^ {4}at .*(code\.ts:\d+:\d+|<anonymous>|native)\)?$/);
    }
  });

  it('deep-recursion-is-a-clean-RangeError', async () => {
    const caught = await box.value(`
      function dive(n) { return dive(n + 1) + 1; }
      try { dive(0); } catch (error) { return [error.name, error.message]; }`);
    expect(caught).toEqual(['RangeError', 'Maximum call stack size exceeded']);
    const uncaught = await box.run('function dive(n: number): number {\n  return dive(n + 1) + 1;\n}\nreturn dive(0);');
    expect(uncaught).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'RangeError: Maximum call stack size exceeded' });
    expect(uncaught.stack?.split('\n')[0]).toMatch(/at dive \(code\.ts:2:\d+\)/);
    await box.expectHealthy();
  });

  it('stack-trace-limit-infinity-on-deep-recursion', async () => {
    const result = await box.run('Error.stackTraceLimit = Infinity;\nfunction dive(n) { return dive(n + 1) + 1; }\ndive(0);');
    expect(result).toMatchObject({ success: false, error: 'RangeError: Maximum call stack size exceeded' });
    // Thousands of frames in the isolate; the result keeps a readable head of them.
    expect(result.stack?.split('\n').length).toBeLessThanOrEqual(100);
  });

  it('forged-stack-with-catastrophic-backtracking', async () => {
    // The worker rewrites stack frames with a regular expression: one huge frame-like line must not stall it.
    const pids = box.workerPids();
    const result = await box.run("const error = new Error('forged'); error.stack = '    at ' + 'a'.repeat(200_000); throw error;");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'Error: forged' });
    expect(box.workerPids()).toEqual(pids);
    await box.expectHealthy();
  });

  it('forged-stack-of-thirty-thousand-frames', async () => {
    const pids = box.workerPids();
    const result = await box.run("const error = new Error('many'); error.stack = 'Error: many\\n' + '    at f (elsewhere.js:1:1)\\n'.repeat(30_000); throw error;");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'Error: many' });
    expect(result.stack?.split('\n').length).toBeLessThanOrEqual(100);
    expect(box.workerPids()).toEqual(pids);
  });

  it('error-with-a-huge-message', async () => {
    const result = await box.run("throw new Error('m'.repeat(2_000_000));");
    expect(result.success).toBe(false);
    expect(result.error!.length).toBeLessThan(1_000);
    await box.expectHealthy();
  });
});
