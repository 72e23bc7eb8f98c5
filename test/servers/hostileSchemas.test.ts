/**
 * Hazard: argument validation runs a downstream server's JSON Schema on the gateway's main thread.
 * A backtracking `pattern` held the event loop for 1.5 s with a 29-character argument (doubling
 * per character), `uniqueItems` over 8,000 objects for 1.8 s. Every keyword must cost at most
 * linear time in the arguments, and a schema whose references multiply must not multiply the work.
 *
 * Each check runs in a worker thread here, so that the old behaviour (years for these sizes) fails
 * the test at a generous ceiling instead of freezing the test run. The ceiling is not what the test
 * is about: the hostile sizes are far past anything a backtracking engine or a pairwise comparison
 * can finish.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerPool } from '../../src/servers/index.ts';
import { badSchemaServer } from '../fixtures/servers.ts';

interface CheckAnswer {
  readonly message: string | undefined;
  readonly warnings: readonly { message: string; fields: Record<string, unknown> }[];
}

const ceilingMs = 30_000;

/** The argument check of `schema` on `args`, or a rejection when it has not finished by the ceiling. */
async function checkInWorker(schema: Record<string, unknown>, args: Record<string, unknown>): Promise<CheckAnswer> {
  const worker = new Worker(new URL('../fixtures/argumentCheckWorker.ts', import.meta.url), { workerData: { schema, args } });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<CheckAnswer>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the check did not finish within ${ceilingMs} ms`)), ceilingMs);
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

const withPattern = (pattern: string) => ({ type: 'object', properties: { text: { type: 'string', pattern } } });

describe('a backtracking pattern cannot hold the event loop', () => {
  it('refuses a long near-miss of ^(a+)+$ at once', async () => {
    const answer = await checkInWorker(withPattern('^(a+)+$'), { text: `${'a'.repeat(5_000)}!` });
    expect(answer.message).toMatch(/^hostile\.tool: invalid arguments: \/text must match pattern "\^\(a\+\)\+\$" \(got "a+…"\)$/);
  }, 60_000);

  it('holds for patternProperties too, and still accepts what matches', async () => {
    const schema = { type: 'object', patternProperties: { '^(x+x+)+y$': { type: 'number' } } };
    expect((await checkInWorker(schema, { [`${'x'.repeat(5_000)}z`]: 'any' })).message).toBeUndefined();
    expect((await checkInWorker(schema, { xxy: 'one' })).message).toBe('hostile.tool: invalid arguments: /xxy must be number (got string "one")');
    expect((await checkInWorker(withPattern('^(a+)+$'), { text: 'aaaa' })).message).toBeUndefined();
  }, 60_000);

  it('passes over a pattern the linear engine cannot read (backreference, lookahead), with a note, and checks the rest', async () => {
    const schema = {
      type: 'object',
      properties: { pair: { type: 'string', pattern: '^(a+)\\1$' }, ahead: { type: 'string', pattern: '^(?=x)' }, n: { type: 'number' } },
    };
    const answer = await checkInWorker(schema, { pair: `${'a'.repeat(5_000)}!`, ahead: 'y', n: 'one' });
    expect(answer.message).toBe('hostile.tool: invalid arguments: /n must be number (got string "one")');
    expect(answer.warnings.map((warning) => [warning.message, warning.fields['pattern']])).toEqual([
      ["a pattern in the tool's inputSchema needs backtracking; it is not checked", '^(a+)\\1$'],
      ["a pattern in the tool's inputSchema needs backtracking; it is not checked", '^(?=x)'],
    ]);
  }, 60_000);
});

describe('uniqueItems over many items cannot hold the event loop', () => {
  const schema = { type: 'object', properties: { list: { type: 'array', uniqueItems: true } } };
  const distinct = (count: number) => Array.from({ length: count }, (_, index) => ({ id: index, tags: [String(index)] }));

  it('accepts 100,000 distinct objects', async () => {
    expect((await checkInWorker(schema, { list: distinct(100_000) })).message).toBeUndefined();
  }, 60_000);

  it('finds a duplicate among them, equal whatever the order of keys, in Ajv words', async () => {
    const list = distinct(100_000);
    list[50_000] = { tags: ['7'], id: 7 } as (typeof list)[number];
    expect((await checkInWorker(schema, { list })).message).toBe(
      'hostile.tool: invalid arguments: /list must NOT have duplicate items (items ## 50000 and 7 are identical) (got [{"id":0,"tags":["0"]},{"id":1,"tags":["…)',
    );
    const primitives = { type: 'object', properties: { list: { type: 'array', items: { type: 'string' }, uniqueItems: true } } };
    expect((await checkInWorker(primitives, { list: ['a', 'b', 'a'] })).message).toBe(
      'hostile.tool: invalid arguments: /list must NOT have duplicate items (items ## 2 and 0 are identical) (got ["a","b","a"])',
    );
    expect((await checkInWorker(schema, { list: [1, '1', [1], { a: 1 }, { a: '1' }, null, false, 0] })).message).toBeUndefined();
  }, 60_000);
});

describe('a schema whose references multiply cannot hold the event loop', () => {
  /** `d0` checks `d1` twice, `d1` checks `d2` twice, …: 2^40 checks of one argument. */
  const doubling = (levels: number) => ({
    type: 'object',
    properties: { v: { $ref: '#/definitions/d0' } },
    definitions: Object.fromEntries(
      Array.from({ length: levels }, (_, level) => [
        `d${level}`,
        level === levels - 1 ? { type: 'string' } : { allOf: [{ $ref: `#/definitions/d${level + 1}` }, { $ref: `#/definitions/d${level + 1}` }] },
      ]),
    ),
  });

  it('passes over a schema that expands past the bound, with a note', async () => {
    const answer = await checkInWorker(doubling(40), { v: 1 });
    expect(answer.message).toBeUndefined();
    expect(answer.warnings.map((warning) => warning.message)).toEqual(["the tool's inputSchema expands past 100000 nodes; its arguments are not validated"]);
  }, 60_000);

  it('still validates a schema that shares references within the bound, and a recursive one', async () => {
    expect((await checkInWorker(doubling(8), { v: 1 })).message).toBe('hostile.tool: invalid arguments: /v must be string (got number 1)');
    const tree = { type: 'object', properties: { node: { $ref: '#/definitions/node' } }, definitions: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/node' } }, name: { type: 'string' } } } } };
    expect((await checkInWorker(tree, { node: { children: [{ name: 'a' }, { name: 2 }] } })).message).toBe(
      'hostile.tool: invalid arguments: /node/children/1/name must be string (got number 2)',
    );
  }, 60_000);

  it('refuses arguments that would take a recursive schema past its budget of steps', async () => {
    // Both branches of the oneOf must be tried, and each checks the same child: the work doubles
    // with each level of nesting, whether the validator stops at the first error or not.
    const branch = { type: 'object', properties: { c: { $ref: '#/definitions/node' } } };
    const node = { oneOf: [branch, { ...branch, title: 'twin' }] };
    const schema = { type: 'object', properties: { root: { $ref: '#/definitions/node' } }, definitions: { node } };
    let nested: Record<string, unknown> = {};
    for (let level = 0; level < 40; level += 1) nested = { c: nested };
    const answer = await checkInWorker(schema, { root: nested });
    // 100,000 steps, and 10 more for each of the 42 values of the arguments.
    expect(answer.message).toBe(
      'hostile.tool: invalid arguments: checking them against the inputSchema took more than 100420 steps (a recursive schema over deeply nested arguments); nest them less deeply',
    );
    expect((await checkInWorker(schema, { root: { c: { c: {} } } })).message).toMatch(/^hostile\.tool: invalid arguments: \/root\/c\/c must match exactly one schema in oneOf/);
  }, 60_000);

  it('lets big arguments take as many steps as their size asks for', async () => {
    const schema = { type: 'object', properties: { list: { type: 'array', items: { $ref: '#/definitions/entity' } } }, definitions: { entity: { type: 'object', properties: { id: { type: 'number' } } } } };
    const list = Array.from({ length: 150_000 }, (_, id) => ({ id }));
    expect((await checkInWorker(schema, { list })).message).toBeUndefined();
    list[149_999] = { id: 'last' as unknown as number };
    expect((await checkInWorker(schema, { list })).message).toBe('hostile.tool: invalid arguments: /list/149999/id must be number (got string "last")');
  }, 60_000);
});

describe('many failures cannot hold the event loop', () => {
  const schema = { type: 'object', properties: { list: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } } } };
  const issue = (index: number) => `/list/${index} must be string or number (got boolean true)`;

  it('words 5,000 failing union items at once, each folded at its own item', async () => {
    const answer = await checkInWorker(schema, { list: Array.from({ length: 5_000 }, () => true) });
    expect(answer.message).toBe(`hostile.tool: invalid arguments: ${[0, 1, 2, 3, 4].map(issue).join('; ')}; … (4995 more)`);
  }, 60_000);

  it('words 800,000 failing items by the first (all of them would be millions of errors)', async () => {
    const answer = await checkInWorker(schema, { list: Array.from({ length: 800_000 }, () => true) });
    expect(answer.message).toBe(`hostile.tool: invalid arguments: ${issue(0)}`);
  }, 60_000);
});

describe('through the pool: a hostile schema of a real server', () => {
  let pool: ServerPool;
  beforeAll(async () => {
    pool = await ServerPool.start({ bad: badSchemaServer() });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('answers each hostile call, and the server never sees an invalid one', async () => {
    const list = Array.from({ length: 50_000 }, (_, id) => ({ id }));
    list[40_000] = { id: 3 };
    expect(await pool.callTool('bad', 'hostile', { text: `${'a'.repeat(5_000)}!` })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENTS' });
    expect(await pool.callTool('bad', 'hostile', { list })).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENTS',
      message: 'bad.hostile: invalid arguments: /list must NOT have duplicate items (items ## 40000 and 3 are identical) (got [{"id":0},{"id":1},{"id":2},{"id":3},{"i…)',
    });
    expect(await pool.callTool('bad', 'calls', {})).toEqual({ ok: true, value: 0 });
    expect(await pool.callTool('bad', 'hostile', { text: 'aaa', list: [1, 2] })).toMatchObject({ ok: true });
    expect(await pool.callTool('bad', 'calls', {})).toEqual({ ok: true, value: 1 });
  }, 120_000);
});
