/** Streamable HTTP and SSE against the real everything server, the fallback between them, and headers. */
import { freePort } from '../fixtures/processes.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerPool } from '../../src/servers/index.ts';
import { officialServerScript } from '../fixtures/servers.ts';
import { captureLogger } from './helpers.ts';

/** Starts server-everything in `mode` on a free port; resolves once it says it listens. */
async function startEverything(mode: 'streamableHttp' | 'sse'): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [officialServerScript('everything'), mode], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/port/i.test(stderr)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`everything ${mode} exited (${code}): ${stderr}`)));
  });
  return { url: `http://127.0.0.1:${port}`, process: child };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

let streamable: { url: string; process: ChildProcess };
let sse: { url: string; process: ChildProcess };
beforeAll(async () => {
  [streamable, sse] = await Promise.all([startEverything('streamableHttp'), startEverything('sse')]);
});
afterAll(async () => {
  await Promise.all([stop(streamable?.process), stop(sse?.process)]);
});

async function withPool<T>(servers: Parameters<typeof ServerPool.start>[0], use: (pool: ServerPool) => Promise<T>, logger = captureLogger()) {
  const pool = await ServerPool.start(servers, { logger: logger.logger, connectTimeoutMs: 5_000 });
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}

describe('Streamable HTTP', () => {
  it('connects, lists and calls', async () => {
    await withPool({ remote: { url: `${streamable.url}/mcp`, transport: 'http' } }, async (pool) => {
      expect(pool.status()[0]).toMatchObject({ state: 'ready', transport: 'http' });
      expect(pool.catalog().map((tool) => tool.name)).toContain('echo');
      expect(await pool.callTool('remote', 'echo', { message: 'over http' })).toEqual({ ok: true, value: 'Echo: over http' });
    });
  });

  it('is what a bare url tries first', async () => {
    await withPool({ remote: { url: `${streamable.url}/mcp` } }, async (pool) => {
      expect(pool.status()[0]).toMatchObject({ state: 'ready', transport: 'http' });
    });
  });
});

describe('SSE', () => {
  it('connects, lists and calls when asked for', async () => {
    await withPool({ remote: { url: `${sse.url}/sse`, type: 'sse' } }, async (pool) => {
      expect(pool.status()[0]).toMatchObject({ state: 'ready', transport: 'sse' });
      expect(await pool.callTool('remote', 'get-sum', { a: 2, b: 3 })).toEqual({ ok: true, value: 'The sum of 2 and 3 is 5.' });
    });
  });

  it('is the fallback when Streamable HTTP fails on a bare url', async () => {
    const log = captureLogger();
    await withPool(
      { remote: { url: `${sse.url}/sse` } },
      async (pool) => {
        expect(pool.status()[0]).toMatchObject({ state: 'ready', transport: 'sse' });
        expect(await pool.callTool('remote', 'echo', { message: 'fell back' })).toEqual({ ok: true, value: 'Echo: fell back' });
      },
      log,
    );
    expect(log.records).toContainEqual(expect.objectContaining({ message: 'transport attempt failed, trying the next one', fields: expect.objectContaining({ transport: 'http' }) }));
  });
});

describe('headers', () => {
  const canary = 'canary-header-9d8e7f6a';
  let server: Server;
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    // Refuses everyone, echoing the credential back: the worst case for leaking it.
    server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(401, { 'content-type': 'text/plain' }).end(`token ${request.headers.authorization ?? ''} refused`);
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('are sent on every attempt, and never appear in the failure or the logs', async () => {
    const log = captureLogger();
    const { port } = server.address() as AddressInfo;
    await withPool(
      { locked: { url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: `Bearer ${canary}` } } },
      async (pool) => {
        const [status] = pool.status();
        expect(status).toMatchObject({ state: 'failed', failure: expect.stringMatching(/^Streamable HTTP: .*; SSE: .*/) });
        expect(JSON.stringify(pool.status())).not.toContain(canary);
        const outcome = await pool.callTool('locked', 'anything', {});
        expect(outcome).toMatchObject({ ok: false, code: 'SERVER_UNAVAILABLE' });
        expect(JSON.stringify(outcome)).not.toContain(canary);
      },
      log,
    );
    const methods = new Set(seen.map((headers) => headers['accept']?.includes('text/event-stream') && !headers['content-type'] ? 'GET' : 'POST'));
    expect(methods).toEqual(new Set(['POST', 'GET']));
    expect(seen.every((headers) => headers.authorization === `Bearer ${canary}`)).toBe(true);
    expect(log.text()).not.toContain(canary);
  });
});

describe('an unreachable server', () => {
  it('fails with the reason of each attempt', async () => {
    const port = await freePort();
    await withPool({ gone: { url: `http://127.0.0.1:${port}/mcp` } }, async (pool) => {
      expect(pool.status()[0]).toMatchObject({ state: 'failed', failure: expect.stringMatching(/^Streamable HTTP: .+; SSE: .+/) });
    });
  });
});
