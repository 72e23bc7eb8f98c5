/**
 * JSON Schema → TypeScript, one construct per test, exact output: this file is the reference for what a
 * schema turns into in the model's prompt.
 */
import { describe, expect, it } from 'vitest';
import { renderTypeDeclaration, schemaToTypeScript } from '../../src/modelApi/typescript/schemaToTypeScript.ts';
import type { JsonSchema } from '../../src/catalog/ToolCatalog.ts';

/** The type expression of a schema. */
function typeOf(schema: JsonSchema): string {
  return schemaToTypeScript(schema).root.text;
}

/** The declarations of a schema named `T`, as a tool declaration would show them. */
function declare(schema: JsonSchema): string {
  const { root, definitions } = schemaToTypeScript(schema, { rootName: 'T' });
  return [{ name: 'T', type: root, docLines: [] }, ...definitions].map(renderTypeDeclaration).join('\n');
}

describe('type', () => {
  it('maps the primitive types; integer is number', () => {
    expect(['string', 'number', 'integer', 'boolean', 'null'].map((type) => typeOf({ type }))).toEqual([
      'string', 'number', 'number', 'boolean', 'null',
    ]);
  });

  it('a type array is a union', () => {
    expect(typeOf({ type: ['string', 'null'] })).toBe('string | null');
    expect(typeOf({ type: ['integer', 'number'] })).toBe('number');
  });

  it('an unknown type name is unknown', () => {
    expect(typeOf({ type: 'decimal' })).toBe('unknown');
  });
});

describe('objects', () => {
  it('required properties are plain, the others optional', () => {
    expect(typeOf({ type: 'object', properties: { path: { type: 'string' }, head: { type: 'number' } }, required: ['path'] }))
      .toMatchInlineSnapshot(`"{ path: string; head?: number }"`);
  });

  it('nested objects stay on one line', () => {
    expect(typeOf({
      type: 'object',
      properties: { resource: { type: 'object', properties: { uri: { type: 'string' }, size: { type: 'integer' } }, required: ['uri'] } },
      required: ['resource'],
    })).toMatchInlineSnapshot(`"{ resource: { uri: string; size?: number } }"`);
  });

  it('properties without `type: object` still make an object', () => {
    expect(typeOf({ properties: { a: { type: 'boolean' } } })).toMatchInlineSnapshot(`"{ a?: boolean }"`);
  });

  it('a required key without a property schema is required, of any type', () => {
    expect(typeOf({ type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'b'], additionalProperties: false }))
      .toMatchInlineSnapshot(`"{ a: string; b: unknown }"`);
  });

  it('an object without properties is open: { [key: string]: unknown }', () => {
    expect(typeOf({ type: 'object' })).toBe('{ [key: string]: unknown }');
    expect(typeOf({ type: 'object', properties: {} })).toBe('{ [key: string]: unknown }');
  });

  it('additionalProperties: false without properties is an object with no keys, not `{}`', () => {
    expect(typeOf({ type: 'object', additionalProperties: false })).toBe('{ [key: string]: never }');
  });

  it('additionalProperties: false with properties closes the object (no index signature)', () => {
    expect(typeOf({ type: 'object', properties: { content: { type: 'string' } }, required: ['content'], additionalProperties: false }))
      .toMatchInlineSnapshot(`"{ content: string }"`);
  });

  it('additionalProperties as a schema is an index signature', () => {
    expect(typeOf({ type: 'object', additionalProperties: { type: 'string' } })).toBe('{ [key: string]: string }');
  });

  it('the index signature keeps its type when the declared properties fit it', () => {
    expect(typeOf({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: { type: 'string' } }))
      .toMatchInlineSnapshot(`"{ id: string; [key: string]: string }"`);
  });

  it('a described value type still fits: its comment is not part of the type', () => {
    expect(typeOf({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: { type: 'string', description: 'A label' } }))
      .toMatchInlineSnapshot(`"{ id: string; [key: string]: /** A label */ string }"`);
  });

  it('the index signature accepts undefined when a property is optional', () => {
    expect(typeOf({ type: 'object', properties: { id: { type: 'string' } }, additionalProperties: { type: 'string' } }))
      .toMatchInlineSnapshot(`"{ id?: string; [key: string]: string | undefined }"`);
  });

  it('the index signature widens to unknown when a declared property does not fit it', () => {
    expect(typeOf({ type: 'object', properties: { count: { type: 'number' } }, required: ['count'], additionalProperties: { type: 'string' } }))
      .toMatchInlineSnapshot(`"{ count: number; [key: string]: unknown }"`);
  });

  it('patternProperties are an index signature, merged with additionalProperties', () => {
    expect(typeOf({ type: 'object', patternProperties: { '^x-': { type: 'string' }, '^n-': { type: 'number' } } }))
      .toBe('{ [key: string]: string | number }');
    expect(typeOf({ type: 'object', patternProperties: { '^x-': { type: 'string' } }, additionalProperties: { type: 'boolean' } }))
      .toBe('{ [key: string]: string | boolean }');
  });

  it('quotes property names that are not identifiers', () => {
    expect(typeOf({
      type: 'object',
      properties: {
        'content-type': { type: 'string' }, '2fa': { type: 'boolean' }, 'with space': {}, 'say "hi"': {},
        'back\\slash': {}, 'line\nbreak': {}, 'nul\u0000': {}, café: {}, $ok: {}, _ok: {}, default: {},
      },
    })).toMatchInlineSnapshot(`"{ "content-type"?: string; "2fa"?: boolean; "with space"?: unknown; "say \\"hi\\""?: unknown; "back\\\\slash"?: unknown; "line\\nbreak"?: unknown; "nul\\u0000"?: unknown; café?: unknown; $ok?: unknown; _ok?: unknown; default?: unknown }"`);
  });
});

describe('literals', () => {
  it('enum is a union of literals, strings escaped', () => {
    expect(typeOf({ type: 'string', enum: ['New York', 'say "hi"', 'back\\slash', 'tab\there', '*/'] }))
      .toBe('"New York" | "say \\"hi\\"" | "back\\\\slash" | "tab\\there" | "*/"');
  });

  it('enum of numbers, booleans and null', () => {
    expect(typeOf({ enum: [1, -2.5, true, null] })).toBe('1 | -2.5 | true | null');
  });

  it('an enum member with no literal type (object, array) makes the whole enum unknown', () => {
    expect(typeOf({ enum: ['a', { b: 1 }] })).toBe('unknown');
  });

  it('const is a literal', () => {
    expect(typeOf({ const: 'image' })).toBe('"image"');
    expect(typeOf({ type: 'number', const: 42 })).toBe('42');
  });
});

describe('arrays and tuples', () => {
  it('items is the element type', () => {
    expect(typeOf({ type: 'array', items: { type: 'string' } })).toBe('string[]');
  });

  it('a union element is parenthesised', () => {
    expect(typeOf({ type: 'array', items: { type: ['string', 'number'] } })).toBe('(string | number)[]');
  });

  it('an array without items is unknown[]; items: false is the empty tuple', () => {
    expect(typeOf({ type: 'array' })).toBe('unknown[]');
    expect(typeOf({ type: 'array', items: false })).toBe('[]');
  });

  it('arrays of objects', () => {
    expect(typeOf({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }))
      .toMatchInlineSnapshot(`"{ name: string }[]"`);
  });

  it('prefixItems (2020-12) with items: false is a closed tuple', () => {
    expect(typeOf({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false, minItems: 2 }))
      .toBe('[string, number]');
  });

  it('prefixItems with an items schema has a rest element', () => {
    expect(typeOf({ type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'boolean' }, minItems: 1 }))
      .toBe('[string, ...boolean[]]');
  });

  it('tuple elements past minItems are optional, and an open tuple has an unknown rest', () => {
    expect(typeOf({ type: 'array', prefixItems: [{ type: 'string' }, { type: ['number', 'null'] }], minItems: 1 }))
      .toBe('[string, (number | null)?, ...unknown[]]');
  });

  it('items as an array (draft-07) with additionalItems: false is a closed tuple', () => {
    expect(typeOf({ type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false, minItems: 2 }))
      .toBe('[number, number]');
  });

  it('items as an array (draft-07) with an additionalItems schema has a rest element', () => {
    expect(typeOf({ type: 'array', items: [{ type: 'number' }], additionalItems: { type: 'string' }, minItems: 1 }))
      .toBe('[number, ...string[]]');
  });

  it('a maxItems the tuple already reaches closes it', () => {
    expect(typeOf({ type: 'array', items: [{ type: 'number' }, { type: 'number' }], minItems: 2, maxItems: 2 }))
      .toBe('[number, number]');
  });
});

describe('combinators', () => {
  it('anyOf and oneOf are unions', () => {
    expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe('string | number');
    expect(typeOf({ oneOf: [{ const: 'a' }, { const: 'b' }, { const: 'a' }] })).toBe('"a" | "b"');
  });

  it('allOf is an intersection', () => {
    expect(typeOf({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { b: { type: 'number' } }, required: ['b'] },
      ],
    })).toMatchInlineSnapshot(`"{ a: string } & { b: number }"`);
  });

  it('a type beside anyOf intersects with it; a union inside an intersection is parenthesised', () => {
    expect(typeOf({
      type: 'object',
      properties: { kind: { type: 'string' } },
      required: ['kind'],
      anyOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'string' } } }],
    })).toMatchInlineSnapshot(`"{ kind: string } & ({ a?: string } | { b?: string })"`);
  });

  it('constraint-only members (anyOf of `required` lists) add nothing', () => {
    expect(typeOf({ type: 'string', anyOf: [{ format: 'email' }, { format: 'uri' }] })).toBe('string');
  });

  it('unknown absorbs a union; never disappears from one', () => {
    expect(typeOf({ anyOf: [{ type: 'string' }, {}] })).toBe('unknown');
    expect(typeOf({ anyOf: [{ type: 'string' }, false] })).toBe('string');
  });

  it('nullable: true (OpenAPI) adds null', () => {
    expect(typeOf({ type: 'string', nullable: true })).toBe('string | null');
    expect(typeOf({ type: ['string', 'null'], nullable: true })).toBe('string | null');
    expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'number' }], nullable: true })).toBe('string | number | null');
  });
});

describe('boolean schemas and unsupported keywords', () => {
  it('true and {} are unknown, false is never', () => {
    expect([typeOf(true), typeOf({}), typeOf(false)]).toEqual(['unknown', 'unknown', 'never']);
  });

  it('keywords TypeScript cannot say degrade to unknown', () => {
    expect(typeOf({ not: { type: 'string' } })).toBe('unknown');
    expect(typeOf({ if: { type: 'string' }, then: { minLength: 1 } })).toBe('unknown');
    expect(typeOf({ $ref: 'https://example.com/other.json#/$defs/A' })).toBe('unknown');
    expect(typeOf({ $ref: '#anchor' })).toBe('unknown');
    expect(typeOf({ $ref: '#/$defs/Missing' })).toBe('unknown');
  });

  it('values that are not schemas at all are unknown', () => {
    expect(typeOf({ type: 'object', properties: { a: 42, b: 'x', c: null, d: [] } } as JsonSchema)).toMatchInlineSnapshot(`"{ a?: unknown; b?: unknown; c?: unknown; d?: unknown }"`);
  });
});

describe('JSDoc', () => {
  it('a description goes on the property', () => {
    expect(typeOf({ type: 'object', properties: { a: { type: 'number', description: 'First number' } }, required: ['a'] }))
      .toMatchInlineSnapshot(`"{ /** First number */ a: number }"`);
  });

  it('default and constraints are tags on the comment\'s line; a description of paragraphs is a block, one member per line', () => {
    expect(typeOf({
      type: 'object',
      properties: {
        count: { type: 'integer', description: 'How many.\n\nAt most ten.', default: 3, minimum: 1, maximum: 10 },
        url: { type: 'string', format: 'uri', deprecated: true },
      },
    })).toMatchInlineSnapshot(`
      "{
        /**
         * How many.
         *
         * At most ten.
         * @default 3
         * @minimum 1
         * @maximum 10
         */
        count?: number;
        /** @deprecated @format uri */ url?: string;
      }"
    `);
  });

  it('a description in the one described anyOf branch (zod\'s nullable pattern) goes on the property', () => {
    expect(typeOf({
      type: 'object',
      properties: {
        cursor: { anyOf: [{ type: 'string', description: 'Where the last page ended', minLength: 1 }, { type: 'null' }] },
        owner: { oneOf: [{ type: 'null' }, { type: 'string', description: 'Login of the owner' }], default: null },
      },
    })).toMatchInlineSnapshot(`"{ /** Where the last page ended @minLength 1 */ cursor?: string | null; /** Login of the owner @default null */ owner?: null | string }"`);
  });

  it('descriptions of several branches stay with their branches, beside the property\'s own', () => {
    expect(typeOf({
      type: 'object',
      properties: {
        id: {
          description: 'Who to notify',
          anyOf: [{ type: 'string', description: 'A login' }, { type: 'integer', description: 'A numeric user ID' }],
        },
      },
      required: ['id'],
    })).toMatchInlineSnapshot(`"{ /** Who to notify */ id: /** A login */ string | /** A numeric user ID */ number }"`);
  });

  it('descriptions of array items and of items.oneOf branches stay with the element types', () => {
    expect(typeOf({
      type: 'object',
      properties: {
        paths: { type: 'array', items: { type: 'string', description: 'Relative to the root' }, description: 'Files to read' },
        changes: {
          type: 'array',
          items: {
            oneOf: [
              { type: 'object', description: 'Create a file', properties: { create: { type: 'string' } }, required: ['create'] },
              { type: 'object', description: 'Delete a file', properties: { delete: { type: 'string' } }, required: ['delete'] },
            ],
          },
        },
      },
      required: ['changes'],
    })).toMatchInlineSnapshot(`"{ /** Files to read */ paths?: (/** Relative to the root */ string)[]; changes: (/** Create a file */ { create: string } | /** Delete a file */ { delete: string })[] }"`);
  });

  it('a comment end inside a description is escaped', () => {
    expect(typeOf({ type: 'object', properties: { glob: { type: 'string', description: 'Use **/*.ts or */ to end' } } }))
      .toMatchInlineSnapshot(`"{ /** Use **\\/*.ts or *\\/ to end */ glob?: string }"`);
  });

  it('titles are not shown: they repeat the name', () => {
    expect(typeOf({ type: 'object', properties: { path: { type: 'string', title: 'Path' } } })).toMatchInlineSnapshot(`"{ path?: string }"`);
  });
});

describe('$ref', () => {
  it('$defs become named aliases, prefixed by the root name', () => {
    expect(declare({
      type: 'object',
      properties: { owner: { $ref: '#/$defs/Person' }, members: { type: 'array', items: { $ref: '#/$defs/Person' } } },
      required: ['owner'],
      $defs: { Person: { type: 'object', description: 'Someone.', properties: { name: { type: 'string' } }, required: ['name'] } },
    })).toMatchInlineSnapshot(`
      "interface T { owner: T_Person; members?: T_Person[] }
      /** Someone. */
      interface T_Person { name: string }"
    `);
  });

  it('definitions (draft-07) work the same, and a def that is not an object is a type alias', () => {
    expect(declare({
      type: 'object',
      properties: { status: { $ref: '#/definitions/status-code' } },
      definitions: { 'status-code': { enum: ['ok', 'failed'] } },
    })).toMatchInlineSnapshot(`
      "interface T { status?: T_StatusCode }
      type T_StatusCode = "ok" | "failed";"
    `);
  });

  it('a recursive definition refers to itself by name (a tree)', () => {
    expect(declare({
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node' } },
      required: ['root'],
      $defs: {
        Node: {
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
          required: ['name'],
        },
      },
    })).toMatchInlineSnapshot(`
      "interface T { root: T_Node }
      interface T_Node { name: string; children?: T_Node[] }"
    `);
  });

  it('$ref "#" refers to the root by its name', () => {
    expect(declare({
      type: 'object',
      properties: { value: { type: 'number' }, next: { anyOf: [{ $ref: '#' }, { type: 'null' }] } },
      required: ['value', 'next'],
    })).toMatchInlineSnapshot(`"interface T { value: number; next: T | null }"`);
  });

  it('a root that is only a $ref is inlined, so the declaration is the object itself', () => {
    expect(declare({
      $ref: '#/definitions/Args',
      definitions: { Args: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } },
    })).toMatchInlineSnapshot(`"interface T { q: string }"`);
  });

  it('definitions that are unions of other definitions inline them, so no alias is circular', () => {
    expect(declare({
      type: 'object',
      properties: { expr: { $ref: '#/$defs/Expr' } },
      $defs: {
        Expr: { anyOf: [{ $ref: '#/$defs/Num' }, { $ref: '#/$defs/Add' }] },
        Num: { type: 'number' },
        Add: { type: 'object', properties: { left: { $ref: '#/$defs/Expr' }, right: { $ref: '#/$defs/Expr' } } },
      },
    })).toMatchInlineSnapshot(`
      "interface T { expr?: T_Expr }
      type T_Expr = number | { left?: T_Expr; right?: T_Expr };"
    `);
  });

  it('an alias of itself (A = A | string) is unknown where it loops', () => {
    expect(declare({
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' } },
      $defs: { A: { anyOf: [{ $ref: '#/$defs/A' }, { type: 'string' }] } },
    })).toMatchInlineSnapshot(`
      "interface T { a?: T_A }
      type T_A = unknown;"
    `);
  });

  it('other JSON pointers are inlined, with ~1 and %20 decoded', () => {
    expect(typeOf({
      type: 'object',
      properties: { 'a/b c': { type: 'string' }, copy: { $ref: '#/properties/a~1b%20c' } },
    })).toMatchInlineSnapshot(`"{ "a/b c"?: string; copy?: string }"`);
  });

  it('definition names are sanitised and kept unique', () => {
    expect(declare({
      type: 'object',
      properties: { a: { $ref: '#/$defs/my-def' }, b: { $ref: '#/$defs/my_def' }, c: { $ref: '#/definitions/MyDef' } },
      $defs: { 'my-def': { type: 'string' }, my_def: { type: 'number' } },
      definitions: { MyDef: { type: 'boolean' } },
    })).toMatchInlineSnapshot(`
      "interface T { a?: T_MyDef; b?: T_MyDef_2; c?: T_MyDef_3 }
      type T_MyDef = string;
      type T_MyDef_2 = number;
      type T_MyDef_3 = boolean;"
    `);
  });
});

describe('hazards', () => {
  it('deep nesting ends in unknown instead of overflowing', () => {
    let schema: JsonSchema = { type: 'string' };
    for (let level = 0; level < 10_000; level++) schema = { type: 'array', items: schema };
    expect(typeOf(schema)).toBe(`unknown${'[]'.repeat(49)}`);
  });

  it('a schema object that contains itself (not JSON, but possible in memory) terminates', () => {
    const schema: { type: string; properties: Record<string, unknown> } = { type: 'object', properties: {} };
    schema.properties['self'] = schema;
    expect(typeOf(schema)).toContain('unknown');
  });

  it('pointers that multiply (each level refers to the next twice) stop at a node budget', () => {
    const properties: Record<string, JsonSchema> = { p0: { type: 'string' } };
    for (let level = 1; level <= 40; level++) {
      const previous = { $ref: `#/properties/p${level - 1}` };
      properties[`p${level}`] = { type: 'array', prefixItems: [previous, previous], items: false, minItems: 2 };
    }
    const started = performance.now();
    schemaToTypeScript({ type: 'object', properties: { ...properties, top: { $ref: '#/properties/p40' } } });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('the same schema always gives the same text', () => {
    const schema: JsonSchema = { type: 'object', properties: { b: { $ref: '#/$defs/B' }, a: { $ref: '#/$defs/A' } }, $defs: { A: {}, B: {} } };
    expect(declare(schema)).toBe(declare(structuredClone(schema)));
  });
});
