import { describe, expect, it } from 'vitest';
import { useSecuritySandbox } from './helpers.ts';

// Only JSON text crosses the boundary. Proxies, getters, toJSON and thenables run inside the isolate;
// the host receives plain data built by its own JSON.parse, and never calls back into the code.
const box = useSecuritySandbox();

const plainHostObject = (value: unknown) => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

describe('values handed to the host: tool arguments', () => {
  it('proxy-as-tool-arguments', async () => {
    await box.value(`
      const args = new Proxy({ a: 1 }, {
        get: (target, key) => (key === 'a' ? 42 : Reflect.get(target, key)),
        ownKeys: () => ['a', 'b'],
        getOwnPropertyDescriptor: () => ({ value: 'from descriptor', enumerable: true, configurable: true }),
      });
      return await mcpTools.Echo.echo(args);`);
    // The proxy's traps ran inside; what crossed is the JSON they produced.
    expect(box.calls).toEqual([{ server: 'echo', tool: 'echo', args: { a: 42 } }]);
    expect(JSON.stringify(box.calls[0]!.args)).toBe('{"a":42}');
    expect(plainHostObject(box.calls[0]!.args)).toBe(true);
  });

  it('getter-on-tool-arguments-that-throws', async () => {
    const result = await box.run("return await mcpTools.Echo.echo({ get secret() { throw new Error('getter refused'); } });");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'Error: getter refused' });
    expect(box.calls).toEqual([]);
  });

  it('getter-on-tool-arguments-evaluated-once-inside', async () => {
    const reads = await box.value(`
      let reads = 0;
      await mcpTools.Echo.echo({ get n() { reads += 1; return typeof process; } });
      return reads;`);
    expect(reads).toBe(1);
    expect(box.calls.map((call) => call.args)).toEqual([{ n: 'undefined' }]);
  });

  it('toJSON-on-tool-arguments-runs-inside', async () => {
    await box.value("return await mcpTools.Echo.echo({ a: 1, toJSON() { return { replaced: typeof process, keys: Object.keys(this) }; } });");
    expect(box.calls.map((call) => call.args)).toEqual([{ replaced: 'undefined', keys: ['a', 'toJSON'] }]);
  });

  it('symbol-keyed-tool-arguments-are-dropped', async () => {
    await box.value("return await mcpTools.Echo.echo({ a: 1, [Symbol('hidden')]: 2, [Symbol.for('registered')]: 3, [Symbol.toPrimitive]: () => 4 });");
    expect(box.calls.map((call) => call.args)).toEqual([{ a: 1 }]);
    expect(Object.getOwnPropertySymbols(box.calls[0]!.args)).toEqual([]);
  });

  it('non-object-tool-arguments-are-refused-before-the-host', async () => {
    const refused = await box.value(`
      const attempts = ['text', [1, 2], 7, null, true, 10n, () => 1, Symbol('s'), new String('{"a":1}'), { toJSON: () => '{"a":1}' }];
      const outcomes = [];
      for (const args of attempts) {
        try { await mcpTools.Echo.echo(args); outcomes.push('sent'); } catch (error) { outcomes.push(error.name); }
      }
      return outcomes;`);
    expect(refused).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError']);
    expect(box.calls).toEqual([]);
  });

  it('proto-keys-in-tool-arguments-do-not-pollute-the-host', async () => {
    await box.value(`return await mcpTools.Echo.echo(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'));`);
    const args = box.calls[0]!.args as Record<string, unknown>;
    // The host's JSON.parse keeps "__proto__" as an own key; no prototype anywhere changed.
    expect(Object.keys(args)).toEqual(['__proto__', 'constructor']);
    expect(plainHostObject(args)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('values handed to the host: return values', () => {
  it('returned-thenable-is-resolved-inside', async () => {
    expect(await box.value("return { then(resolve) { resolve({ fromThen: typeof process }); } };")).toEqual({ fromThen: 'undefined' });
  });

  it('returned-thenable-that-never-settles', async () => {
    const result = await box.runAgainstDeadline('return { then() {} };');
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await box.expectHealthy();
  });

  it('returned-proxy-whose-ownKeys-throws', async () => {
    const result = await box.run("return new Proxy({}, { ownKeys() { throw new Error('no keys for you'); } });");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'TypeError: The return value is not JSON-serializable: no keys for you' });
  });

  it('returned-getter-that-loops-forever', async () => {
    const result = await box.runAgainstDeadline('return { get forever() { for (;;) {} } };');
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await box.expectHealthy();
  });

  it('returned-toJSON-sees-only-the-isolate', async () => {
    const value = await box.value('return { toJSON() { return { process: typeof process, self: this === globalThis, hasBridge: Object.getOwnPropertyNames(globalThis).some((k) => k.startsWith("__codeGoat")) }; } };');
    expect(value).toEqual({ process: 'undefined', self: false, hasBridge: false });
  });

  it('returned-symbol-keys-are-dropped', async () => {
    expect(await box.value("return { a: 1, [Symbol('s')]: 2, [Symbol.iterator]: function* () {} };")).toEqual({ a: 1 });
  });

  it('returned-proto-keys-do-not-pollute-the-host', async () => {
    const value = (await box.value(`return JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');`)) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(plainHostObject(value)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returned-circular-structure', async () => {
    const result = await box.run('const a = { name: "a" }; a.self = a; return a;');
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
    expect(result.error).toMatch(/^TypeError: The return value is not JSON-serializable: Converting circular structure/);
  });

  it('proto-keys-in-tool-results-do-not-pollute-the-isolate', async () => {
    const seen = await box.value(`
      const fromHost = await mcpTools.Echo.echo(JSON.parse('{"__proto__": {"polluted": true}}'));
      return [Object.keys(fromHost), ({}).polluted === undefined, Object.getPrototypeOf(fromHost) === Object.prototype];`);
    expect(seen).toEqual([['__proto__'], true, true]);
  });
});
