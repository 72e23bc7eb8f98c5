import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, isLegacyRequest, type AuthInfo } from '@modelcontextprotocol/server';
import { toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import { httpDefaults, nestingDefaults } from '../config/defaults.ts';
import { jsonTextDeeperThan } from '../text/jsonDepth.ts';
import type { MetricsExposition } from '../telemetry/index.ts';
import { LegacySessions, type SessionLimits } from './LegacySessions.ts';
import type { Gateway, ListKind } from './Gateway.ts';
import { createHttpGuards, type HttpSecurityOptions } from './httpGuards.ts';
import { clientOf, createHttpAuth, protectedResourceMetadata, protectedResourcePath } from './clients/httpAuth.ts';
import { createAuthenticator } from '../governance/identity/Authenticator.ts';
import { consolePath, createConsoleHandler } from './console/serveConsole.ts';
import { isListenRequest, ListenQuota } from './clients/listenQuota.ts';

export interface HttpListenOptions extends HttpSecurityOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Largest request body accepted, in bytes (default 4 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Bounds of the 2025-era sessions; each left out takes its `httpDefaults` value. */
  sessions?: Partial<SessionLimits>;
}

export interface HttpGateway {
  /** `http://host:port/mcp` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the gateway as Streamable HTTP at `/mcp`, `GET /healthz` with each downstream server's
 * state, `GET /metrics` (Prometheus text) and the operator console at `/ui`, all behind the same guards. The 2026-07-28 revision
 * is served per request by the SDK's handler; 2025-era clients get sessions (see LegacySessions) so
 * that list changes reach them too.
 */
export async function listenHttp(gateway: Gateway, options: HttpListenOptions): Promise<HttpGateway> {
  const host = options.host ?? httpDefaults.host;
  const authenticator = createAuthenticator(gateway.config.auth, options.token);
  const passesGuards = createHttpGuards(host, options, authenticator.required);
  /** Names the client or answers 401: every endpoint but the protected-resource metadata is behind it. */
  const admit = createHttpAuth(authenticator, gateway.logger);
  /** The operator console: its own sign-in (a session cookie), checked against the same tokens. */
  const serveConsole = createConsoleHandler(gateway, authenticator);
  const maxRequestBodySize = options.maxBodyBytes ?? httpDefaults.maxBodyBytes;
  const mcp = createMcpHandler((ctx) => gateway.createServer({ client: clientOf(ctx.authInfo), era: ctx.era }), {
    onerror: (error) => gateway.logger.debug('http request rejected', { error: error.message }),
    maxRequestBodySize,
  });
  const handleMcp = toNodeHandler(mcp, { maxRequestBodySize, onerror: (error) => gateway.logger.warn('http handler error', { error: error.message }) });
  const legacySessions = new LegacySessions(gateway, options.sessions);
  const listens = new ListenQuota(httpDefaults.listensPerClient);
  const stopForwarding = gateway.onListChanged((kind) => {
    notify(mcp.notify, kind);
    legacySessions.notify(kind);
  });

  /** The body is read once, here, and handed on parsed: the era decision needs it, and so does whoever serves. */
  async function serveMcp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let webRequest: Request;
    try {
      webRequest = await toWebRequest(request, undefined, { maxRequestBodySize });
    } catch (error) {
      if ((error as { status?: number }).status === 413) return sendJson(response, 413, { error: `Request body over ${maxRequestBodySize} bytes.` });
      throw error;
    }
    const text = request.method === 'POST' ? await webRequest.text() : '';
    const maxBodyDepth = nestingDefaults.maxValueDepth + nestingDefaults.messageEnvelopeDepth;
    if (jsonTextDeeperThan(text, maxBodyDepth)) {
      const message = `Invalid Request: the body nests arrays or objects more than ${maxBodyDepth} levels deep (tool arguments may nest ${nestingDefaults.maxValueDepth}).`;
      return sendJson(response, 400, { jsonrpc: '2.0', error: { code: -32600, message }, id: null });
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (request.method === 'POST' && body === undefined) {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not JSON.' }, id: null }));
      return;
    }
    const client = clientOf((request as { auth?: AuthInfo }).auth);
    const probe = new Request(webRequest.url, { method: webRequest.method, headers: webRequest.headers });
    if ((await isLegacyRequest(probe, body)) && (await legacySessions.handle(request, response, body, client))) return;
    if (isListenRequest(body) && !listens.admit(client, response)) {
      const id = (body as { id?: unknown }).id ?? null;
      const message = `Too many open subscriptions/listen streams for client "${client.name}": at most ${httpDefaults.listensPerClient} at once. Close one first.`;
      response.writeHead(429, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message } }));
      return;
    }
    await handleMcp(request, response, body);
  }

  const server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      // A client that went away mid-request (a body cut short) is no fault of ours: nothing to alarm anyone with.
      if (request.destroyed || response.destroyed) gateway.logger.debug('http request abandoned by its client', { error: message });
      else gateway.logger.error('http request failed', { error: message });
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The absolute form (`POST http://host/mcp`) is for proxies; a server is sent the path. Its host part would bypass the Host check, too.
    if (!(request.url ?? '/').startsWith('/')) return sendJson(response, 400, { error: 'Bad request target: send the path (/mcp), not a full URL.' });
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!passesGuards(request, response)) return;
    if (path === protectedResourcePath && request.method === 'GET' && authenticator.jwt !== undefined) {
      sendJson(response, 200, protectedResourceMetadata(request, authenticator.jwt.issuer));
      return;
    }
    if (path === consolePath || path.startsWith(`${consolePath}/`)) {
      await serveConsole(request, response, path);
      return;
    }
    const client = await admit(request, response);
    if (client === undefined) return;
    if (path === '/healthz' && request.method === 'GET') {
      sendJson(response, 200, gateway.health(client));
      return;
    }
    if (path === '/metrics' && request.method === 'GET' && gateway.telemetry.metrics) {
      // Metrics name every server, tool and client: a client limited to some servers must not learn of the others there.
      if (client.servers !== undefined) {
        sendJson(response, 403, {
          error: `Forbidden: client "${client.name}" may use only some servers (auth.tokens[].servers), and /metrics covers every server and client; scrape it with a token that is not limited to servers.`,
        });
        return;
      }
      await sendMetrics(response, gateway.telemetry.metrics);
      return;
    }
    if (path === '/mcp') {
      if (!mcpMethods.has(request.method ?? '')) {
        response.writeHead(405, { 'content-type': 'application/json', allow: [...mcpMethods].join(', ') });
        response.end(JSON.stringify({ error: `Method ${request.method} is not allowed on /mcp: use POST (messages), GET (a stream) or DELETE (end a session).` }));
        return;
      }
      const limit = await gateway.gate.checkRequest(client);
      if (limit.limited) {
        const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(seconds) });
        response.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: `Too many requests: ${limit.because} is used up for client "${client.name}"; retry after ${seconds} s.` }, id: null }));
        return;
      }
      await serveMcp(request, response);
      return;
    }
    sendJson(response, 404, { error: `Not found: ${path}. The MCP endpoint is /mcp, health is /healthz.` });
  }

  server.keepAliveTimeout = httpDefaults.keepAliveTimeoutMs;
  // Node wants the headers deadline past the keep-alive one, or a reused connection can be cut while its next request's headers arrive.
  server.headersTimeout = httpDefaults.keepAliveTimeoutMs + 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/mcp`,
    port,
    async close() {
      stopForwarding();
      await legacySessions.close();
      await mcp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notify(notifier: { toolsChanged(): void; resourcesChanged(): void; promptsChanged(): void }, kind: ListKind): void {
  if (kind === 'tools') notifier.toolsChanged();
  else if (kind === 'resources') notifier.resourcesChanged();
  else notifier.promptsChanged();
}

async function sendMetrics(response: ServerResponse, metrics: MetricsExposition): Promise<void> {
  const text = await metrics.text();
  response.writeHead(200, { 'content-type': metrics.contentType });
  response.end(text);
}

/** What the MCP endpoint answers: messages, a stream, the end of a session. */
const mcpMethods = new Set(['POST', 'GET', 'DELETE']);

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
