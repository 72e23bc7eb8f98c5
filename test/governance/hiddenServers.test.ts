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
const passOnlyToken = 'pass-only-token-0123456789abcdef';
const opsToken = 'ops-token-0123456789abcdef';
const strictToken = 'strict-token-0123456789abcdef';
const closer = new Closer();
let lenient: InProcessHttpGateway;
let strict: InProcessHttpGateway;
let limited: Client;
let passOnly: Client;
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
    startHttpGateway(closer, {
      mcpServers: servers,
      auth: {
        tokens: [
          { name: 'limited', token: limitedToken, servers: ['memory'] },
          // Sees the second of two servers that list the same resources.
          { name: 'passOnly', token: passOnlyToken, servers: ['secretPass'] },
          { name: 'ops', token: opsToken },
        ],
      },
    }),
    startHttpGateway(closer, { mcpServers: { memory: servers.memory, secretive: servers.secretive }, codeMode: { typeCheck: 'strict' }, auth: { tokens: [{ name: 'strict', token: strictToken, servers: ['memory'] }] } }),
  ]);
  [limited, limitedStrict, passOnly] = await Promise.all([
    connectAs(closer, lenient.url, limitedToken),
    connectAs(closer, strict.url, strictToken),
    connectAs(closer, lenient.url, passOnlyToken),
  ]);
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

describe('what the client may not use, beyond tools and prompts', () => {
  const staticDocument = 'demo://resource/static/document/instructions.md';

  it('has no resources for it: a URI only hidden servers offer gets the answer a URI nobody offers gets', async () => {
    const hidden = await limited.readResource({ uri: staticDocument }).then(() => 'read', (error: Error) => error.message);
    const absent = await limited.readResource({ uri: 'demo://nobody/offers/this' }).then(() => 'read', (error: Error) => error.message);
    expect(hidden).not.toBe('read');
    expect(hidden).toBe(absent.replace('demo://nobody/offers/this', staticDocument));
  });

  it('does not stand in the way of a resource the client may read: a URI a hidden server lists too is read from the visible one', async () => {
    const listed = (await passOnly.listResources()).resources.map((resource) => resource.uri);
    expect(listed).toContain(staticDocument);
    const read = await passOnly.readResource({ uri: staticDocument });
    expect(read.contents[0]?.uri).toBe(staticDocument);
  });

  it('is not in /metrics: a client limited to some servers is refused them, saying why; an unrestricted one is served', async () => {
    // A call of the hidden server's, so that its names are in the metrics to be kept from the limited client.
    const ops = await connectAs(closer, lenient.url, opsToken);
    expect((await execute(ops, 'return await mcpTools.Secretive.echo({ message: "counted" });')).success).toBe(true);
    const metricsUrl = lenient.url.replace(/\/mcp$/, '/metrics');
    const refused = await fetch(metricsUrl, { headers: { authorization: `Bearer ${limitedToken}` } });
    const refusal = await refused.text();
    expect(refused.status).toBe(403);
    expect(refusal).toContain('may use only some servers');
    expect(refusal).not.toMatch(hiddenNames);
    const served = await fetch(metricsUrl, { headers: { authorization: `Bearer ${opsToken}` } });
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('server="secretive"');
  });
});
