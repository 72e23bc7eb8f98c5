/**
 * Shared shapes: an object type repeated across a namespace's tools is declared once when that saves
 * tokens, inner shapes first, then the outer ones that repeat once those have names.
 */
import { describe, expect, it } from 'vitest';
import { assignNames } from '../../src/modelApi/names/names.ts';
import { generateToolDeclaration, generateTypeDefinitions } from '../../src/modelApi/typeDefinitions.ts';
import type { CatalogTool, JsonSchema } from '../../src/catalog/ToolCatalog.ts';
import { compileDiagnostics } from './compileTypeScript.ts';

const address: JsonSchema = {
  type: 'object',
  properties: {
    street: { type: 'string', description: 'Street and number' },
    city: { type: 'string', description: 'City or town' },
    country: { type: 'string', description: 'ISO 3166-1 alpha-2 code' },
  },
  required: ['street', 'city', 'country'],
};
const customer: JsonSchema = {
  type: 'object',
  properties: { name: { type: 'string', description: 'Full name as printed on invoices' }, billingAddress: address, shippingAddress: address },
  required: ['name'],
};

function tool(name: string, inputSchema: JsonSchema, outputSchema?: JsonSchema): CatalogTool {
  return { server: 'shop', name, inputSchema, ...(outputSchema && { outputSchema }) };
}

const named = assignNames([
  tool('create_customer', { type: 'object', properties: { customer }, required: ['customer'] }, { type: 'object', properties: { customer } }),
  tool('update_customer', { type: 'object', properties: { id: { type: 'string' }, customer }, required: ['id', 'customer'] }),
  tool('list_customers', { type: 'object', properties: { ok: { type: 'object', properties: { done: { type: 'boolean' } } } } }, {
    type: 'object', properties: { customers: { type: 'array', items: customer }, ok: { type: 'object', properties: { done: { type: 'boolean' } } } },
  }),
]);
const api = generateTypeDefinitions(named);

describe('shared shapes', () => {
  it('inner shapes are named first (by the words their places share), then the outer ones that repeat with those names in them', () => {
    expect(api.slice(api.indexOf('declare namespace'))).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Shop {
        interface Address { /** Street and number */ street: string; /** City or town */ city: string; /** ISO 3166-1 alpha-2 code */ country: string }
        interface Customer { /** Full name as printed on invoices */ name: string; billingAddress?: Address; shippingAddress?: Address }
        function createCustomer(args: { customer: Customer }): Promise<{ customer?: Customer }>;
        function updateCustomer(args: { id: string; customer: Customer }): Promise<unknown>;
        function listCustomers(args?: { ok?: { done?: boolean } }): Promise<{ customers?: Customer[]; ok?: { done?: boolean } }>;
      }
      "
    `);
  });

  it('a shape too small to pay for a name stays inline', () => {
    expect(api.split('{ done?: boolean }').length - 1).toBe(2);
  });

  it('the whole API and each tool alone compile; a tool alone brings the shapes it needs', () => {
    expect(compileDiagnostics({ 'api.d.ts': api })).toEqual([]);
    for (const method of ['createCustomer', 'updateCustomer', 'listCustomers']) {
      expect(compileDiagnostics({ 'tool.d.ts': generateToolDeclaration(named, 'Shop', method) })).toEqual([]);
    }
    expect(generateToolDeclaration(named, 'Shop', 'updateCustomer')).toMatch(/interface Address[^]*interface Customer[^]*function updateCustomer/);
  });

  it('code written against a shared shape type-checks, and a wrong field is caught', () => {
    const usage = `async function main() {
  const { customer } = await mcpTools.Shop.createCustomer({ customer: { name: 'Ada', billingAddress: { street: 'a', city: 'b', country: 'GB' } } });
  const city: string | undefined = customer?.billingAddress?.city;
  await mcpTools.Shop.updateCustomer({ id: '1', customer: { name: 'Ada', shippingAddress: { street: 'a', city: 'b', zip: 'x' } } });
  return city;
}
`;
    const diagnostics = compileDiagnostics({ 'api.d.ts': api, 'usage.ts': usage });
    expect(diagnostics.map(({ file, line }) => ({ file, line }))).toEqual([{ file: 'usage.ts', line: 4 }]);
    expect(diagnostics[0]?.message).toContain("'zip'");
  });
});

describe('shape names', () => {
  const shapeOf = (schema: JsonSchema) => ({ type: 'object', properties: { a: schema, b: schema }, required: ['a', 'b'] }) as JsonSchema;
  const point: JsonSchema = { type: 'object', properties: { x: { type: 'number', description: 'Horizontal' }, y: { type: 'number', description: 'Vertical' } } };
  const declared = (inputSchema: JsonSchema) => generateTypeDefinitions(assignNames([tool('t', inputSchema)])).match(/^\s*interface \w+/gm)?.map((line) => line.trim());

  it('a name that would shadow a global type, or is no identifier, is not used', () => {
    const promise = generateTypeDefinitions(assignNames([tool('t', { type: 'object', properties: { promise: point, other: { type: 'object', properties: { promise: point } } } })]));
    expect(promise.match(/^\s*interface \w+/gm)?.map((line) => line.trim())).toEqual(['interface Promise_2']);
    expect(compileDiagnostics({ 'api.d.ts': promise })).toEqual([]);
    expect(declared({ type: 'object', properties: { '2fa': point, other: { type: 'object', properties: { '2fa': point } } } })).toEqual(['interface Shape']);
  });

  it('a title names it; places with nothing in common call it Shape', () => {
    expect(declared(shapeOf({ ...point, title: 'grid point' }))).toEqual(['interface GridPoint']);
    expect(declared(shapeOf(point))).toEqual(['interface Shape']);
  });
});
