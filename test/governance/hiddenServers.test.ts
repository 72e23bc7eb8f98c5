/**
 * A server a client may not use does not exist for it, wherever it looks: its code naming that server
 * is told what code naming any unknown namespace is told, the type check of its code knows only the
 * API its model was shown (no "Did you mean" pointing at the hidden server, and under `strict` code
 * that uses it does not type-check), and a prompt it asks for by another server's name is answered
 * with its own prompts. A real gateway over HTTP with real servers; the secretive ones are
 * server-everything (code mode and passthrough), the client's own is server-memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { Closer, makeWorkspace, startHttpGateway, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { officialServer } from '../fixtures/servers.ts';
import { connectAs, execute } from './governanceHelpers.ts';

const limitedToken = 'limited-token-0123456789abcdef';
const strictToken = 'strict-token-0123456789abcdef';
const closer = new Closer();
let lenient: InProcessHttpGateway;
let strict: InProcessHttpGateway;
let limited: Client;
let limitedStrict: Client;

/** Names of what the client may not see, in any spelling the gateway would give them. */
const hiddenNames = /secretive|secretPass|everything/i;

beforeAll(async () => {
  const workspace = makeWorkspace(closer, 'hidden-servers');
  const servers = {
    memory: officialServer('memory', { memoryFile: `${workspace}/memory.jsonl` }),
    secretive: officialServer('everything'),
    secretPass: { ...officialServer('everything'), codeMode: false },
  };
  [lenient, strict] = await Promise.all([
    startHttpGateway(closer, { mcpServers: servers, auth: { tokens: [{ name: 'limited', token: limitedToken, servers: ['memory'] }] } }),
    startHttpGateway(closer, { mcpServers: { memory: servers.memory, secretive: servers.secretive }, codeMode: { typeCheck: 'strict' }, auth: { tokens: [{ name: 'strict', token: strictToken, servers: ['memory'] }] } }),
  ]);
  [limited, limitedStrict] = await Promise.all([connectAs(closer, lenient.url, limitedToken), connectAs(closer, strict.url, strictToken)]);
}, 60_000);
afterAll(() => closer.closeAll());

describe('a server the client may not use', () => {
  it('is, to its code, an unknown namespace: the same answer as for one that does not exist', async () => {
    const hidden = await execute(limited, 'return await mcpTools.Secretive.echo({ message: "x" });');
    const absent = await execute(limited, 'return await mcpTools.Nonexistent.echo({ message: "x" });');
    expect(hidden.success).toBe(false);
    expect(hidden.errorCode).toBe('UNKNOWN_TOOL');
    expect(hidden.error).toBe(absent.error!.replace('Nonexistent', 'Secretive'));
    expect(hidden.error).toContain('mcpTools.Secretive is not a namespace');
    expect(hidden.error).not.toContain('limited');
  });

  it('is in no type-check diagnostic of its code, and code using it does not type-check under strict', async () => {
    // A misspelling next to the hidden namespace: the whole API's checker would suggest it.
    const misspelt = await execute(limited, 'return await mcpTools.Secretiv.echo({ message: "x" });');
    expect(misspelt.success).toBe(false);
    expect(misspelt.diagnostics?.length).toBeGreaterThan(0);
    expect(JSON.stringify(misspelt.diagnostics)).not.toMatch(hiddenNames);
    expect(JSON.stringify(misspelt)).not.toMatch(/'Secretive'/);

    const usesHidden = await execute(limitedStrict, 'const echoed = await mcpTools.Secretive.echo({ message: "x" }); return echoed;');
    expect(usesHidden.errorCode).toBe('TYPE_ERROR');
    expect(usesHidden.diagnostics?.[0]?.message).toContain("Property 'Secretive' does not exist");
    // Its own server's code still type-checks and runs.
    const own = await execute(limitedStrict, 'const graph = await mcpTools.Memory.readGraph({}); return graph.entities.length;');
    expect(own).toMatchObject({ success: true, returnValue: 0 });
  });

  it('has no prompts for it: asking for one by its name lists only the client\'s own', async () => {
    await expect(limited.getPrompt({ name: 'secretPass__simple-prompt' })).rejects.toThrow(/Unknown prompt "secretPass__simple-prompt"\. Prompts: \(none\)\./);
    const listed = await limited.listPrompts();
    expect(JSON.stringify(listed)).not.toMatch(hiddenNames);
  });
});
