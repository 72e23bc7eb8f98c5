import { describe, expect, it } from 'vitest';
import { hostPathsIn, useSecuritySandbox } from './helpers.ts';

// Every road to a Function constructor, to eval or to a function's caller must end inside the isolate:
// `this` there is the isolate's global, which has no process, require or bridge.
const box = useSecuritySandbox();

/** Code that, wherever it is evaluated, says which global it sees. */
const probe = "return [typeof process, typeof require, typeof globalThis.__codeGoatCallTool, typeof mcpTools].join(',')";
const isolateAnswer = 'undefined,undefined,undefined,object';

describe('constructor chains, code generation and reflection', () => {
  it('generator-function-constructors', async () => {
    const reached = await box.value(`
      const kinds = [function* () {}, async function* () {}, async () => {}];
      return kinds.map((f) => Object.getPrototypeOf(f).constructor(${JSON.stringify(probe)})().next?.().value ?? 'promise');`);
    // The generator kinds run the body on next(): it still sees only the isolate.
    expect(reached).toEqual([isolateAnswer, 'promise', 'promise']);
    const awaited = await box.value(`
      const f = Object.getPrototypeOf(async function* () {}).constructor(${JSON.stringify(probe)});
      return (await f().next()).value;`);
    expect(awaited).toBe(isolateAnswer);
  });

  it('constructor-chain-from-a-value-the-host-returned', async () => {
    const reached = await box.value(`
      const fromHost = await mcpTools.Echo.echo({ nested: { list: [1] } });
      return [
        fromHost.constructor.constructor(${JSON.stringify(probe)})(),
        fromHost.nested.list.map.constructor(${JSON.stringify(probe)})(),
        Object.getPrototypeOf(fromHost) === Object.prototype,
      ];`);
    // The host's answer arrives as a copy built in the isolate: its prototype is the isolate's Object.prototype.
    expect(reached).toEqual([isolateAnswer, isolateAnswer, true]);
  });

  it('constructor-chain-from-a-tool-error-the-host-caused', async () => {
    const reached = await box.value(`
      try { await mcpTools.Echo.fail({}); } catch (error) {
        return [error.code, error.constructor.constructor(${JSON.stringify(probe)})(), error instanceof ToolError];
      }`);
    expect(reached).toEqual(['TOOL_ERROR', isolateAnswer, true]);
  });

  it('direct-and-indirect-eval-and-new-Function', async () => {
    const reached = await box.value(`
      const direct = eval(${JSON.stringify(`(() => { ${probe} })()`)});
      const indirect = (0, eval)(${JSON.stringify(`(() => { ${probe} })()`)});
      const viaFunction = new Function(${JSON.stringify(probe)})();
      const sloppyThis = Function('return this')();
      return [direct, indirect, viaFunction, sloppyThis === globalThis];`);
    expect(reached).toEqual([isolateAnswer, isolateAnswer, isolateAnswer, true]);
  });

  it('function-caller-of-a-getter-the-prelude-calls', async () => {
    // console.log reads error.stack from the prelude: a sloppy getter asks who called it.
    const caller = await box.value(`
      let seen = 'unset';
      const error = new Error('x');
      Object.defineProperty(error, 'stack', { get: function peek() { seen = peek.caller; return 'stack'; } });
      console.log(error);
      return seen === null ? 'null' : typeof seen;`);
    expect(caller).toBe('null');
  });

  it('arguments-callee-caller-from-a-toJSON-the-bridge-calls', async () => {
    const caller = await box.value(`
      let seen = 'unset';
      await mcpTools.Echo.echo({ toJSON: function () { seen = arguments.callee.caller; return {}; } });
      return seen === null ? 'null' : typeof seen;`);
    expect(caller).toBe('null');
  });

  it('function-toString-of-the-bridge-reveals-no-host-paths', async () => {
    const sources = (await box.value(`
      return [mcpTools.Echo.echo, console.log, ToolError, Object.getPrototypeOf(mcpTools.Echo.echo).constructor]
        .map((f) => Function.prototype.toString.call(f)).join('\\n');`)) as string;
    expect(sources.length).toBeGreaterThan(0);
    expect(hostPathsIn(sources)).toEqual([]);
    expect(sources).not.toMatch(/__codeGoat|isolated-vm|require\(/);
  });

  it('no-bridge-object-reachable-from-the-global-graph', async () => {
    // Walk everything reachable from globalThis (values, accessors, prototypes) without calling getters.
    const [visited, bridgeLike] = (await box.value(`
      const seen = new Set();
      const found = [];
      const queue = [globalThis];
      while (queue.length > 0) {
        const object = queue.pop();
        if (object === null || (typeof object !== 'object' && typeof object !== 'function') || seen.has(object)) continue;
        seen.add(object);
        for (const key of ['applySync', 'applyIgnored', 'derefInto', 'copySync', 'setSync']) if (key in object) found.push(key);
        queue.push(Object.getPrototypeOf(object));
        for (const key of Reflect.ownKeys(object)) {
          const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
          if (descriptor) queue.push(descriptor.value, descriptor.get, descriptor.set);
        }
      }
      return [seen.size, found];`)) as [number, string[]];
    expect(visited).toBeGreaterThan(500);
    expect(bridgeLike).toEqual([]);
  });

  it('import-meta-is-not-a-module', async () => {
    const result = await box.run('return typeof import.meta;');
    // esbuild accepts it, V8 refuses it in a script: a syntax error of the code, not a sandbox failure.
    expect(result).toMatchObject({ success: false, errorCode: 'SYNTAX_ERROR', error: "SyntaxError: Cannot use 'import.meta' outside a module" });
    expect(hostPathsIn(`${result.error} ${result.stack ?? ''}`)).toEqual([]);
    await box.expectHealthy();
  });

  it('dynamic-import-of-a-data-url', async () => {
    const outcome = await box.value(`
      try { await import('data:text/javascript,export default typeof process'); return 'imported'; }
      catch (error) { return 'refused: ' + error.name; }`);
    expect(outcome).toMatch(/^refused: /);
  });
});
