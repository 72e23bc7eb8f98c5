import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createGateway, listenHttp, type Gateway, type HttpGateway } from '../../src/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { officialServer } from '../fixtures/servers.ts';

// Upstream HTTP security: bearer token, Host and Origin checks (DNS rebinding), body size cap.
const token = 'test-token-5b1d0c';
let gateway: Gateway;
let http: HttpGateway;

beforeAll(async () => {
  gateway = await createGateway({ mcpServers: { everything: officialServer('everything') } }, { logger: silentLogger });
  http = await listenHttp(gateway, { port: 0, token, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await http?.close();
  await gateway?.close();
});

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '0' } },
});

/** A raw request, so that headers (Host, Origin) can be set the way an attacker would. */
function post(headers: Record<string, string>, body = initialize): Promise<{ status: number; body: string }> {
  const url = new URL(http.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTP security', () => {
  it('a request without the token gets 401 and says what to send', async () => {
    const answer = await post({});
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('Authorization: Bearer <token>');
    expect(answer.body).not.toContain(token);
  });

  it('a-401-does-not-advertise-oauth: no WWW-Authenticate challenge (mcp-remote would start a sign-in that never ends), a JSON-RPC error body', async () => {
    // The gateway has no OAuth server: a Bearer challenge sends OAuth-capable clients looking for one.
    for (const url of [http.url, http.url.replace('/mcp', '/healthz')]) {
      const answer = await fetch(url, { method: url.endsWith('/mcp') ? 'POST' : 'GET', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, ...(url.endsWith('/mcp') && { body: initialize }) });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBeNull();
      const body = (await answer.json()) as { jsonrpc?: string; id?: unknown; error?: { code?: unknown; message?: string } };
      expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: expect.any(Number) } });
      expect(body.error?.message).toContain('Authorization: Bearer <token>');
    }
  });

  it('a wrong token gets 401', async () => {
    expect((await post({ authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post({ authorization: `Bearer ${token}x` })).status).toBe(401);
  });

  it('the right token gets through, and an SDK client works with it', async () => {
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
    const client = new Client({ name: 'with-token', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    const result = await client.callTool({ name: 'execute_code', arguments: { code: 'return await mcpTools.Everything.echo({ message: "ok" })' } });
    expect(result.structuredContent).toMatchObject({ success: true, returnValue: 'Echo: ok' });
    await client.close();
  });

  it('a foreign Origin (a web page trying to reach the local gateway) is refused', async () => {
    const answer = await post({ authorization: `Bearer ${token}`, origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect((await post({ authorization: `Bearer ${token}`, origin: 'http://localhost:5173' })).status).toBe(200);
  });

  it('a foreign Host header (DNS rebinding) is refused', async () => {
    const answer = await post({ authorization: `Bearer ${token}`, host: 'evil.example:80' });
    expect(answer.status).toBe(403);
  });

  it('an oversized body is refused with 413', async () => {
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'execute_code', arguments: { code: `return "${'x'.repeat(100_000)}"` } } });
    const answer = await post({ authorization: `Bearer ${token}` }, huge);
    expect(answer.status).toBe(413);
  });

  it('a body nested past any message is refused with 400 Invalid Request before it is parsed, and the gateway serves on', async () => {
    // 100,000 levels fit in far less than the body cap and overflowed the SDK's recursive validation (a 500);
    // the test's body cap is 64 KiB, so 2,000 levels stand for them.
    const deep = `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"execute_code","arguments":{"code":"return 1","x":${'['.repeat(2_000)}${']'.repeat(2_000)}}}}`;
    const answer = await post({ authorization: `Bearer ${token}` }, deep);
    expect(answer.status).toBe(400);
    const error = (JSON.parse(answer.body) as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(-32600);
    expect(error.message).toContain('nests arrays or objects more than 516 levels deep');
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('binding beyond loopback without a token is refused before listening', async () => {
    await expect(listenHttp(gateway, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/--token or CODE_GOAT_TOKEN/);
  });

  it('a 2025-era request with an unknown session id gets 404, so the client opens a new session', async () => {
    const list = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} });
    const answer = await post({ authorization: `Bearer ${token}`, 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-06-18' }, list);
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('not found or expired');
  });

  it('healthz needs the token too when one is set', async () => {
    const url = http.url.replace('/mcp', '/healthz');
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok' });
  });
});
