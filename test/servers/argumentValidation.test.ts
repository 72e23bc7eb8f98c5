/**
 * Arguments are checked against the tool's inputSchema before a call leaves the gateway: the
 * message names the argument, what was expected and what came, and the server never sees the call.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArgumentCheck } from '../../src/servers/requests/argumentValidation.ts';
import { nestingDefaults } from '../../src/config/defaults.ts';
import { ServerPool, type CatalogTool, type JsonSchema } from '../../src/servers/index.ts';
import { faultServer, officialServer } from '../fixtures/servers.ts';
import { captureLogger, makeTempDir } from './helpers.ts';

const draft07 = 'http://json-schema.org/draft-07/schema#';
const draft2020 = 'https://json-schema.org/draft/2020-12/schema';

function tool(server: string, name: string, inputSchema: JsonSchema): CatalogTool {
  return { server, name, inputSchema };
}

/** The message for `args` against `schema`, as the named tool of the named server. */
function check(label: `${string}.${string}`, schema: JsonSchema, args: Record<string, unknown>): string | undefined {
  const [server = '', name = ''] = label.split('.');
  return createArgumentCheck(server, captureLogger().logger)(tool(server, name, schema), args);
}

describe('messages', () => {
  const strict = {
    $schema: draft07,
    type: 'object',
    properties: { mode: { type: 'string', enum: ['a', 'b'] }, count: { type: 'integer' }, note: { type: 'string' } },
    required: ['mode'],
    additionalProperties: false,
  };

  it('names a wrong type with the value that came', () => {
    const schema = { $schema: draft07, type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
    expect(check('filesystem.read_text_file', schema, { path: 42 })).toBe('filesystem.read_text_file: invalid arguments: /path must be string (got number 42)');
  });

  it('names a missing required argument', () => {
    const schema = { $schema: draft07, type: 'object', properties: { entities: { type: 'array' } }, required: ['entities'] };
    expect(check('memory.create_entities', schema, {})).toBe('memory.create_entities: invalid arguments: missing required argument "entities"');
  });

  it('names an unexpected argument when additionalProperties is false', () => {
    expect(check('x.y', strict, { mode: 'a', extra: true })).toBe('x.y: invalid arguments: unexpected argument "extra" (additionalProperties is false)');
  });

  it('lists the allowed values of an enum', () => {
    expect(check('x.y', strict, { mode: 'c' })).toBe('x.y: invalid arguments: /mode must be one of "a", "b" (got "c")');
  });

  it('reports every issue at once, in schema order', () => {
    expect(check('x.y', strict, { count: 1.5, extra: 1 })).toBe(
      'x.y: invalid arguments: missing required argument "mode"; unexpected argument "extra" (additionalProperties is false); /count must be integer (got number 1.5)',
    );
  });

  it('points into nested objects and arrays', () => {
    const schema = {
      type: 'object',
      properties: { entities: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
    };
    expect(check('memory.create_entities', schema, { entities: [{ name: 'Ada' }, { title: 'x' }, { name: ['Bob'] }] })).toBe(
      'memory.create_entities: invalid arguments: /entities/1 is missing required property "name"; /entities/2/name must be string (got array ["Bob"])',
    );
  });

  it('cuts long values at about 40 characters', () => {
    const message = check('x.y', strict, { mode: 'a', note: 7, count: 'z'.repeat(200) });
    expect(message).toBe(`x.y: invalid arguments: /count must be integer (got string "${'z'.repeat(39)}…"); /note must be string (got number 7)`);
  });

  it('folds a union of types into one issue', () => {
    const schema = { type: 'object', properties: { id: { anyOf: [{ type: 'string' }, { type: 'number' }] } } };
    expect(check('x.y', schema, { id: true })).toBe('x.y: invalid arguments: /id must be string or number (got boolean true)');
  });

  it('words other keywords as Ajv does, with the value', () => {
    const schema = { type: 'object', properties: { ms: { type: 'integer', minimum: 0 } } };
    expect(check('fault.slow', schema, { ms: -1 })).toBe('fault.slow: invalid arguments: /ms must be >= 0 (got -1)');
  });

  it('uses the 2020-12 dialect when the schema declares it (unevaluatedProperties)', () => {
    const schema = { $schema: draft2020, type: 'object', properties: { a: { type: 'string' } }, unevaluatedProperties: false };
    expect(check('x.y', schema, { a: 'ok', b: 1 })).toBe('x.y: invalid arguments: unexpected argument "b" (unevaluatedProperties is false)');
    expect(check('x.y', schema, { a: 'ok' })).toBeUndefined();
  });

  it('does not check formats, which a server may read more loosely', () => {
    const schema = { type: 'object', properties: { url: { type: 'string', format: 'uri' }, when: { type: 'string', format: 'date-time' } } };
    expect(check('x.y', schema, { url: 'not a uri', when: 'tomorrow' })).toBeUndefined();
  });

  it('accepts valid arguments and schemas without constraints', () => {
    expect(check('x.y', strict, { mode: 'b', count: 3 })).toBeUndefined();
    expect(check('x.y', { type: 'object' }, { anything: [1, 2] })).toBeUndefined();
    expect(check('x.y', true, { anything: 1 })).toBeUndefined();
  });
});

describe('schemas a server gets wrong', () => {
  it('refuses arguments against a $ref loop that checks nothing, saying the schema loops (it was a bare stack overflow)', () => {
    const looping = { type: 'object', properties: { x: { $ref: '#/$defs/A' } }, $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } } };
    expect(check('schemas.refLoop', looping, { x: 1 })).toBe(
      "schemas.refLoop: invalid arguments: the tool's inputSchema refers to itself in a loop that checks nothing (a $ref cycle), so no arguments can be checked against it; the server's schema needs fixing",
    );
  });

  it('skips validation for a schema that does not compile, and says so once per listing', () => {
    const log = captureLogger();
    const checkArguments = createArgumentCheck('odd', log.logger);
    const broken = tool('odd', 'broken', { type: 'object', properties: { a: { type: 'strnig' } } });
    expect(checkArguments(broken, { a: 1 })).toBeUndefined();
    expect(checkArguments(broken, { a: 2 })).toBeUndefined();
    const warnings = () => log.records.filter((record) => record.level === 'warn');
    expect(warnings()).toEqual([
      {
        level: 'warn',
        message: "the tool's inputSchema does not compile; its arguments are not validated",
        fields: { tool: 'broken', reason: expect.stringContaining('schema is invalid') },
      },
    ]);
    // A re-listing brings new tool objects: compiled (and judged) afresh.
    checkArguments({ ...broken }, { a: 3 });
    expect(warnings()).toHaveLength(2);
  });

  it('keeps schemas with the same $id apart, across tools and servers', () => {
    const first = createArgumentCheck('one', captureLogger().logger);
    const second = createArgumentCheck('two', captureLogger().logger);
    const stringy = tool('one', 't', { $id: 'https://example.com/same.json', type: 'object', properties: { v: { type: 'string' } } });
    const numeric = tool('two', 't', { $id: 'https://example.com/same.json', type: 'object', properties: { v: { type: 'number' } } });
    expect(first(stringy, { v: 'x' })).toBeUndefined();
    expect(second(numeric, { v: 1 })).toBeUndefined();
    expect(second(numeric, { v: 'x' })).toBe('two.t: invalid arguments: /v must be number (got string "x")');
    expect(first(stringy, { v: 1 })).toBe('one.t: invalid arguments: /v must be string (got number 1)');
  });

  it('ignores a $schema dialect Ajv does not know (draft-04)', () => {
    const schema = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'number' } } };
    expect(check('x.y', schema, { n: 'one' })).toBe('x.y: invalid arguments: /n must be number (got string "one")');
  });
});

describe('before a call leaves the gateway (fault server, counting the calls that arrive)', () => {
  let pool: ServerPool;
  beforeAll(async () => {
    pool = await ServerPool.start({ fault: faultServer() });
  });
  afterAll(async () => {
    await pool?.close();
  });
  const arrived = async () => (await pool.callTool('fault', 'strictCount', {})) as { value: number };

  it.each([
    ['a missing required argument', { mode: 'a' }, 'fault.strict: invalid arguments: missing required argument "count"'],
    ['a wrong type', { mode: 'a', count: '3' }, 'fault.strict: invalid arguments: /count must be integer (got string "3")'],
    ['an extra property', { mode: 'a', count: 3, colour: 'red' }, 'fault.strict: invalid arguments: unexpected argument "colour" (additionalProperties is false)'],
    ['a bad enum value', { mode: 'c', count: 3 }, 'fault.strict: invalid arguments: /mode must be one of "a", "b" (got "c")'],
    ['a bad array item', { mode: 'a', count: 3, tags: ['x', 4] }, 'fault.strict: invalid arguments: /tags/1 must be string (got number 4)'],
  ])('refuses %s, and the server never sees it', async (_case, args, message) => {
    expect(await pool.callTool('fault', 'strict', args)).toEqual({ ok: false, code: 'INVALID_ARGUMENTS', message });
    expect(await pool.callToolRaw('fault', 'strict', args)).toEqual({ ok: false, code: 'INVALID_ARGUMENTS', message });
    expect(await arrived()).toEqual({ ok: true, value: 0 });
  });

  it('refuses arguments that are not an object', async () => {
    expect(await pool.callTool('fault', 'strict', ['a', 3])).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'fault.strict: invalid arguments: expected an object of named arguments, got an array',
    });
    expect(await arrived()).toEqual({ ok: true, value: 0 });
  });

  it('refuses arguments nested deeper than maxValueDepth, however deep (200,000 levels threw a stack overflow from the pool)', async () => {
    const { maxValueDepth } = nestingDefaults;
    const message = `fault.strict: invalid arguments: they nest arrays or objects more than ${maxValueDepth} levels deep; nest them less deeply`;
    for (const depth of [maxValueDepth + 1, 200_000]) {
      let tags: unknown = 't';
      for (let level = 0; level < depth; level++) tags = [tags];
      expect(await pool.callTool('fault', 'strict', { mode: 'a', count: 1, tags })).toEqual({ ok: false, code: 'INVALID_ARGUMENTS', message });
      expect(await pool.callToolRaw('fault', 'strict', { mode: 'a', count: 1, tags })).toEqual({ ok: false, code: 'INVALID_ARGUMENTS', message });
    }
    expect(await arrived()).toEqual({ ok: true, value: 0 });
  });

  it('lets valid arguments through, unchanged', async () => {
    expect(await pool.callTool('fault', 'strict', { mode: 'b', count: 2, tags: ['t'] })).toEqual({ ok: true, value: { mode: 'b', count: 2, tags: ['t'] } });
    expect(await arrived()).toEqual({ ok: true, value: 1 });
  });
});

describe('against the official servers', () => {
  const temp = makeTempDir('validation');
  let pool: ServerPool;
  beforeAll(async () => {
    pool = await ServerPool.start({
      filesystem: officialServer('filesystem', { root: temp.dir }),
      memory: officialServer('memory', { memoryFile: path.join(temp.dir, 'memory.jsonl') }),
    });
  });
  afterAll(async () => {
    await pool?.close();
    temp.remove();
  });

  it('words the examples of the hardening issue exactly', async () => {
    expect(await pool.callTool('filesystem', 'read_text_file', { path: 42 })).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'filesystem.read_text_file: invalid arguments: /path must be string (got number 42)',
    });
    expect(await pool.callTool('memory', 'create_entities', {})).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'memory.create_entities: invalid arguments: missing required argument "entities"',
    });
    expect(await pool.callTool('filesystem', 'list_directory_with_sizes', { path: temp.dir, sortBy: 'date' })).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'filesystem.list_directory_with_sizes: invalid arguments: /sortBy must be one of "name", "size" (got "date")',
    });
  });

  it('passes valid calls, defaults left to the server', async () => {
    expect(await pool.callTool('memory', 'read_graph', {})).toMatchObject({ ok: true, value: { entities: [] } });
    expect(await pool.callTool('filesystem', 'list_directory_with_sizes', { path: temp.dir })).toMatchObject({ ok: true });
  });
});
