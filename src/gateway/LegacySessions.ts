import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInitializeRequest, type Server } from '@modelcontextprotocol/server';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { httpDefaults } from '../config/defaults.ts';
import type { Gateway, ListKind } from './Gateway.ts';
import { notifyListChanged } from './serveStdio.ts';

interface Session {
  readonly transport: NodeStreamableHTTPServerTransport;
  readonly server: Server;
  lastSeen: number;
}

/**
 * Sessions for 2025-era Streamable HTTP clients (initialize, `Mcp-Session-Id`, a GET stream for
 * server notifications). The SDK's entry serves those clients statelessly, which leaves no channel
 * to tell them that a downstream tool list changed; with a session each one gets
 * `notifications/tools/list_changed` on its stream. 2026-07-28 clients never come here: they get
 * list changes through `subscriptions/listen`.
 */
export class LegacySessions {
  readonly #gateway: Gateway;
  readonly #sessions = new Map<string, Session>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(gateway: Gateway) {
    this.#gateway = gateway;
    this.#sweeper = setInterval(() => this.#closeIdle(), httpDefaults.sessionSweepIntervalMs).unref();
  }

  /**
   * Serves a 2025-era request that opens or belongs to a session. Returns false for one that does
   * neither (no session id, not an initialize): the SDK's stateless serving answers those.
   */
  async handle(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<boolean> {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.#sessions.get(sessionId);
      // The spec's answer to an unknown or expired session: 404, upon which the client starts a new one.
      if (!session) rpcError(response, 404, -32001, `Session ${sessionId.slice(0, 64)} not found or expired: initialize a new one.`);
      else {
        session.lastSeen = Date.now();
        await session.transport.handleRequest(request, response, body);
      }
      return true;
    }
    if (request.method !== 'POST' || !isInitializeRequest(body)) return false;
    // Clients that vanish without DELETE must not pile up: the idle sweep ends them, and this caps the rest.
    if (this.#sessions.size >= httpDefaults.maxSessions) {
      rpcError(response, 503, -32000, `The gateway holds ${httpDefaults.maxSessions} sessions already; close one (DELETE /mcp) or retry later.`);
      return true;
    }
    const server = this.#gateway.createServer();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.#sessions.set(id, { transport, server, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => {
        this.#sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.#sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(request, response, body);
    return true;
  }

  notify(kind: ListKind): void {
    for (const { server } of this.#sessions.values()) void notifyListChanged(server, kind).catch(() => {});
  }

  #closeIdle(): void {
    const cutoff = Date.now() - httpDefaults.sessionIdleTimeoutMs;
    for (const [id, session] of this.#sessions) {
      if (session.lastSeen >= cutoff) continue;
      this.#sessions.delete(id);
      void session.server.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map(({ server }) => server.close().catch(() => {})));
  }
}

function rpcError(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
