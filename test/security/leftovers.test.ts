import { afterAll, describe, expect, it } from 'vitest';
import { useSecuritySandbox } from './helpers.ts';

// What one execution leaves behind must not reach the next one, even on the same worker: changed
// built-ins, error hooks, callbacks V8 runs later, and memory kept alive after the execution ended.
// One worker, so every execution here runs in the same process as the one before it.
const box = useSecuritySandbox({ workers: 1 });
afterAll(() => box.openGate());

describe('leftovers between executions', () => {
  it('globals-and-builtins-do-not-reach-the-next-execution', async () => {
    await box.value(`
      globalThis.leak = 'secret'; var declared = 'secret';
      Object.prototype.polluted = true;
      Array.prototype.map = () => 'hijacked';
      JSON.stringify = () => '"hijacked"';
      Promise.prototype.then = function () { throw new Error('hijacked'); };
      Function.prototype.toString = () => 'hijacked';
      Math.random = () => 4;
      return 'polluted';`);
    const seen = await box.value(`
      return [typeof leak, typeof declared, ({}).polluted, [1].map((n) => n + 1), JSON.stringify([1]),
        await Promise.resolve(7).then((n) => n), (() => 1).toString(), Math.random() < 1];`);
    expect(seen).toEqual(['undefined', 'undefined', null, [2], '[1]', 7, '() => 1', true]);
  });

  it('error-hooks-do-not-reach-the-next-execution', async () => {
    await box.value("Error.prepareStackTrace = () => 'hijacked'; Error.stackTraceLimit = 0; Error.captureStackTrace = () => {}; return 1;");
    const result = await box.run('function named() {\n  throw new Error("plain");\n}\nnamed();');
    expect(result).toMatchObject({ success: false, error: 'Error: plain' });
    expect(result.stack?.split('\n')[0]).toMatch(/at named \(code\.ts:2:\d+\)/);
  });

  it('finalization-registry-callback-after-the-execution-ended', async () => {
    // V8 runs cleanup callbacks as a task after some later garbage collection, unwatched: not offered.
    const first = await box.run(`
      const registry = new FinalizationRegistry(() => { for (;;) {} });
      for (let i = 0; i < 100_000; i++) registry.register({ i }, i);
      return 'registered';`);
    expect(first).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'ReferenceError: FinalizationRegistry is not defined' });
    expect(await box.value("return [typeof FinalizationRegistry, 'FinalizationRegistry' in globalThis, typeof WeakRef];")).toEqual(['undefined', false, 'function']);
    const next = await box.run(`
      for (let round = 0; round < 4; round++) { let garbage = []; for (let i = 0; i < 200_000; i++) garbage.push({ i }); garbage = null; }
      await mcpTools.Echo.echo({});
      return 'next ran';`);
    expect(next).toMatchObject({ success: true, returnValue: 'next ran' });
    await box.expectHealthy();
  });

  it('an endless microtask chain left running at return does not reach the next execution', async () => {
    const first = await box.runAgainstDeadline(`
      globalThis.spin = 0;
      (async () => { for (;;) { globalThis.spin++; await null; } })();
      return 'left spinning';`);
    // The chain never lets the isolate settle the result: the deadline stops it, with the isolate.
    expect(first).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    const next = await box.run('return [typeof spin, 1 + 1];');
    expect(next).toMatchObject({ success: true, returnValue: ['undefined', 2] });
    await box.expectHealthy();
  });

  it('memory-kept-alive-by-a-pending-continuation', async () => {
    // The first keeps a large graph reachable from a tool call that has not answered when it ends.
    const first = await box.run(`
      const kept = [];
      for (let i = 0; i < 250_000; i++) kept.push({ i, s: 'k' + i });
      mcpTools.Gate.wait({}).then(() => kept.length);
      return 'holding';`);
    expect(first).toMatchObject({ success: true, returnValue: 'holding' });
    const next = await box.run(`
      let a = []; for (let i = 0; i < 300_000; i++) a.push({});
      a = null;
      let b = []; for (let i = 0; i < 300_000; i++) b.push({});
      return 'fits';`);
    expect(next).toMatchObject({ success: true, returnValue: 'fits' });
  });

  it('unawaited-work-does-not-run-in-the-next-execution', async () => {
    const first = await box.run(`
      globalThis.ticks = 0;
      (async () => { for (;;) { await mcpTools.Echo.echo({ tick: ++globalThis.ticks }); } })();
      return 'started';`);
    expect(first).toMatchObject({ success: true, returnValue: 'started' });
    const next = await box.run("return [typeof ticks, await mcpTools.Echo.echo({ next: true })];");
    expect(next).toMatchObject({ success: true, returnValue: ['undefined', { next: true }] });
    const ticksSeen = box.calls.filter((call) => JSON.stringify(call.args).includes('tick')).length;
    await box.expectHealthy();
    // The loop stopped when its execution ended: no tick arrived while the later executions ran.
    expect(box.calls.filter((call) => JSON.stringify(call.args).includes('tick')).length).toBe(ticksSeen);
  });
});
