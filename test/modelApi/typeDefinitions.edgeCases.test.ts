/**
 * Schemas and names the official servers do not use but others do: each tool's declaration is shown
 * exactly, and all of them together compile with zero diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { assignNames } from '../../src/modelApi/names/names.ts';
import { reservedMethodNames } from '../../src/modelApi/names/reservedMethodNames.ts';
import { generateToolDeclaration, generateTypeDefinitions } from '../../src/modelApi/typeDefinitions.ts';
import type { CatalogTool, JsonSchema } from '../../src/catalog/ToolCatalog.ts';
import { compileDiagnostics } from './compileTypeScript.ts';

function edgeTool(name: string, inputSchema: JsonSchema, extra: Partial<CatalogTool> = {}): CatalogTool {
  return { server: 'edge', name, inputSchema, ...extra };
}

const treeNode: JsonSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
  required: ['name'],
};

const edgeCatalog: CatalogTool[] = [
  edgeTool('walk_tree', {
    type: 'object', properties: { root: { $ref: '#/$defs/Node' } }, required: ['root'], $defs: { Node: treeNode },
  }, { outputSchema: { type: 'object', properties: { deepest: { $ref: '#/$defs/Node' } }, $defs: { Node: treeNode } } }),
  edgeTool('defs_and_definitions', {
    type: 'object',
    properties: { owner: { $ref: '#/$defs/Person' }, status: { $ref: '#/definitions/Status' } },
    $defs: { Person: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    definitions: { Status: { enum: ['open', 'closed'] } },
  }),
  edgeTool('combinators', {
    type: 'object',
    properties: {
      id: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      shape: { oneOf: [
        { type: 'object', properties: { kind: { const: 'circle' }, radius: { type: 'number' } }, required: ['kind', 'radius'] },
        { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'] },
      ] },
      tagged: { allOf: [
        { type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'] },
        { type: 'object', properties: { note: { type: 'string' } } },
      ] },
    },
    required: ['id', 'shape'],
  }),
  edgeTool('tuple', {
    type: 'object',
    properties: {
      point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false, minItems: 2 },
      range: { type: 'array', items: [{ type: 'string' }, { type: 'string' }], additionalItems: false, minItems: 1 },
    },
    required: ['point'],
  }),
  edgeTool('nullable', {
    type: 'object',
    properties: { cursor: { type: 'string', nullable: true }, limit: { type: ['integer', 'null'] } },
    required: ['cursor'],
  }),
  edgeTool('quoted_keys', {
    type: 'object',
    properties: { 'content-type': { type: 'string' }, '2fa': { type: 'boolean' }, 'display name': { type: 'string' } },
    required: ['content-type'],
    additionalProperties: { type: 'string' },
  }),
  edgeTool('quoted_enum', {
    type: 'object', properties: { mode: { enum: ['it\'s', 'say "hi"', 'a\\b'] } }, required: ['mode'],
  }),
  edgeTool('comment_end', {
    type: 'object', properties: { glob: { type: 'string', description: 'Like **/*.ts; */ ends nothing here' } },
  }, { description: 'Searches with globs such as src/**/*.ts */ and more.' }),
  // What zod and pydantic emit: a nullable field's description inside its anyOf branch, and items that are
  // a oneOf of described variants.
  edgeTool('described_branches', {
    type: 'object',
    properties: {
      cursor: { anyOf: [{ type: 'string', description: 'Where the previous page ended' }, { type: 'null' }], default: null },
      changes: {
        type: 'array',
        description: 'Applied in order',
        items: {
          oneOf: [
            { type: 'object', description: 'Create a file', properties: { create: { type: 'string' }, content: { type: 'string' } }, required: ['create'] },
            { type: 'object', description: 'Delete a file', properties: { delete: { type: 'string' } }, required: ['delete'] },
          ],
        },
      },
    },
    required: ['changes'],
  }, { outputSchema: { type: 'object', properties: { next: { anyOf: [{ type: 'string', description: 'Pass as cursor for more' }, { type: 'null' }] } } } }),
  edgeTool('linked_list', {
    type: 'object', properties: { value: { type: 'number' }, next: { $ref: '#' } }, required: ['value'],
  }),
];

describe('edge-case schemas', () => {
  const named = assignNames(edgeCatalog);
  const api = generateTypeDefinitions(named);
  const declaration = (method: string) => generateToolDeclaration(named, 'Edge', method);

  it('all of them together compile with zero diagnostics', () => {
    expect(compileDiagnostics({ 'api.d.ts': api })).toEqual([]);
  });

  it.each(named.namespaces.flatMap((namespace) => namespace.tools.map((tool) => tool.method)))('%s compiles alone', (method) => {
    expect(compileDiagnostics({ 'tool.d.ts': declaration(method) })).toEqual([]);
  });

  it('recursive $ref: a tree node with children, in input and output', () => {
    expect(declaration('walkTree')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        interface WalkTreeInput_Node { name: string; children?: WalkTreeInput_Node[] }
        interface WalkTreeOutput_Node { name: string; children?: WalkTreeOutput_Node[] }
        function walkTree(args: { root: WalkTreeInput_Node }): Promise<{ deepest?: WalkTreeOutput_Node }>;
      }
      "
    `);
  });

  it('$defs and definitions', () => {
    expect(declaration('defsAndDefinitions')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        interface DefsAndDefinitionsInput_Person { name: string }
        type DefsAndDefinitionsInput_Status = "open" | "closed";
        function defsAndDefinitions(args?: { owner?: DefsAndDefinitionsInput_Person; status?: DefsAndDefinitionsInput_Status }): Promise<unknown>;
      }
      "
    `);
  });

  it('anyOf, oneOf, allOf', () => {
    expect(declaration('combinators')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        function combinators(args: { id: string | number; shape: { kind: "circle"; radius: number } | { kind: "square"; side: number }; tagged?: { tag: string } & { note?: string } }): Promise<unknown>;
      }
      "
    `);
  });

  it('tuples', () => {
    expect(declaration('tuple')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        function tuple(args: { /** @minItems 2 */ point: [number, number]; /** @minItems 1 */ range?: [string, string?] }): Promise<unknown>;
      }
      "
    `);
  });

  it('descriptions in anyOf branches and in items.oneOf reach the model', () => {
    expect(declaration('describedBranches')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        function describedBranches(args: { /** Where the previous page ended @default null */ cursor?: string | null; /** Applied in order */ changes: (/** Create a file */ { create: string; content?: string } | /** Delete a file */ { delete: string })[] }): Promise<{ /** Pass as cursor for more */ next?: string | null }>;
      }
      "
    `);
  });

  it('nullable', () => {
    expect(declaration('nullable')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        function nullable(args: { cursor: string | null; limit?: number | null }): Promise<unknown>;
      }
      "
    `);
  });

  it('quoted keys with an index signature', () => {
    expect(declaration('quotedKeys')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        function quotedKeys(args: { "content-type": string; "2fa"?: boolean; "display name"?: string; [key: string]: unknown }): Promise<unknown>;
      }
      "
    `);
  });

  it('enum values with quotes', () => {
    expect(declaration('quotedEnum')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        function quotedEnum(args: { mode: "it's" | "say \\"hi\\"" | "a\\\\b" }): Promise<unknown>;
      }
      "
    `);
  });

  it('descriptions containing a comment end', () => {
    expect(declaration('commentEnd')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        /** Searches with globs such as src/**\\/*.ts *\\/ and more. */
        function commentEnd(args?: { /** Like **\\/*.ts; *\\/ ends nothing here */ glob?: string }): Promise<unknown>;
      }
      "
    `);
  });

  it('$ref "#": the input type refers to itself', () => {
    expect(declaration('linkedList')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Edge {
        interface LinkedListInput { value: number; next?: LinkedListInput }
        function linkedList(args: LinkedListInput): Promise<unknown>;
      }
      "
    `);
  });

  it('the recursive types are usable, and checked, in code', () => {
    const usage = `async function main() {
  const result = await mcpTools.Edge.walkTree({ root: { name: 'a', children: [{ name: 'b', children: [] }] } });
  const name: string | undefined = result.deepest?.children?.[0]?.name;
  await mcpTools.Edge.linkedList({ value: 1, next: { value: 2 } });
  await mcpTools.Edge.combinators({ id: 7, shape: { kind: 'circle', radius: 1 } });
  await mcpTools.Edge.tuple({ point: [1, 2] });
  await mcpTools.Edge.walkTree({ root: { name: 'a', children: [{ children: [] }] } });
  return name;
}
`;
    const diagnostics = compileDiagnostics({ 'api.d.ts': api, 'usage.ts': usage });
    expect(diagnostics.map(({ code, line }) => ({ code, line }))).toEqual([{ code: 2741, line: 7 }]);
    expect(diagnostics[0]?.message).toContain("Property 'name' is missing");
  });
});

describe('names that need care', () => {
  it('every reserved method name compiles once renamed, and is callable', () => {
    const named = assignNames(reservedMethodNames.map((name) => edgeTool(name, { type: 'object' })));
    const methods = named.namespaces.flatMap((namespace) => namespace.tools.map((tool) => tool.method));
    const usage = `async function main() {\n${methods.map((method) => `  await mcpTools.Edge.${method}();`).join('\n')}\n}\n`;
    expect(compileDiagnostics({ 'api.d.ts': generateTypeDefinitions(named), 'usage.ts': usage })).toEqual([]);
  });

  it('namespaces named after globals shadow nothing: a namespace is not a type, so Promise<…> still resolves', () => {
    const globals = ['Promise', 'Object', 'Array', 'Error', 'ToolError', 'Function', 'Symbol', 'Record', 'Date'];
    const catalog = globals.map((server): CatalogTool => ({
      server,
      name: 'get',
      inputSchema: { type: 'object', properties: { list: { type: 'array', items: { type: 'string' } } }, required: ['list'] },
      outputSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    }));
    const named = assignNames(catalog);
    expect(named.namespaces.map((namespace) => namespace.name)).toEqual(globals);
    const usage = `async function main() {
  const ok: boolean = (await mcpTools.Promise.get({ list: [] })).ok;
  try { await mcpTools.Error.get({ list: ['a'] }); } catch (error) { if (error instanceof ToolError) return error.tool; }
  return [ok, await Promise.all([1]), Object.keys({}), Array.from('ab'), new Error('x')];
}
`;
    expect(compileDiagnostics({ 'api.d.ts': generateTypeDefinitions(named), 'usage.ts': usage })).toEqual([]);
  });

  it('type names that would collide get _2 (a definition named like another tool\'s input)', () => {
    // `aInput` and `a_input` become aInput and aInput_2, whose input type name (what its own definitions
    // would be prefixed with) is AInput_2Input — exactly the name tool `a` wants for its definition "2Input".
    const named = assignNames([
      edgeTool('a', { type: 'object', properties: { x: { $ref: '#/$defs/2Input' } }, $defs: { '2Input': { type: 'string' } } }),
      edgeTool('aInput', { type: 'object', properties: { y: { type: 'number' } } }),
      edgeTool('a_input', { type: 'object', properties: { z: { type: 'boolean' } } }),
    ]);
    const api = generateTypeDefinitions(named);
    expect(compileDiagnostics({ 'api.d.ts': api })).toEqual([]);
    expect(api.match(/(?:interface|type) \w+/g)).toEqual(['type AInput_2Input_2']);
  });

  it('a description of megabytes is cut to 10,000 characters in its comment, which says how much was left out', () => {
    const huge = `${'Reads it. '.repeat(1_500)}${'x'.repeat(1_000_000)}`;
    const emoji = `${'a'.repeat(9_999)}\u{1F600}${'b'.repeat(20)}`;
    const named = assignNames([
      edgeTool('flood', { type: 'object', properties: { text: { type: 'string', description: huge } } }, { description: huge }),
      edgeTool('long_but_real', { type: 'object', properties: {} }, { description: 'Explains at length. '.repeat(450) }),
      edgeTool('emoji_at_the_cut', { type: 'object', properties: {} }, { description: emoji }),
    ]);
    const api = generateTypeDefinitions(named);
    // Three comments of at most 10,000 characters and one of 9,000, with the fixed declarations: not the 2 MB the server sent.
    expect(api.length).toBeLessThan(45_000);
    const flood = generateToolDeclaration(named, 'Edge', 'flood');
    // Once for the tool, once for its property: each comment keeps 10,000 characters and names the rest.
    expect(flood.match(/… \(\d+ more characters\)/g)).toEqual([`… (${huge.length - 10_000} more characters)`, `… (${huge.length - 10_000} more characters)`]);
    expect(flood).toContain('Reads it. Reads it.');
    // A long real description (9,000 characters) is kept whole.
    expect(generateToolDeclaration(named, 'Edge', 'longButReal')).toContain('Explains at length. '.repeat(450).trim());
    expect(generateToolDeclaration(named, 'Edge', 'longButReal')).not.toContain('more characters');
    // The cut never leaves half of a surrogate pair: the emoji goes with the rest.
    const emojiDeclaration = generateToolDeclaration(named, 'Edge', 'emojiAtTheCut');
    expect(emojiDeclaration).toContain(`${'a'.repeat(9_999)}\n`);
    expect(emojiDeclaration).toContain('… (22 more characters)');
    expect(emojiDeclaration.isWellFormed()).toBe(true);
    expect(compileDiagnostics({ 'api.d.ts': api })).toEqual([]);
  });
});
