import { randomBytes } from 'node:crypto';
import { consoleDefaults } from '../../config/defaults.ts';
import { identityKey, sameClient, type ClientIdentity } from '../../governance/identity/ClientIdentity.ts';

/** The cookie that carries a console session's id (never the token). */
export const sessionCookieName = 'code_goat_console';

interface Session {
  readonly client: ClientIdentity;
  readonly expiresAt: number;
}

/**
 * Signed-in browsers: an opaque random id per sign-in, mapped to the client its token named. In
 * memory (a restart signs everyone out), bounded in count and in time.
 */
export class ConsoleSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #perClient: number;
  readonly #now: () => number;

  constructor(
    ttlMs: number = consoleDefaults.sessionTtlMs,
    max: number = consoleDefaults.maxSessions,
    now: () => number = Date.now,
    perClient: number = consoleDefaults.sessionsPerClient,
  ) {
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#now = now;
    this.#perClient = perClient;
  }

  /**
   * A new session of `client`. Past the bounds a session goes: the client's own oldest once it holds
   * `perClient`, else (all sessions in use) the oldest of the client that holds most. So one client's
   * sign-ins, however many, never sign another client out while that one holds fewer than they do.
   */
  open(client: ClientIdentity): string {
    const id = randomBytes(32).toString('base64url');
    this.#dropExpired();
    const own = this.#idsOf(client);
    if (own.length >= this.#perClient) this.#sessions.delete(own[0]!);
    else if (this.#sessions.size >= this.#max) this.#dropOldestOfLargest();
    this.#sessions.set(id, { client, expiresAt: this.#now() + this.#ttlMs });
    return id;
  }

  /** The client of a live session, from a request's `Cookie` header. */
  clientOf(cookieHeader: string | undefined): ClientIdentity | undefined {
    const id = sessionIdOf(cookieHeader);
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session.client;
  }

  close(cookieHeader: string | undefined): void {
    const id = sessionIdOf(cookieHeader);
    if (id !== undefined) this.#sessions.delete(id);
  }

  /** The ids of `client`'s sessions, oldest first (a Map iterates in insertion order). */
  #idsOf(client: ClientIdentity): string[] {
    return [...this.#sessions].filter(([, session]) => sameClient(session.client, client)).map(([id]) => id);
  }

  #dropExpired(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
  }

  #dropOldestOfLargest(): void {
    const byClient = new Map<string, string[]>();
    for (const [id, session] of this.#sessions) {
      const key = identityKey(session.client);
      const ids = byClient.get(key);
      if (ids === undefined) byClient.set(key, [id]);
      else ids.push(id);
    }
    let largest: string[] = [];
    for (const ids of byClient.values()) if (ids.length > largest.length) largest = ids;
    if (largest[0] !== undefined) this.#sessions.delete(largest[0]);
  }
}

function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === sessionCookieName) return value.join('=');
  }
  return undefined;
}

/** `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it), only under `/ui`. */
export function sessionCookie(id: string, maxAgeSeconds: number): string {
  return `${sessionCookieName}=${id}; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=${maxAgeSeconds}`;
}
