import { describe, expect, it } from 'vitest';
import { hostSnapshot, useSecuritySandbox } from './helpers.ts';

// The code may rewrite every built-in of its own context. That must change nothing for the bridge
// (what reaches the host, how the result is reported) and nothing for the host process.
const box = useSecuritySandbox();

describe('prototype pollution of the bridged API', () => {
  it('builtins-overridden-before-a-tool-call', async () => {
    const value = await box.value(`
      Array.prototype.map = () => { throw new Error('map'); };
      JSON.stringify = () => '{"forged":true}';
      JSON.parse = () => ({ ok: true, value: 'forged' });
      Promise.prototype.then = function () { throw new Error('then'); };
      Function.prototype.call = Function.prototype.apply = Function.prototype.bind = function () { throw new Error('fn'); };
      Object.keys = () => []; Object.create = () => ({}); Object.freeze = (o) => o;
      Reflect.get = () => 'forged'; Set.prototype.has = () => true;
      globalThis.Promise = class { constructor(executor) { executor(() => {}, () => {}); } };
      return await mcpTools.Echo.echo({ a: 4, list: [1, 2] });`);
    expect(value).toEqual({ a: 4, list: [1, 2] });
    expect(box.calls).toEqual([{ server: 'echo', tool: 'echo', args: { a: 4, list: [1, 2] } }]);
  });

  it('isolated-vm-option-names-on-Object-prototype', async () => {
    const value = await box.value(`
      for (const key of ['arguments', 'result', 'reference', 'externalCopy', 'copy', 'promise', 'timeout', 'release', 'transferList', 'ignored', 'async']) {
        Object.prototype[key] = key === 'timeout' ? 1 : { reference: true, copy: false };
      }
      return await mcpTools.Echo.echo({ a: 5 });`);
    expect(value).toEqual({ a: 5 });
    expect(box.calls).toEqual([{ server: 'echo', tool: 'echo', args: { a: 5 } }]);
  });

  it('Object-prototype-pollution-adds-no-tools', async () => {
    const seen = await box.value(`
      Object.prototype.evil = () => 'evil';
      Object.prototype.echo2 = mcpTools.Echo.echo;
      const names = [];
      for (const key of ['evil', 'echo2', 'hasOwnProperty', '__proto__', 'constructor']) {
        try { names.push(key + ':' + typeof mcpTools.Echo[key]); } catch (error) { names.push(key + ':' + error.name); }
      }
      return [names, Object.keys(mcpTools), Object.keys(mcpTools.Echo)];`);
    expect(seen).toEqual([
      ['evil:UnknownToolError', 'echo2:UnknownToolError', 'hasOwnProperty:UnknownToolError', '__proto__:UnknownToolError', 'constructor:undefined'],
      ['Echo', 'Gate', 'Host'],
      ['echo', 'fail'],
    ]);
    expect(box.calls).toEqual([]);
  });

  it('mcpTools-console-ToolError-redefined-on-globalThis', async () => {
    const attempts = (await box.value(`
      const attempts = [];
      for (const name of ['mcpTools', 'console', 'ToolError']) {
        const original = globalThis[name];
        try { Object.defineProperty(globalThis, name, { value: {} }); attempts.push('defined'); } catch (error) { attempts.push(error.name); }
        attempts.push(Reflect.set(globalThis, name, {}), Reflect.deleteProperty(globalThis, name), globalThis[name] === original);
      }
      return [attempts, await mcpTools.Echo.echo({ still: true })];`)) as [unknown[], unknown];
    expect(attempts).toEqual([
      ['TypeError', false, false, true, 'TypeError', false, false, true, 'TypeError', false, false, true],
      { still: true },
    ]);
  });

  it('setPrototypeOf-on-the-bridge', async () => {
    const attempts = await box.value(`
      const evil = { call: () => 'evil', apply: () => 'evil' };
      const attempts = [Reflect.setPrototypeOf(mcpTools.Echo.echo, evil), Object.isFrozen(mcpTools.Echo.echo)];
      for (const target of [mcpTools, mcpTools.Echo]) {
        try { Object.setPrototypeOf(target, evil); attempts.push('changed'); } catch (error) { attempts.push(error.name); }
        try { target.__proto__ = evil; attempts.push('assigned'); } catch (error) { attempts.push(error.name); }
      }
      attempts.push(await mcpTools.Echo.echo({ after: true }));
      return attempts;`);
    expect(attempts).toEqual([false, true, 'TypeError', 'TypeError', 'TypeError', 'TypeError', { after: true }]);
  });

  it('tool-function-called-with-odd-this', async () => {
    await box.value(`
      const echo = mcpTools.Echo.echo;
      const receivers = [null, undefined, 42, mcpTools, mcpTools.Echo, new Proxy({}, { get() { throw new Error('trap'); } }), globalThis];
      for (const [i, receiver] of receivers.entries()) {
        await echo.call(receiver, { i, via: 'call' });
        await Reflect.apply(echo, receiver, [{ i, via: 'apply' }]);
        await echo.bind(receiver)({ i, via: 'bind' });
      }
      const detached = mcpTools.Echo.fail;
      try { await detached.call(mcpTools.Echo.echo, {}); } catch (error) { return error.code; }`);
    expect(box.calls.filter((call) => call.tool === 'echo')).toHaveLength(21);
    expect(new Set(box.calls.map((call) => `${call.server}.${call.tool}`))).toEqual(new Set(['echo.echo', 'echo.fail']));
    expect(box.calls[20]).toEqual({ server: 'echo', tool: 'echo', args: { i: 6, via: 'bind' } });
  });

  it('console-log-of-hostile-values', async () => {
    const result = await box.run(`
      const circular = { name: 'c' }; circular.self = circular;
      const throwingGetter = { get boom() { throw new Error('getter'); } };
      const hostileProxy = new Proxy({}, { get() { throw new Error('get'); }, ownKeys() { throw new Error('keys'); }, getPrototypeOf() { throw new Error('proto'); } });
      const revoked = Proxy.revocable({}, {}); revoked.revoke();
      const namedBadly = () => 1; Object.defineProperty(namedBadly, 'name', { get() { throw new Error('name'); } });
      const unprintable = { toJSON() { throw new Error('json'); }, toString() { throw new Error('string'); } };
      for (const value of [circular, throwingGetter, hostileProxy, revoked.proxy, namedBadly, unprintable]) console.log('value:', value);
      return 'all logged';`);
    expect(result).toMatchObject({ success: true, returnValue: 'all logged' });
    expect(result.logs).toHaveLength(6);
    for (const line of result.logs) expect(line.message).toMatch(/^value: ./);
  });

  it('console-methods-replaced', async () => {
    const result = await box.run(`
      const original = console.log;
      console.log = () => {};
      try { Object.defineProperty(console, 'log', { value: () => {} }); } catch {}
      try { console = { log() {} }; } catch {}
      console.log('still captured', original === console.log);`);
    expect(result.logs).toEqual([{ level: 'log', message: 'still captured true' }]);
  });

  it('host-globals-untouched-by-in-isolate-pollution', async () => {
    const before = hostSnapshot();
    await box.value(`
      Object.prototype.polluted = true; Object.prototype.toJSON = undefined;
      Array.prototype.map = null; Function.prototype.call = null; Promise.prototype.then = null;
      globalThis.process = { exit() {} }; globalThis.require = () => ({});
      return await mcpTools.Echo.echo({ polluted: ({}).polluted });`);
    expect(hostSnapshot()).toEqual(before);
    expect(box.calls[0]!.args).toEqual({ polluted: true });
  });
});

describe('spoofing the error code the host reports', () => {
  it('errorCode-spoofing-with-a-constructed-ToolError', async () => {
    for (const code of ['TIMEOUT', 'MEMORY_LIMIT', 'CPU_TIME_LIMIT', 'SANDBOX_FAILED']) {
      const result = await box.run(`throw new ToolError('echo', 'echo', '${code}', 'spoofed');`);
      expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'ToolError: spoofed' });
    }
  });

  it('errorCode-spoofing-with-a-ToolError-subclass', async () => {
    const result = await box.run(`
      class TimeoutError extends ToolError { constructor() { super('echo', 'echo', 'TIMEOUT', 'looks like ours'); this.name = 'TimeoutError'; } }
      throw new TimeoutError();`);
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
  });

  it('errorCode-spoofing-with-a-plain-object-on-the-ToolError-prototype', async () => {
    const result = await box.run("throw Object.setPrototypeOf({ message: 'spoofed', code: 'MEMORY_LIMIT' }, ToolError.prototype);");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
  });

  it('errorCode-spoofing-by-relabelling-a-genuine-ToolError', async () => {
    const result = await box.run("try { await mcpTools.Echo.fail({}); } catch (error) { error.code = 'TIMEOUT'; throw error; }");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'ToolError: the tool failed' });
  });

  it('errorCode-spoofing-through-a-forged-tool-outcome', async () => {
    // Hooks on Promise make `await` hand the prelude a forged outcome instead of the host's answer.
    const result = await box.run(`
      const then = Promise.prototype.then;
      Promise.prototype.constructor = function NotPromise() {};
      Promise.prototype.then = function (onFulfilled, onRejected) {
        const forge = (value) => typeof value === 'string' && value.startsWith('{"ok"') ? '{"ok":false,"code":"TIMEOUT","message":"forged"}' : value;
        return then.call(this, (value) => onFulfilled?.(forge(value)), onRejected);
      };
      await mcpTools.Echo.echo({});`);
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
  });

  it('errorCode-spoofing-through-Object-prototype-toJSON', async () => {
    const result = await box.run(`
      Object.prototype.toJSON = function () { return { ok: false, name: 'TimeoutError', message: 'spoofed', code: 'TIMEOUT' }; };
      throw new Error('real');`);
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
  });

  it('errorCode-spoofing-by-making-the-runner-reject', async () => {
    // A toJSON that throws breaks the prelude's own stringify of the failure: still the code's error.
    const result = await box.run("Object.prototype.toJSON = function () { throw new Error('no JSON for you'); };\nthrow new Error('x');");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
  });

  it('malformed-settlement-does-not-crash-the-worker', async () => {
    const pids = box.workerPids();
    const attempts = [
      "globalThis.String = () => ({ not: 'a string' }); throw new Error('x');",
      "Object.prototype.toJSON = function () { return { ok: false, name: 1, message: 5, stack: 7, code: 9 }; }; throw new Error('x');",
      'Object.prototype.toJSON = function () { return null; }; throw new Error("x");',
      'Object.prototype.toJSON = function () { return [1, 2]; }; throw new Error("x");',
    ];
    for (const code of attempts) {
      const result = await box.run(code);
      expect(result, code).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
      expect(typeof result.error).toBe('string');
    }
    expect(box.workerPids()).toEqual(pids);
    await box.expectHealthy();
  });

  it('genuine-bridge-error-codes-are-still-reported', async () => {
    expect(await box.run('await mcpTools.Echo.fail({});')).toMatchObject({ errorCode: 'TOOL_ERROR', error: 'ToolError: the tool failed' });
    expect(await box.run('try { await mcpTools.Echo.fail({}); } catch (error) { throw error; }')).toMatchObject({ errorCode: 'TOOL_ERROR' });
    expect(await box.run('await mcpTools.Echo.nope({});')).toMatchObject({ errorCode: 'UNKNOWN_TOOL' });
    expect(await box.run('for (let i = 0; i < 3; i++) await mcpTools.Echo.echo({ i });', { maxToolCalls: 2 })).toMatchObject({ errorCode: 'TOOL_CALL_LIMIT' });
  });
});
