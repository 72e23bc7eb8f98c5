/**
 * Random tool schemas (objects, arrays, unions, descriptions with comment ends and newlines, repeated
 * sub-shapes that get shared, odd keys) always give declarations that compile under strict, each tool
 * alone too. One seeded sample, one compile of the whole: cheap, and the same every run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogTool, JsonSchema } from '../../src/catalog/ToolCatalog.ts';
import { assignNames } from '../../src/modelApi/names/names.ts';
import { generateToolDeclaration, generateTypeDefinitions } from '../../src/modelApi/typeDefinitions.ts';
import { compileDiagnostics } from '../modelApi/compileTypeScript.ts';

const description = fc.constantFrom(undefined, 'A value', 'Ends */ early', 'Two\nlines', 'Para one.\n\nPara two.', 'Like **/*.ts');
const key = fc.constantFrom('id', 'name', 'items', 'entities', 'promise', '2fa', 'with space', '__proto__', 'default', 'then', 'status', 'series');
const leaf: fc.Arbitrary<JsonSchema> = fc.oneof(
  fc.record({ type: fc.constantFrom('string', 'number', 'integer', 'boolean', 'null') }),
  fc.record({ enum: fc.array(fc.constantFrom('a', 'b"c', "it's", 1, null), { minLength: 1, maxLength: 3 }) }),
  fc.constant({}),
);
const { schema } = fc.letrec<{ schema: JsonSchema }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constant('array'), items: tie('schema') }),
    fc.record({ anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ oneOf: fc.tuple(tie('schema'), fc.record({ type: fc.constant('null') })) }),
    fc.record({
      type: fc.constant('object'),
      properties: fc.dictionary(key, tie('schema'), { maxKeys: 4 }),
      required: fc.array(key, { maxLength: 2 }),
    }),
  ).chain((node) => description.map((text) => (text === undefined || typeof node !== 'object' ? node : { ...node, description: text }))),
}));
// The same sub-schema in several places, so shapes are shared across tools.
const shared = fc.sample(schema, { numRuns: 3, seed: 7 });
const inputSchema = fc.record({
  type: fc.constant('object'),
  properties: fc.dictionary(key, fc.oneof(schema, fc.constantFrom(...shared)), { maxKeys: 5 }),
  required: fc.array(key, { maxLength: 2 }),
});

describe('random schemas', () => {
  const tools = fc.sample(fc.tuple(inputSchema, fc.option(inputSchema, { nil: undefined })), { numRuns: 40, seed: 42 })
    .map(([input, output], index): CatalogTool => ({
      server: index % 2 === 0 ? 'alpha' : 'beta',
      name: `tool_${index}`,
      description: index % 3 === 0 ? 'Does */ things.\nReally.' : 'Does things.',
      inputSchema: input,
      ...(output !== undefined && { outputSchema: output }),
    }));
  const named = assignNames(tools);

  it('the whole API and every tool alone compile with zero diagnostics', () => {
    const files: Record<string, string> = { 'api.d.ts': generateTypeDefinitions(named) };
    // Each tool alone in its own namespace file would redeclare: check them as separate programs, together in one pass.
    expect(compileDiagnostics(files)).toEqual([]);
    const alone = named.namespaces.flatMap((namespace) => namespace.tools.map((tool) => generateToolDeclaration(named, namespace.name, tool.method)));
    const wrapped = alone.map((text, index) => `declare module "tool${index}" {\n${text.replace('declare namespace', 'namespace')}\n}`).join('\n');
    expect(compileDiagnostics({ 'alone.d.ts': wrapped })).toEqual([]);
  });
});
