import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInitializeRequest, type Server } from '@modelcontextprotocol/server';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { httpDefaults } from '../config/defaults.ts';
import type { Gateway, ListKind } from './Gateway.ts';
import { notifyListChanged } from './serveStdio.ts';
import { anonymousClient, identityKey, sameClient, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';

/** How many 2025-era sessions are held, and for how long (`httpDefaults`; tests shorten them). */
export interface SessionLimits {
  /** Sessions held at once; a new one past it drops another (see `LegacySessions`). */
  readonly maxSessions: number;
  /** Sessions one named client holds at once; a new one past it drops one of its own. */
  readonly sessionsPerClient: number;
  /** A session with no request and no open GET stream for this long is closed. */
  readonly idleTimeoutMs: number;
  /** How often idle sessions are looked for. */
  readonly sweepIntervalMs: number;
  /** A session whose GET stream closed and that sent nothing since is closed after this long. */
  readonly streamGraceMs: number;
}

interface Session {
  readonly transport: NodeStreamableHTTPServerTransport;
  readonly server: Server;
  /** The client that opened it: only that client may use it. */
  readonly client: ClientIdentity;
  /** `Date.now()` of the last request, or of the end of its last GET stream. */
  lastSeen: number;
  /** Its requests not answered yet, GET streams included: while one is open, the session is in use. */
  open: number;
  /** Set when its client closed its GET stream and has sent nothing since: it most likely went away. */
  streamClosed: NodeJS.Timeout | undefined;
}

/**
 * Sessions for 2025-era Streamable HTTP clients (initialize, `Mcp-Session-Id`, a GET stream for
 * server notifications). The SDK's entry serves those clients statelessly, which leaves no channel
 * to tell them that a downstream tool list changed; with a session each one gets
 * `notifications/tools/list_changed` on its stream. 2026-07-28 clients never come here: they get
 * list changes through `subscriptions/listen`.
 *
 * Many clients leave without `DELETE` (the SDK 1.x client, LangChain's adapters, mcp-remote), so
 * sessions are held within bounds, and a new client is never refused for want of room:
 * - at `maxSessions`, a new session drops one: first a session whose client closed its GET stream,
 *   then the least recently used with nothing open (no GET stream, no request in flight), and only
 *   then the least recently used;
 * - a session whose GET stream closed is dropped after `streamGraceMs` unless its client is heard from;
 * - the idle sweep closes sessions unused for `idleTimeoutMs`; an open GET stream (or a request in
 *   flight) is use.
 * A dropped session's client gets 404 on its next request and, as the spec says, initializes again.
 */
export class LegacySessions {
  readonly #gateway: Gateway;
  readonly #limits: SessionLimits;
  readonly #sessions = new Map<string, Session>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(gateway: Gateway, limits: Partial<SessionLimits> = {}) {
    this.#gateway = gateway;
    this.#limits = {
      maxSessions: limits.maxSessions ?? httpDefaults.maxSessions,
      sessionsPerClient: limits.sessionsPerClient ?? httpDefaults.sessionsPerClient,
      idleTimeoutMs: limits.idleTimeoutMs ?? httpDefaults.sessionIdleTimeoutMs,
      sweepIntervalMs: limits.sweepIntervalMs ?? httpDefaults.sessionSweepIntervalMs,
      streamGraceMs: limits.streamGraceMs ?? httpDefaults.sessionStreamGraceMs,
    };
    this.#sweeper = setInterval(() => this.#closeIdle(), this.#limits.sweepIntervalMs).unref();
  }

  /** Sessions held now. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Serves a 2025-era request that opens or belongs to a session. Returns false for one that does
   * neither (no session id, not an initialize): the SDK's stateless serving answers those.
   */
  async handle(request: IncomingMessage, response: ServerResponse, body: unknown, client: ClientIdentity): Promise<boolean> {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const found = this.#sessions.get(sessionId);
      // Another client's session is, to this one, no session: it cannot act as that client.
      const session = found !== undefined && sameClient(found.client, client) ? found : undefined;
      // The spec's answer to an unknown or expired session: 404, upon which the client starts a new one.
      if (!session) rpcError(response, 404, -32001, `Session ${sessionId.slice(0, 64)} not found or expired: initialize a new one.`);
      else {
        this.#heardFrom(session);
        this.#track(sessionId, session, request, response);
        await session.transport.handleRequest(request, response, body);
        // A cancelled request is never answered (the SDK writes nothing once its handler is aborted), so
        // its response stream would stay open, with its socket, for the session's life: end it here.
        for (const requestId of cancelledRequestIds(body)) session.transport.closeSSEStream(requestId);
      }
      return true;
    }
    if (request.method !== 'POST' || !isInitializeRequest(body)) return false;
    this.#makeRoomFor(client);
    const server = this.#gateway.createServer({ client });
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.#sessions.set(id, { transport, server, client, lastSeen: Date.now(), open: 0, streamClosed: undefined });
      },
      onsessionclosed: (id) => {
        this.#forget(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.#forget(transport.sessionId);
    };
    try {
      await server.connect(transport);
      await transport.handleRequest(request, response, body);
    } finally {
      // An initialize that did not open a session (refused, or failed) leaves nothing behind.
      if (transport.sessionId === undefined || !this.#sessions.has(transport.sessionId)) void server.close().catch(() => {});
    }
    return true;
  }

  notify(kind: ListKind): void {
    for (const { server } of this.#sessions.values()) void notifyListChanged(server, kind).catch(() => {});
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    const sessions = [...this.#sessions.values()];
    for (const session of sessions) clearTimeout(session.streamClosed);
    this.#sessions.clear();
    await Promise.all(sessions.map(({ server }) => server.close().catch(() => {})));
  }

  /** A request on the session: it is in use, most recently of all (the map is kept in order of use). */
  #heardFrom(session: Session): void {
    session.lastSeen = Date.now();
    clearTimeout(session.streamClosed);
    session.streamClosed = undefined;
    const id = session.transport.sessionId;
    if (id !== undefined && this.#sessions.delete(id)) this.#sessions.set(id, session);
  }

  /**
   * Counts the request as open until its response closes (a GET stream stays open while its client
   * is connected); a GET stream that was served and closed, with nothing else open, starts the grace.
   */
  #track(id: string, session: Session, request: IncomingMessage, response: ServerResponse): void {
    session.open++;
    response.once('close', () => {
      session.open--;
      session.lastSeen = Date.now();
      if (session.open > 0 || request.method !== 'GET' || response.statusCode !== 200 || this.#sessions.get(id) !== session) return;
      clearTimeout(session.streamClosed);
      session.streamClosed = setTimeout(() => this.#drop(id, 'its stream closed'), this.#limits.streamGraceMs).unref();
      this.#gateway.logger.debug('http session stream closed', { graceMs: this.#limits.streamGraceMs });
    });
  }

  /**
   * Makes room for one more session of `client`, taken from the sessions of whoever holds too many: its
   * own once it holds `sessionsPerClient` (a named client; unnamed ones, on a gateway without tokens, are
   * all one), else, with every session in use, those of the client holding most. One client's initializes,
   * however many, never drop another client's session while that one holds fewer than it does.
   */
  #makeRoomFor(client: ClientIdentity): void {
    const owner = (session: Session) => identityKey(session.client);
    const own = identityKey(client);
    const held = new Map<string, number>();
    for (const session of this.#sessions.values()) held.set(owner(session), (held.get(owner(session)) ?? 0) + 1);
    if (client !== anonymousClient && (held.get(own) ?? 0) >= this.#limits.sessionsPerClient) {
      while ([...this.#sessions.values()].filter((session) => owner(session) === own).length >= this.#limits.sessionsPerClient) {
        if (!this.#evictOne((session) => owner(session) === own)) break;
      }
      return;
    }
    while (this.#sessions.size > 0 && this.#sessions.size >= this.#limits.maxSessions) {
      let most = '';
      for (const [key, count] of held) if (count > (held.get(most) ?? 0)) most = key;
      if (!this.#evictOne((session) => owner(session) === most)) break;
      held.set(most, (held.get(most) ?? 1) - 1);
    }
  }

  /** Drops one of the sessions `among` takes: the one whose client most likely left, else the least recently used. False when there is none. */
  #evictOne(among: (session: Session) => boolean): boolean {
    let victim: [string, Session] | undefined;
    let victimRank = Infinity;
    // In order of use, least recent first: the first of the best rank is the one.
    for (const entry of this.#sessions) {
      const [, session] = entry;
      if (!among(session)) continue;
      const rank = session.open > 0 ? 2 : session.streamClosed !== undefined ? 0 : 1;
      if (rank < victimRank) [victim, victimRank] = [entry, rank];
      if (rank === 0) break;
    }
    if (victim === undefined) return false;
    this.#drop(victim[0], 'room for a new session');
    return true;
  }

  #closeIdle(): void {
    const cutoff = Date.now() - this.#limits.idleTimeoutMs;
    for (const [id, session] of this.#sessions) {
      if (session.open === 0 && session.lastSeen < cutoff) this.#drop(id, 'idle');
    }
  }

  #drop(id: string, why: string): void {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    this.#forget(id);
    this.#gateway.logger.debug('http session dropped', { why, sessions: this.#sessions.size });
    void session.server.close().catch(() => {});
  }

  #forget(id: string): void {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    clearTimeout(session.streamClosed);
    this.#sessions.delete(id);
  }
}

/** The request ids a body's `notifications/cancelled` messages name (a body is one message or, before 2025-06-18, a batch). */
export function cancelledRequestIds(body: unknown): (string | number)[] {
  const ids: (string | number)[] = [];
  for (const message of Array.isArray(body) ? body : [body]) {
    if (typeof message !== 'object' || message === null) continue;
    const { method, params } = message as { method?: unknown; params?: { requestId?: unknown } };
    const requestId = params?.requestId;
    if (method === 'notifications/cancelled' && (typeof requestId === 'string' || typeof requestId === 'number')) ids.push(requestId);
  }
  return ids;
}

function rpcError(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
