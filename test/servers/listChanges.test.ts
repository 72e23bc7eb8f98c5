/**
 * Resource and prompt lists that change, and reads and gets that misbehave: against the fault
 * server, and the real everything server for a resources/list_changed of its own making.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ServerPool, type ListChange } from '../../src/servers/index.ts';
import { faultServer, officialServer } from '../fixtures/servers.ts';
import { nextEvent, poolsClosedAfterEach } from './helpers.ts';

const startPool = poolsClosedAfterEach();

/** Every change the pool reports, for assertions after the fact. */
function recordChanges(pool: ServerPool): ListChange[] {
  const changes: ListChange[] = [];
  pool.onListChanged((change) => changes.push(change));
  return changes;
}

describe('list_changed', () => {
  it('re-lists the resources on resources/list_changed, tells the listeners, and serves the new one', async () => {
    const pool = await startPool({ fault: faultServer() });
    expect(pool.resources().map((resource) => resource.uri)).toEqual(['fault://static/hello', 'fault://static/hang']);
    const changed = nextEvent<ListChange>((listener) => pool.onListChanged(listener));
    expect(await pool.callTool('fault', 'addResource', { name: 'note', text: 'a new note' })).toEqual({ ok: true, value: 'added fault://added/note' });
    expect(await changed).toEqual({ server: 'fault', kind: 'resources' });
    expect(pool.resources()).toContainEqual({ server: 'fault', uri: 'fault://added/note', name: 'note', mimeType: 'text/plain' });
    expect(await pool.readResource('fault', 'fault://added/note')).toEqual({
      ok: true,
      value: { contents: [{ uri: 'fault://added/note', text: 'a new note' }] },
    });
  });

  it('re-lists the prompts on prompts/list_changed, and the new prompt can be got', async () => {
    const pool = await startPool({ fault: faultServer() });
    const catalogChanges: unknown[] = [];
    pool.onCatalogChanged((catalog) => catalogChanges.push(catalog));
    const changed = nextEvent<ListChange>((listener) => pool.onListChanged(listener));
    await pool.callTool('fault', 'addPrompt', { name: 'summarise' });
    expect(await changed).toEqual({ server: 'fault', kind: 'prompts' });
    expect(pool.prompts().map((prompt) => prompt.name)).toEqual(['greet', 'failPrompt', 'summarise']);
    expect(await pool.getPrompt('fault', 'summarise')).toEqual({
      ok: true,
      value: { messages: [{ role: 'user', content: { type: 'text', text: 'prompt summarise' } }] },
    });
    // The tools did not change, so the catalog listeners (code mode) heard nothing.
    expect(catalogChanges).toEqual([]);
  });

  it('still reports tool changes to both kinds of listener', async () => {
    const pool = await startPool({ fault: faultServer() });
    const changes = recordChanges(pool);
    const catalogChanged = nextEvent((listener) => pool.onCatalogChanged(listener));
    await pool.callTool('fault', 'addTool', { name: 'greet' });
    await catalogChanged;
    expect(changes).toEqual([{ server: 'fault', kind: 'tools' }]);
  });

  it('follows a real server: everything registers a session resource', async () => {
    const pool = await startPool({ everything: officialServer('everything') });
    const changed = nextEvent<ListChange>((listener) => pool.onListChanged(listener));
    const outcome = await pool.callTool('everything', 'gzip-file-as-resource', { name: 'hello.txt.gz', data: 'data:text/plain,hello' });
    expect(outcome.ok).toBe(true);
    expect(await changed).toEqual({ server: 'everything', kind: 'resources' });
    expect(pool.resources()).toContainEqual(
      expect.objectContaining({ server: 'everything', uri: 'demo://resource/session/hello.txt.gz', mimeType: 'application/gzip' }),
    );
    const read = await pool.readResource('everything', 'demo://resource/session/hello.txt.gz');
    expect(read).toMatchObject({ ok: true, value: { contents: [{ uri: 'demo://resource/session/hello.txt.gz', blob: expect.any(String) }] } });
  });
});

describe('reads and gets that misbehave', () => {
  it('times a read out with the per-call deadline, then the server still answers', async () => {
    const pool = await startPool({ fault: { ...faultServer(), timeout: 150 } });
    expect(await pool.readResource('fault', 'fault://static/hang', { timeoutMs: 80 })).toEqual({
      ok: false,
      code: 'TOOL_TIMEOUT',
      message: 'fault resource fault://static/hang timed out after 80 ms',
    });
    expect(await pool.readResource('fault', 'fault://static/hang')).toMatchObject({ message: 'fault resource fault://static/hang timed out after 150 ms' });
    // A wide deadline of its own: that the server still answers is not about time (150 ms failed on a busy machine).
    expect(await pool.readResource('fault', 'fault://echo/still%20here', { timeoutMs: 30_000 })).toEqual({
      ok: true,
      value: { contents: [{ uri: 'fault://echo/still%20here', mimeType: 'text/plain', text: 'still here' }] },
    });
  });

  it('cancels a read when its signal aborts', async () => {
    const pool = await startPool({ fault: faultServer() });
    const outcome = await pool.readResource('fault', 'fault://static/hang', { signal: AbortSignal.timeout(50) });
    expect(outcome).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED', message: expect.stringMatching(/^fault resource fault:\/\/static\/hang was cancelled/) });
  });

  it('redacts secrets from read and get failures, and from passed-through error results', async () => {
    const secret = 'tok-9f8e7d6c5b4a';
    const pool = await startPool({ fault: faultServer({ env: { SECRET_TOKEN: secret } }) });
    const read = await pool.readResource('fault', `fault://echo/${encodeURIComponent(`fail:token ${secret} rejected`)}`);
    const got = await pool.getPrompt('fault', 'failPrompt', { message: `token ${secret} rejected` });
    const raw = await pool.callToolRaw('fault', 'fail', { message: `token ${secret} rejected` });
    expect(read).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED', message: expect.stringMatching(/^fault resource fault:\/\/echo\/.* failed: /) });
    expect(got).toEqual({ ok: false, code: 'TOOL_CALL_FAILED', message: expect.stringMatching(/^fault prompt failPrompt failed: .*token \[redacted\] rejected/) });
    expect(raw).toEqual({ ok: true, result: { content: [{ type: 'text', text: 'token [redacted] rejected' }], isError: true } });
    expect(JSON.stringify([read, got, raw])).not.toContain(secret);
  });

  it('empties the lists of a server that crashes and tells the listeners of each kind it had', async () => {
    // Restarts off, so the emptied lists can be looked at (restarts.test.ts has them filled again).
    const pool = await startPool({ fault: faultServer(), other: faultServer() }, { restart: false });
    const changes = recordChanges(pool);
    const catalogChanged = nextEvent((listener) => pool.onCatalogChanged(listener));
    expect(await pool.callTool('fault', 'crash', {})).toMatchObject({ ok: false });
    await catalogChanged;
    expect(changes).toEqual([
      { server: 'fault', kind: 'tools' },
      { server: 'fault', kind: 'resources' },
      { server: 'fault', kind: 'prompts' },
    ]);
    expect(new Set(pool.resources().map((resource) => resource.server))).toEqual(new Set(['other']));
    expect(new Set(pool.prompts().map((prompt) => prompt.server))).toEqual(new Set(['other']));
    expect(await pool.getPrompt('fault', 'greet', { name: 'Ada' })).toMatchObject({ ok: false, code: 'SERVER_UNAVAILABLE' });
    expect(await pool.readResource('fault', 'fault://static/hello')).toMatchObject({ ok: false, code: 'SERVER_UNAVAILABLE' });
    expect(await pool.getPrompt('other', 'greet', { name: 'Ada' })).toMatchObject({
      ok: true,
      value: { messages: [{ content: { text: 'Please greet Ada.' } }] },
    });
  });

  it('stops telling listeners once the pool is closed', async () => {
    const pool = await startPool({ fault: faultServer() });
    const changes = recordChanges(pool);
    await pool.close();
    expect(pool.resources()).toEqual([]);
    expect(pool.prompts()).toEqual([]);
    expect(changes).toEqual([]);
  });
});
