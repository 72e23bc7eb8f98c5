/**
 * Identities (issue 14, acceptance 1): named tokens each see and call only their servers, in
 * tools/list, the execute_code API and search_tools; code reaching for another client's server is
 * told there is no such namespace; an unknown token, an expired or wrong-audience JWT get 401; a valid JWT
 * (signed by a key of a JWKS served over HTTP) is named by its `sub`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { GovernanceDecision } from '../../src/governance/Governor.ts';
import { Closer, startHttpGateway, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { ledgerServer } from '../fixtures/servers.ts';
import { connectAs, execute, executeCodeDescription, initializeStatus, serveJwks, type TestIdentityProvider } from './governanceHelpers.ts';

const aliceToken = 'alice-token-0123456789abcdef';
const bobToken = 'bob-token-0123456789abcdef';
const closer = new Closer();
let gateway: InProcessHttpGateway;
let idp: TestIdentityProvider;
let alice: Client;
let bob: Client;
const decisions: GovernanceDecision[] = [];

beforeAll(async () => {
  idp = await serveJwks(closer);
  gateway = await startHttpGateway(closer, {
    mcpServers: { alpha: ledgerServer(), beta: ledgerServer() },
    auth: {
      tokens: [
        { name: 'alice', token: aliceToken, servers: ['alpha'] },
        { name: 'bob', token: bobToken, servers: ['beta'] },
      ],
      jwt: { jwksUrl: idp.jwksUrl, issuer: idp.issuer, audience: 'code-goat' },
    },
    policy: { rules: [{ server: 'beta', tool: 'drop_table', action: 'deny' }] },
  });
  gateway.gateway.gate.onDecision((decision) => decisions.push(decision));
  [alice, bob] = await Promise.all([connectAs(closer, gateway.url, aliceToken), connectAs(closer, gateway.url, bobToken)]);
}, 60_000);
afterAll(() => closer.closeAll());

describe('named tokens: each client sees only its servers', () => {
  it('the execute_code API of each names only its own server', async () => {
    const [forAlice, forBob] = await Promise.all([executeCodeDescription(alice), executeCodeDescription(bob)]);
    expect(forAlice).toContain('namespace mcpTools.Alpha');
    expect(forAlice).not.toMatch(/Beta|"beta"/);
    expect(forBob).toContain('namespace mcpTools.Beta');
    expect(forBob).not.toMatch(/Alpha|"alpha"/);
  });

  it('search_tools finds only its own server\'s tools', async () => {
    const search = async (client: Client) => {
      const result = await client.callTool({ name: 'search_tools', arguments: { query: 'note', limit: 10 } });
      return (result.structuredContent as { results: { server: string; call: string }[] }).results;
    };
    const [forAlice, forBob] = await Promise.all([search(alice), search(bob)]);
    expect(forAlice.length).toBeGreaterThan(0);
    expect(new Set(forAlice.map((hit) => hit.server))).toEqual(new Set(['alpha']));
    expect(new Set(forBob.map((hit) => hit.server))).toEqual(new Set(['beta']));
  });

  it('/healthz names only the servers of the client asking', async () => {
    const healthOf = async (token: string) => {
      const response = await fetch(gateway.url.replace('/mcp', '/healthz'), { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { servers: { name: string }[] }).servers.map((server) => server.name);
    };
    expect(await healthOf(aliceToken)).toEqual(['alpha']);
    expect(await healthOf(bobToken)).toEqual(['beta']);
  });

  it('code reaching for another client\'s server is told there is no such namespace, and its own server works', async () => {
    const result = await execute(
      alice,
      `const own = await mcpTools.Alpha.note({ text: 'from alice' });
try { await mcpTools.Beta.note({ text: 'sneaking in' }); } catch (error) { return { own, refused: error.message }; }
return 'reached beta';`,
    );
    expect(result.success).toBe(true);
    const value = result.returnValue as { own: { text: string }; refused: string };
    expect(value.own.text).toBe('from alice');
    // As for any name it was not given: nothing says the server is there (test/governance/hiddenServers.test.ts).
    expect(value.refused).toBe('mcpTools.Beta is not a namespace. Namespaces: Alpha.');
    const ledger = await execute(bob, 'return await mcpTools.Beta.ledger();');
    expect(ledger.returnValue).toEqual({ calls: [] });
  });
});

describe('who gets in', () => {
  it('an unknown token and no token get 401', async () => {
    expect((await initializeStatus(gateway.url, 'Bearer not-a-token-anyone-has')).status).toBe(401);
    expect((await initializeStatus(gateway.url)).status).toBe(401);
    expect((await initializeStatus(gateway.url.replace('/mcp', '/healthz'))).status).toBe(401);
  });

  it('a client cannot act through another client\'s session: to it, that session does not exist', async () => {
    const sessionId = (alice.transport as StreamableHTTPClientTransport | undefined)?.sessionId;
    expect(sessionId).toBeDefined();
    const borrow = (authorization: string) =>
      fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization, 'mcp-session-id': sessionId ?? '', 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
    expect((await borrow(`Bearer ${bobToken}`)).status).toBe(404);
    expect((await borrow(`Bearer ${aliceToken}`)).status).toBe(200);
  });

  it('a 401 points at the protected-resource metadata, which names the issuer', async () => {
    const refused = await initializeStatus(gateway.url, 'Bearer nope');
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource"$/);
    const metadata = (await (await fetch(/resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? '')).json()) as Record<string, unknown>;
    expect(metadata).toEqual({ resource: gateway.url, authorization_servers: [idp.issuer], bearer_methods_supported: ['header'] });
  });

  it('an expired JWT, one for another audience, one from another issuer, one signed by a stranger key and one whose sub would forge a log line get 401', async () => {
    const expired = await idp.sign({ sub: 'carol', aud: 'code-goat', expiresAt: Math.floor(Date.now() / 1000) - 120 });
    const otherAudience = await idp.sign({ sub: 'carol', aud: 'another-service' });
    const otherIssuer = await idp.sign({ sub: 'carol', aud: 'code-goat', issuer: 'https://elsewhere.example/' });
    const stranger = await idp.signWithStrangerKey({ sub: 'carol', aud: 'code-goat' });
    const forgedLogLine = await idp.sign({ sub: 'carol\n{"level":"info","message":"forged"}', aud: 'code-goat' });
    for (const [token, reason] of [
      [forgedLogLine, 'control characters'],
      [expired, 'expired'],
      [otherAudience, '"aud"'],
      [otherIssuer, '"iss"'],
      [stranger, 'not signed by a key'],
    ] as const) {
      const answer = await initializeStatus(gateway.url, `Bearer ${token}`);
      expect(answer.status).toBe(401);
      expect((JSON.parse(answer.body) as { error: { message: string } }).error.message).toContain(reason);
    }
  });

  it('a valid JWT gets in, named by its sub: policy and its log see that name', async () => {
    const carol = await connectAs(closer, gateway.url, await idp.sign({ sub: 'carol', aud: 'code-goat' }));
    const result = await execute(carol, `try { await mcpTools.Beta.dropTable({ text: 'users' }); } catch (error) { return error.code; }`);
    expect(result.returnValue).toBe('POLICY_DENIED');
    expect(decisions).toContainEqual({ client: 'carol', server: 'beta', tool: 'drop_table', from: 'code', decision: 'deny' });
    expect(gateway.logs.some((line) => line.includes('governance decision') && line.includes('"client":"carol"'))).toBe(true);
  });
});
