import { randomBytes } from 'node:crypto';
import { consoleDefaults } from '../../config/defaults.ts';
import type { ClientIdentity } from '../../governance/identity/ClientIdentity.ts';

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
  readonly #now: () => number;

  constructor(ttlMs: number = consoleDefaults.sessionTtlMs, max: number = consoleDefaults.maxSessions, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#now = now;
  }

  open(client: ClientIdentity): string {
    const id = randomBytes(32).toString('base64url');
    // A Map iterates in insertion order: the first key is the oldest session.
    if (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value!);
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
