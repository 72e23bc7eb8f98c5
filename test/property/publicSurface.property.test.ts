import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeGoatError, createCodeMode, parseConfig, parseConfigText, type CodeMode } from '../../src/index.ts';
import { executionResultSchema } from '../../src/codeMode/executeCodeTool.ts';
import { officialServer } from '../fixtures/servers.ts';
import { Ajv } from 'ajv';

// Random input at the public surface: every case gets a result or a clear error; nothing crashes or hangs.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let codeMode: CodeMode;
const validateResult = new Ajv({ strict: false }).compile(executionResultSchema);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  codeMode = await createCodeMode({
    mcpServers: { everything: officialServer('everything') },
    codeMode: { timeout: 2_000, memoryMb: 32, cpuTimeMs: 1_000 },
  });
});

afterAll(async () => {
  await codeMode?.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** Fragments that make code of every kind: valid, broken, throwing, looping, calling tools badly. */
const codeFragment = fc.oneof(
  fc.constantFrom(
    'return 1;',
    'throw new Error("x");',
    'const a = ',
    '}',
    'await mcpTools.Everything.echo({ message: "m" });',
    'await mcpTools.Everything.echo(42 as any);',
    'await mcpTools.Everything.getSum({ a: "one", b: null } as any);',
    'await mcpTools.Nowhere.tool({});',
    'console.log(globalThis);',
    'return undefined as any;',
    'return Symbol("s") as any;',
    'return { toJSON() { throw new Error("nope") } };',
    'for (let i = 0; i < 1e9; i++) {}',
    'await new Promise(() => {});',
    'return [1, 2, 3].map((n: number) => n * 2);',
    'let x: string = 5 as any;',
    'import("fs");',
    '/*',
    '`${',
  ),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => `return ${JSON.stringify(value)};`),
);

describe('the public surface under random input', () => {
  it('executeCode: random code always yields a valid ExecutionResult, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(codeFragment, { minLength: 1, maxLength: 4 }), async (fragments) => {
        const result = await codeMode.executeCode(fragments.join('\n'));
        expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
        if (!result.success) {
          expect(result.error).toMatch(/^\w+: /);
          expect(result.error).not.toContain('\n');
          expect(typeof result.errorCode).toBe('string');
        }
      }),
      { numRuns: 40 },
    );
  });

  it('tool calls: random JSON arguments give a result or a clear error naming the tool', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (args) => {
        const result = await codeMode.executeCode(`return await mcpTools.Everything.echo(${JSON.stringify(args)} as any);`);
        expect(validateResult(result)).toBe(true);
        if (result.success) expect(String(result.returnValue)).toMatch(/^Echo: /);
        else expect(result.error).toMatch(/echo|argument|object/i);
      }),
      { numRuns: 40 },
    );
  });

  it('parseConfig: random objects give a Config or a CONFIG_INVALID error, nothing else', () => {
    const serverLike = fc.record(
      {
        command: fc.oneof(fc.string(), fc.integer()),
        args: fc.oneof(fc.array(fc.string()), fc.string()),
        url: fc.oneof(fc.webUrl(), fc.string()),
        env: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
        codeMode: fc.oneof(fc.boolean(), fc.string()),
        transport: fc.constantFrom('http', 'sse', 'carrier-pigeon'),
      },
      { requiredKeys: [] },
    );
    const configLike = fc.oneof(
      fc.record({ mcpServers: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), serverLike) }, { requiredKeys: [] }),
      fc.record({ servers: fc.array(fc.record({ name: fc.string(), command: fc.string() }, { requiredKeys: [] })) }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(configLike, (input) => {
        try {
          const config = parseConfig(input);
          expect(typeof config.mcpServers).toBe('object');
        } catch (error) {
          expect(error).toBeInstanceOf(CodeGoatError);
          expect((error as CodeGoatError).code).toBe('CONFIG_INVALID');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parseConfigText: random text gives a Config or a CONFIG_INVALID error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseConfigText(text, { source: 'random.json', env: {} });
        } catch (error) {
          expect(error).toBeInstanceOf(CodeGoatError);
          expect((error as CodeGoatError).code).toBe('CONFIG_INVALID');
        }
      }),
      { numRuns: 300 },
    );
  });
});
