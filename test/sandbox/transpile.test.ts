/**
 * How submitted code becomes the isolate's script (src/sandbox/worker/transpile.ts): types stripped in
 * this process with positions kept, esbuild for what stripping refuses, one cache keyed by content.
 * The positions are checked through real executions too: a stack must name the line and column the
 * model wrote, whichever way the code went.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { transpile } from '../../src/sandbox/worker/transpile.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings } from '../../src/sandbox/Sandbox.ts';

const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
afterAll(() => sandbox.close());
const bindings: ToolBindings = { namespaces: {} };
const run = (code: string) => sandbox.execute({ code, bindings }, async () => ({ ok: true, value: null }));

describe('types stripped in process', () => {
  it('blanks the types and keeps every line and column where it was, with no source map', async () => {
    const code = 'const total: number = 40 + 2;\nconst label = `n=${total}` as string;\nreturn label satisfies string;';
    const result = await transpile(code);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.sourceMap).toBeUndefined();
    const lines = result.script.split('\n');
    // Line 1 is the wrapper's; then the code's lines, each the same length, each token in its column.
    expect(lines.slice(1, 4).map((line) => line.length)).toEqual(code.split('\n').map((line) => line.length));
    expect(lines[1]).toBe('const total         = 40 + 2;');
    expect(lines[2]!.indexOf('`n=')).toBe(code.split('\n')[1]!.indexOf('`n='));
  });

  it('a throw in typed code points at the exact line and column written', async () => {
    const result = await run('const items: string[] = ["a"];\nconst n: number = items.length;\n   throw new RangeError(`n is ${n}`);');
    expect(result).toMatchObject({ success: false, error: 'RangeError: n is 1' });
    expect(result.stack?.split('\n')[0]).toMatch(/code\.ts:3:10\)?$/);
  });
});

describe('esbuild for what stripping refuses', () => {
  it('compiles an enum (TypeScript that is not just types), and runs it', async () => {
    const code = 'enum Color { Red = "red", Blue = "blue" }\nconst twice = (n: number): number => n * 2;\nreturn `${Color.Blue}:${twice(21)}`;';
    const compiled = await transpile(code);
    expect(compiled.ok && compiled.sourceMap !== undefined).toBe(true);
    expect(await run(code)).toMatchObject({ success: true, returnValue: 'blue:42' });
  });

  it('maps a throw in compiled code back through the source map to the line written', async () => {
    const result = await run('enum Level { Low, High }\nconst level: Level = Level.High;\nif (level === Level.High) {\n  throw new Error("too high");\n}');
    expect(result).toMatchObject({ success: false, error: 'Error: too high' });
    expect(result.stack?.split('\n')[0]).toMatch(/code\.ts:4:9\)?$/);
  });

  it('a parameter property (a class field made from a constructor argument) works', async () => {
    expect(await run('class Box { constructor(public value: number) {} }\nreturn new Box(7).value;')).toMatchObject({ success: true, returnValue: 7 });
  });

  it('code that does not parse is worded by esbuild, with its line and column', async () => {
    const result = await transpile('const fine: number = 1;\nconst broken = ;');
    expect(result).toEqual({ ok: false, message: 'Unexpected ";"', line: 2, column: 16 });
  });
});

describe('the cache', () => {
  it('gives the same code the same script, and different code (one character apart) its own', async () => {
    const first = await transpile('const a: number = 1; return a;');
    expect(await transpile('const a: number = 1; return a;')).toBe(first);
    const other = await transpile('const a: number = 2; return a;');
    expect(other).not.toBe(first);
    expect(other.ok && other.script.includes('= 2;')).toBe(true);
  });

  it('keeps the 256 most recently used codes: the 257th new one pushes out the least recent', async () => {
    const first = await transpile('return "kept while recent";');
    const oldest = await transpile('return "oldest";');
    for (let i = 0; i < 254; i += 1) await transpile(`return ${i};`);
    expect(await transpile('return "kept while recent";')).toBe(first); // used again: now the most recent
    await transpile('return "one more";');
    expect(await transpile('return "kept while recent";')).toBe(first);
    const again = await transpile('return "oldest";');
    expect(again).not.toBe(oldest);
    expect(again).toEqual(oldest);
  });

  it('holds at most some four million characters: large codes push out the oldest before the count is reached', async () => {
    const large = (n: number) => `const text: string = "${String(n).repeat(900_000)}";\nreturn text.length;`;
    const first = await transpile(large(1));
    expect(await transpile(large(1))).toBe(first);
    for (let n = 2; n <= 3; n += 1) await transpile(large(n)); // about 5.4 million characters with their scripts
    expect(await transpile(large(1))).not.toBe(first);
  });
});
