import { fixtureEntry } from '../fixtures/servers.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.ts';
import { ServerPool } from '../../src/servers/index.ts';
import { createSecretRedactor } from '../../src/observability/redactSecrets.ts';
import { ledgerServer } from '../fixtures/servers.ts';

// A pool built from a parsed config, without the gateway: what `${VAR}` put into `args` is a secret
// too, and results (successful ones, passed through or unwrapped), lists and failures are redacted.
const secretServerEntry = fixtureEntry('secret-server');
const inArgs = 'arg "secret 4d5e';
const inEnv = 'env-secret-9a8b';
let pool: ServerPool;

beforeAll(async () => {
  const config = parseConfigText(
    JSON.stringify({ mcpServers: { leaky: { command: process.execPath, args: ['--disable-warning=ExperimentalWarning', secretServerEntry, '${IN_ARGS}'], env: { LEAK: '${IN_ENV}' } } } }),
    { env: { IN_ARGS: inArgs, IN_ENV: inEnv } },
  );
  pool = await ServerPool.start(config.mcpServers);
});
afterAll(async () => {
  await pool?.close();
});

function expectClean(value: unknown): void {
  const text = JSON.stringify(value);
  for (const secret of [inArgs, inEnv]) {
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ k: secret }).toString().slice(2)]) expect(text).not.toContain(form);
  }
  expect(text).toContain('[redacted]');
}

describe('secrets in what a server gives back', () => {
  it('successful-results-are-redacted: unwrapped and passed through', async () => {
    const unwrapped = await pool.callTool('leaky', 'leak', {});
    expect(unwrapped.ok).toBe(true);
    expectClean(unwrapped);
    const raw = await pool.callToolRaw('leaky', 'leak', {});
    expect(raw.ok).toBe(true);
    expectClean(raw);
  });

  it('substituted-args-are-redacted-from-failures-lists-resources-and-prompts', async () => {
    expectClean(await pool.callTool('leaky', 'throwLeak', {}));
    expectClean(pool.catalog());
    expectClean(pool.resources());
    expectClean(pool.prompts());
    expectClean(await pool.readResource('leaky', 'secret://leak'));
    expectClean(await pool.getPrompt('leaky', 'leak', {}));
  });
});

describe("one server's env value that is also a word of another server's listing", () => {
  it('is redacted from what that listing says, never from its names and schemas: the tools keep their names and are called by them', async () => {
    // `note` is a plain word, and here also a secret: the env value of another server.
    const noteServer = { ...ledgerServer(), env: { ...ledgerServer().env, MODE: 'note' } };
    const plain = ledgerServer();
    const redactor = createSecretRedactor(['note']);
    const words = await ServerPool.start({ moded: noteServer, plain }, { redactor });
    try {
      const tools = words.catalog().filter((tool) => tool.server === 'plain');
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['note', 'delete_note']));
      const deleteNote = tools.find((tool) => tool.name === 'delete_note');
      // Its description says "Deletes a note.": the word goes, the name and the schema's property names stay.
      expect(deleteNote?.description).toBe('Deletes a [redacted].');
      expect(Object.keys((deleteNote?.inputSchema as { properties: object }).properties)).toEqual(['text']);
      // Called by its name (the answer itself is redacted like any result: it quotes the tool's name).
      expect(await words.callTool('plain', 'note', { text: 'kept' })).toMatchObject({ ok: true, value: { text: 'kept' } });
    } finally {
      await words.close();
    }
  });
});
