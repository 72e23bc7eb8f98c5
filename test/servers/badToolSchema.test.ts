/**
 * Hazard: one tool listed with an invalid schema (a published server lists `inputSchema: {}`) made
 * the SDK refuse the whole `tools/list`, and the server with all its tools was gone. A bad tool
 * must cost only that tool: the good ones serve, `{}` (no `type`) is read as the object of named
 * arguments it can only be, and each tool dropped is named with its reason in the status
 * (`/healthz`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ServerPool } from '../../src/servers/index.ts';
import { listToolsLeniently } from '../../src/servers/lists/lenientToolList.ts';
import { badSchemaServer } from '../fixtures/servers.ts';
import { captureLogger } from './helpers.ts';

describe('a bad tool schema costs only that tool', () => {
  const log = captureLogger();
  let pool: ServerPool;
  beforeAll(async () => {
    pool = await ServerPool.start({ bad: badSchemaServer() }, { logger: log.logger });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('keeps the server and its good tools, and names each tool it dropped in the status', () => {
    expect(pool.status()).toEqual([
      {
        name: 'bad',
        state: 'ready',
        toolCount: 4,
        transport: 'stdio',
        pid: expect.any(Number),
        skippedTools: [
          { name: 'stringArgs', reason: 'inputSchema.type: Invalid input: expected "object"' },
          { name: '#3', reason: 'name: Invalid input: expected string, received undefined' },
        ],
      },
    ]);
    expect(pool.catalog().map((tool) => tool.name)).toEqual(['good', 'noType', 'hostile', 'calls']);
  });

  it('reads an input schema without a type as an object of named arguments', () => {
    expect(pool.catalog().find((tool) => tool.name === 'noType')?.inputSchema).toEqual({ type: 'object' });
  });

  it('calls the tools it kept', async () => {
    expect(await pool.callTool('bad', 'good', { text: 'hi' })).toEqual({ ok: true, value: { tool: 'good', arguments: { text: 'hi' } } });
    expect(await pool.callTool('bad', 'noType', { any: [1] })).toEqual({ ok: true, value: { tool: 'noType', arguments: { any: [1] } } });
    expect(await pool.callTool('bad', 'good', { text: 1 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENTS' });
  });

  it('logs each tool it dropped or repaired', () => {
    const warnings = log.records.filter((record) => record.level === 'warn').map((record) => [record.message, record.fields['tool']]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        ['a listed tool is invalid; it is left out', 'stringArgs'],
        ['a listed tool is invalid; it is left out', '#3'],
        ["a listed tool's inputSchema has no type; read as an object of named arguments", 'noType'],
      ]),
    );
  });
});

describe('a server listing many bad tools', () => {
  it('names the first 20 in the status and counts the rest', async () => {
    const log = captureLogger();
    const pool = await ServerPool.start({ bad: badSchemaServer({ extraBadTools: 100 }) }, { logger: log.logger });
    try {
      const [status] = pool.status();
      expect(status).toMatchObject({ state: 'ready', toolCount: 4 });
      expect(status?.skippedTools).toHaveLength(21);
      expect(status?.skippedTools?.at(-1)).toEqual({ name: '…', reason: 'and 82 more tools left out' });
      expect(log.records.filter((record) => record.level === 'warn').length).toBeLessThan(30);
    } finally {
      await pool.close();
    }
  });
});

describe('a tool whose name is longer than 256 characters', () => {
  // Every execution carries the names of the tools it may call: one name of a megabyte took each from 3 ms to 80-350 ms.
  for (const { listing, validOnly } of [
    { listing: 'a listing the SDK accepts', validOnly: true },
    { listing: 'a listing read tool by tool (it has invalid tools too)', validOnly: false },
  ]) {
    it(`is left out and named with why, the rest served, in ${listing}`, async () => {
      const log = captureLogger();
      const pool = await ServerPool.start({ bad: badSchemaServer({ longNameChars: 1_000_000, validOnly }) }, { logger: log.logger });
      try {
        const [status] = pool.status();
        expect(pool.catalog().map((tool) => tool.name)).toEqual(validOnly ? ['good', 'hostile', 'calls'] : ['good', 'noType', 'hostile', 'calls']);
        expect(status?.skippedTools).toContainEqual({
          name: `l${'x'.repeat(99)}…`,
          reason: 'its name is 1000000 characters long, more than the 256 a tool name may have here (MCP recommends at most 128)',
        });
        expect(status?.skippedTools).toHaveLength(validOnly ? 1 : 3);
        expect(await pool.callTool('bad', 'good', { text: 'hi' })).toEqual({ ok: true, value: { tool: 'good', arguments: { text: 'hi' } } });
        const warning = log.records.find((record) => record.message === 'a listed tool is invalid; it is left out' && String(record.fields['tool']).startsWith('lx'));
        expect(String(warning?.fields['tool']).length).toBeLessThanOrEqual(101);
      } finally {
        await pool.close();
      }
    });
  }

  it('of 256 characters is kept', async () => {
    const pool = await ServerPool.start({ bad: badSchemaServer({ longNameChars: 256, validOnly: true }) }, { logger: captureLogger().logger });
    try {
      expect(pool.catalog().map((tool) => tool.name.length)).toEqual([4, 7, 5, 256]);
      expect(pool.status()[0]?.skippedTools ?? []).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});

describe('a bad tool schema costs only that tool on protocol 2026-07-28', () => {
  // The SDK's 2026-07-28 codec checks every tools/list result against the spec before the request's own
  // schema: the fallback must read the page as it arrived. The pool's clients speak 2025-era today; a
  // client that negotiates the newer revision gets the same listing.
  it('lists the good tools of a server speaking 2026-07-28 and names the bad ones', async () => {
    const log = captureLogger();
    const server = badSchemaServer();
    const client = new Client({ name: 'lenient-2026', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StdioClientTransport({ command: server.command, args: [...(server.args ?? [])], env: { ...inheritedEnv(), MODERN: '1' }, stderr: 'ignore' }));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const listing = await listToolsLeniently(client, 30_000, log.logger);
      expect(listing.tools.map((tool) => tool.name)).toEqual(['good', 'noType', 'hostile', 'calls']);
      expect(listing.skipped).toEqual([
        { name: 'stringArgs', reason: 'inputSchema.type: Invalid input: expected "object"' },
        { name: '#3', reason: 'name: Invalid input: expected string, received undefined' },
      ]);
      // The tap is gone: the next listing goes through the SDK as ever (and still falls back).
      expect((await listToolsLeniently(client, 30_000, log.logger)).tools).toHaveLength(4);
    } finally {
      await client.close();
    }
  });
});

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

describe('a tool whose schema nests a thousand levels deep', () => {
  it('is left out saying so, the rest of its server served (the SDK check ran out of stack and the server failed)', async () => {
    const log = captureLogger();
    const pool = await ServerPool.start({ deep: badSchemaServer({ validOnly: true, deepToolDepth: 1_000 }) }, { logger: log.logger });
    try {
      const [status] = pool.status();
      expect(status?.state).toBe('ready');
      expect(status?.skippedTools).toEqual([{ name: 'deep', reason: expect.stringContaining('levels deep') }]);
      expect(pool.catalog().map((tool) => tool.name)).toEqual(['good', 'hostile', 'calls']);
    } finally {
      await pool.close();
    }
  });
});

describe('a tool whose optional arguments are named as Object.prototype members', () => {
  it('is called with or without them: arguments are their own keys only', async () => {
    const pool = await ServerPool.start({ proto: badSchemaServer({ validOnly: true, protoArgs: true }) }, { logger: captureLogger().logger });
    try {
      expect(await pool.callTool('proto', 'lookup', {})).toEqual({ ok: true, value: { tool: 'lookup', arguments: {} } });
      expect(await pool.callTool('proto', 'lookup', { query: 'x', toString: true })).toEqual({ ok: true, value: { tool: 'lookup', arguments: { query: 'x', toString: true } } });
      expect(await pool.callTool('proto', 'lookup', { constructor: 1 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENTS' });
    } finally {
      await pool.close();
    }
  });
});
