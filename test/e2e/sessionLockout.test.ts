/**
 * Hazard: sessions lock clients out. 2025-era HTTP clients that close without `DELETE` (the SDK 1.x
 * client, LangChain's adapters, mcp-remote) leave their sessions behind; the gateway must drop old
 * ones (least recently used first, those whose stream closed before the others) rather than refuse
 * new clients once it holds `httpDefaults.maxSessions`. And a client still connected on its GET stream
 * is in use, however long it stays quiet: the idle sweep must not end its session.
 *
 * Real HTTP on loopback; no time is asserted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { httpDefaults } from '../../src/config/defaults.ts';
import { createGateway } from '../../src/gateway/Gateway.ts';
import { listenHttp } from '../../src/gateway/httpServer.ts';
import { silentLogger, type Logger } from '../../src/observability/logger.ts';
import { Closer, connectHttp, eventually } from './gatewayHelpers.ts';

const protocolVersion = '2025-06-18';
const closer = new Closer();
afterEach(() => closer.closeAll());

/** A gateway with no downstream server and no sandbox: only the upstream sessions matter here. */
async function startGateway(sessions?: Parameters<typeof listenHttp>[1]['sessions'], logger: Logger = silentLogger) {
  const gateway = closer.add(await createGateway({ mcpServers: {}, codeMode: { enabled: false } }, { logger }), (g) => g.close());
  const http = closer.add(await listenHttp(gateway, { host: '127.0.0.1', port: 0, ...(sessions && { sessions }) }), (h) => h.close());
  return http.url;
}

const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** A raw 2025-era initialize; resolves with the session id the gateway gave (the client then leaves, no DELETE). */
async function initialize(url: string, name: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name, version: '1' } } }),
  });
  const body = await response.text();
  const sessionId = response.headers.get('mcp-session-id');
  if (response.status !== 200 || sessionId === null) throw new Error(`initialize of ${name} got ${response.status}: ${body.slice(0, 300)}`);
  return sessionId;
}

/** `tools/list` on a session: the HTTP status (404 once the gateway dropped the session). */
async function listOn(url: string, sessionId: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': protocolVersion },
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }),
  });
  await response.text();
  return response.status;
}

/** Opens the session's GET stream, as 2025-era clients do for server notifications; abort to close it. */
async function openStream(url: string, sessionId: string): Promise<AbortController> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'GET',
    headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': protocolVersion },
    signal: abort.signal,
  });
  if (response.status !== 200) throw new Error(`GET stream got ${response.status}`);
  closer.add(abort, (controller) => controller.abort());
  void response.body?.pipeTo(new WritableStream()).catch(() => {});
  return abort;
}

/** Runs `count` tasks, `width` at a time. */
async function inBatches(count: number, width: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    for (let index = next++; index < count; index = next++) await task(index);
  }));
}

describe('sessions lock clients out', () => {
  it(`2,000 clients that initialize and leave without DELETE, then one more: it is served (cap ${httpDefaults.maxSessions})`, { timeout: 180_000 }, async () => {
    const url = await startGateway();
    const leavers = 2 * httpDefaults.maxSessions;
    await inBatches(leavers, 16, (index) => initialize(url, `leaver-${index}`));
    const client = await connectHttp(closer, url, {}, 'the-one-more');
    expect(client.getProtocolEra()).toBe('legacy');
    const { tools } = await client.listTools();
    expect(Array.isArray(tools)).toBe(true);
  });

  it('at the cap, the least recently used session is dropped first, and a session in use stays', async () => {
    const url = await startGateway({ maxSessions: 3 });
    const oldest = await initialize(url, 'oldest');
    const used = await initialize(url, 'used');
    const third = await initialize(url, 'third');
    expect(await listOn(url, used)).toBe(200); // `used` is now more recent than `third`
    await initialize(url, 'fourth'); // over the cap: `oldest` goes
    expect(await listOn(url, oldest)).toBe(404);
    expect(await listOn(url, used)).toBe(200);
    expect(await listOn(url, third)).toBe(200);
  });

  it('at the cap, a session whose GET stream closed goes before an older one with nothing open', async () => {
    const debug: string[] = [];
    const logger: Logger = { ...silentLogger, debug: (message) => void debug.push(message), child: () => logger };
    const url = await startGateway({ maxSessions: 2 }, logger);
    const quiet = await initialize(url, 'quiet');
    const gone = await initialize(url, 'gone');
    const stream = await openStream(url, gone);
    stream.abort(); // the client went away: its stream closed, no DELETE
    await eventually('the gateway to see the stream close', () => (debug.includes('http session stream closed') ? true : undefined));
    await initialize(url, 'newcomer'); // over the cap: `gone` goes, though `quiet` was used less recently
    expect(await listOn(url, gone)).toBe(404);
    expect(await listOn(url, quiet)).toBe(200);
  });

  it('a session whose client closed its GET stream is dropped after the grace; the others stay', async () => {
    const url = await startGateway({ streamGraceMs: 0 });
    const quiet = await initialize(url, 'quiet');
    const gone = await initialize(url, 'gone');
    const stream = await openStream(url, gone);
    stream.abort(); // the client went away: its stream closed, no DELETE
    await waitFor404(url, gone, 50);
    expect(await listOn(url, quiet)).toBe(200);
  });

  it('the idle sweep never ends a session whose client is connected on its GET stream', async () => {
    const idleTimeoutMs = 200;
    const url = await startGateway({ idleTimeoutMs, sweepIntervalMs: 50 });
    const listening = await initialize(url, 'listening');
    await openStream(url, listening);
    const idle = await initialize(url, 'idle'); // newer than `listening`, and no stream
    // Once the sweep ended `idle`, it has looked at `listening` too, which was quiet for longer.
    await waitFor404(url, idle, 4 * idleTimeoutMs);
    expect(await listOn(url, listening)).toBe(200);
  });
});

/**
 * Asks about `sessionId` every `pauseMs` until the gateway answers 404. Asking is activity, so the
 * pause is longer than what the session needs to be dropped; the test's own timeout bounds the wait.
 */
async function waitFor404(url: string, sessionId: string, pauseMs: number): Promise<void> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    if ((await listOn(url, sessionId)) === 404) return;
  }
}
