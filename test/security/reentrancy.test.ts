import { describe, expect, it } from 'vitest';
import { useSecuritySandbox } from './helpers.ts';

// Tool calls that come back in: a host handler that starts another execution, calls started from code
// the bridge itself runs, floods of concurrent calls, and answers that arrive after the execution ended.
const box = useSecuritySandbox();

/** Code that re-enters the sandbox `depth` times through the host and returns the innermost echo. */
function reentering(depth: number): string {
  if (depth === 0) return 'return await mcpTools.Echo.echo({ innermost: true });';
  return `const inner = await mcpTools.Host.reenter({ code: ${JSON.stringify(reentering(depth - 1))} });\nreturn { depth: ${depth}, inner };`;
}

describe('re-entrancy and call floods', () => {
  it('host-handler-starts-another-execution', async () => {
    const value = await box.value(reentering(1));
    expect(value).toEqual({ depth: 1, inner: { success: true, returnValue: { innermost: true }, errorCode: null } });
    expect(box.calls.map((call) => call.tool)).toEqual(['reenter', 'echo']);
  });

  it('host-handler-re-enters-three-deep', async () => {
    const value = await box.value(reentering(3));
    expect(JSON.stringify(value)).toContain('"innermost":true');
    expect(box.calls.map((call) => call.tool)).toEqual(['reenter', 'reenter', 'reenter', 'echo']);
    await box.expectHealthy();
  });

  it('re-entered-execution-that-fails-leaves-the-outer-running', async () => {
    const value = await box.value(`
      const inner = await mcpTools.Host.reenter({ code: "globalThis.fromInner = 1; throw new ToolError('x', 'y', 'TIMEOUT', 'inner spoof');" });
      return { inner, outerSeesInner: typeof globalThis.fromInner };`);
    expect(value).toEqual({ inner: { success: false, returnValue: null, errorCode: 'RUNTIME_ERROR' }, outerSeesInner: 'undefined' });
  });

  it('promise-all-of-a-thousand-tool-calls-past-maxToolCalls', async () => {
    const result = await box.run(
      `const settled = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => mcpTools.Echo.echo({ i })));
       return {
         fulfilled: settled.filter((s) => s.status === 'fulfilled').length,
         limited: settled.filter((s) => s.status === 'rejected' && s.reason.code === 'TOOL_CALL_LIMIT').length,
       };`,
      { maxToolCalls: 100 },
    );
    expect(result).toMatchObject({ success: true, returnValue: { fulfilled: 100, limited: 900 } });
    expect(box.calls).toHaveLength(100);
    expect(result.toolCalls).toHaveLength(100);
  });

  it('promise-all-of-a-thousand-tool-calls-within-the-limit', async () => {
    const value = (await box.value('return (await Promise.all(Array.from({ length: 1000 }, (_, i) => mcpTools.Echo.echo({ i })))).map((r) => r.i);')) as number[];
    expect(value).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new Set(box.calls.map((call) => (call.args as { i: number }).i)).size).toBe(1000);
  });

  it('tool-call-from-inside-a-toJSON-of-arguments', async () => {
    const value = await box.value(`
      let inner;
      const outer = await mcpTools.Echo.echo({ toJSON() { inner = mcpTools.Echo.echo({ nested: true }); return { outer: true }; } });
      return [outer, await inner];`);
    expect(value).toEqual([{ outer: true }, { nested: true }]);
    expect(box.calls.map((call) => call.args)).toEqual([{ nested: true }, { outer: true }]);
  });

  it('tool-call-started-while-the-return-value-is-serialised', async () => {
    const result = await box.run('return { get x() { mcpTools.Echo.echo({ fromGetter: true }).catch(() => {}); return 1; } };');
    expect(result).toMatchObject({ success: true, returnValue: { x: 1 } });
    await box.expectHealthy();
  });

  it('answers-arriving-after-the-execution-ended', async () => {
    const result = await box.run("mcpTools.Gate.wait({}).then(() => mcpTools.Echo.echo({ late: true }));\nreturn 'ended first';");
    expect(result).toMatchObject({ success: true, returnValue: 'ended first' });
    expect(box.pendingGates()).toBe(1);
    box.openGate();
    // A later execution on the same worker: the continuation of the first never ran.
    await box.expectHealthy();
    expect(box.calls.filter((call) => JSON.stringify(call.args).includes('late'))).toEqual([]);
  });

  it('concurrent-executions-while-one-waits-on-a-tool', async () => {
    const waiting = box.run(`
      globalThis.secret = 's3cret'; Object.prototype.leak = true; Array.prototype.push = null;
      await mcpTools.Gate.wait({});
      return [globalThis.secret, ({}).leak];`);
    for (let i = 0; i < 50 && box.pendingGates() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(box.pendingGates()).toBe(1);
    const neighbour = await box.value('const list = []; list.push(1); return [typeof secret, ({}).leak === undefined, list];');
    expect(neighbour).toEqual(['undefined', true, [1]]);
    box.openGate();
    expect(await waiting).toMatchObject({ success: true, returnValue: ['s3cret', true] });
  });
});
