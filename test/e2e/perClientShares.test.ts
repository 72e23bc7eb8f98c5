/**
 * Room the listener shares among clients is shared fairly: one client opening 2025-era sessions by
 * the hundred drops its own old ones, not another client's, and past the bound for all it is the
 * client holding most that gives one up; one client cannot hold every 2026-07-28
 * `subscriptions/listen` stream the SDK allows, leaving the others without notifications.
 * Real HTTP on loopback, raw requests where an SDK client would not send so many.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { httpDefaults } from '../../src/config/defaults.ts';
import { createGateway } from '../../src/gateway/Gateway.ts';
import { listenHttp } from '../../src/gateway/httpServer.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Closer } from './gatewayHelpers.ts';

const tokens = { pushy: 'shares-pushy-0123456789', calm: 'shares-calm-0123456789', third: 'shares-third-0123456789' };
const closer = new Closer();
afterAll(() => closer.closeAll());

async function startGateway(sessions?: Parameters<typeof listenHttp>[1]['sessions']): Promise<string> {
  const auth = { tokens: Object.entries(tokens).map(([name, token]) => ({ name, token })) };
  const gateway = closer.add(await createGateway({ mcpServers: {}, codeMode: { enabled: false }, auth }, { logger: silentLogger }), (g) => g.close());
  const http = closer.add(await listenHttp(gateway, { host: '127.0.0.1', port: 0, ...(sessions && { sessions }) }), (h) => h.close());
  return http.url;
}

const legacyVersion = '2025-06-18';
const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function initialize(url: string, token: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...jsonHeaders, authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: legacyVersion, capabilities: {}, clientInfo: { name: 'shares', version: '1' } } }),
  });
  await response.text();
  const sessionId = response.headers.get('mcp-session-id');
  if (response.status !== 200 || sessionId === null) throw new Error(`initialize got ${response.status}`);
  return sessionId;
}

/** `tools/list` on a session: 200, or 404 once the gateway dropped it. */
async function listOn(url: string, token: string, sessionId: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...jsonHeaders, authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': legacyVersion },
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }),
  });
  await response.text();
  return response.status;
}

describe('2025-era sessions', () => {
  it("one client's initializes drop its own old sessions past its share, never another client's", async () => {
    const url = await startGateway({ maxSessions: 6, sessionsPerClient: 3 });
    const calm = await initialize(url, tokens.calm);
    const pushy: string[] = [];
    for (let i = 0; i < 10; i++) pushy.push(await initialize(url, tokens.pushy));
    expect(await listOn(url, tokens.calm, calm)).toBe(200);
    expect(await listOn(url, tokens.pushy, pushy[0]!)).toBe(404);
    expect(await listOn(url, tokens.pushy, pushy.at(-1)!)).toBe(200);
  });

  it('past the bound for all, the client holding most gives one up, though another holds the least recently used', async () => {
    const url = await startGateway({ maxSessions: 4, sessionsPerClient: 3 });
    const calm = await initialize(url, tokens.calm); // the least recently used of all
    const pushy = [await initialize(url, tokens.pushy), await initialize(url, tokens.pushy), await initialize(url, tokens.pushy)];
    await initialize(url, tokens.third); // over the bound: one of pushy's three goes
    expect(await listOn(url, tokens.calm, calm)).toBe(200);
    expect(await listOn(url, tokens.pushy, pushy[0]!)).toBe(404);
  });
});

describe('2026-07-28 subscriptions/listen streams', () => {
  /** Opens a listen stream over a raw socket: whether it was acknowledged, and the socket to close it by. */
  function listen(url: string, token: string, id: number): Promise<{ acknowledged: boolean; status: number; socket: net.Socket }> {
    const { hostname, port } = new URL(url);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'subscriptions/listen',
      params: {
        notifications: { toolsListChanged: true },
        _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'shares', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} },
      },
    });
    return new Promise((resolve) => {
      const socket = closer.add(
        net.connect(Number(port), hostname, () =>
          socket.write(
            `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
              `Mcp-Protocol-Version: 2026-07-28\r\nMcp-Method: subscriptions/listen\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          ),
        ),
        (s) => void s.destroy(),
      );
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk;
        const status = Number(/^HTTP\/1\.1 (\d+)/.exec(received)?.[1] ?? 0);
        if (/acknowledged|"error"/.test(received)) resolve({ acknowledged: received.includes('acknowledged') && status === 200, status, socket });
      });
      socket.on('error', () => resolve({ acknowledged: false, status: 0, socket }));
    });
  }

  it('one client holds at most its share open; past it it is refused with 429 saying why, and another client still listens', async () => {
    const url = await startGateway();
    const pushy = [];
    for (let id = 1; id <= httpDefaults.listensPerClient + 3; id++) pushy.push(await listen(url, tokens.pushy, id));
    expect(pushy.filter((stream) => stream.acknowledged)).toHaveLength(httpDefaults.listensPerClient);
    expect(pushy.slice(-3).map((stream) => stream.status)).toEqual([429, 429, 429]);
    const calm = await listen(url, tokens.calm, 1);
    expect(calm.acknowledged).toBe(true);
    // A stream closed gives its place back.
    pushy[0]!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await listen(url, tokens.pushy, 1000)).acknowledged).toBe(true);
  });
});
