import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import { consoleDefaults } from '../../config/defaults.ts';
import type { Authenticator } from '../../governance/identity/Authenticator.ts';
import { anonymousClient, type ClientIdentity } from '../../governance/identity/ClientIdentity.ts';
import type { Gateway } from '../Gateway.ts';
import { consoleAssets } from './consoleAssets.ts';
import { consoleState, consoleTools } from './consoleData.ts';
import { ConsoleSessions, sessionCookie } from './ConsoleSessions.ts';

export const consolePath = '/ui';

/** A sign-in form holds a token: a few KiB is plenty, and nothing larger is read. */
const maxSignInBytes = 8 * 1024;

/**
 * Every console answer: no script but our own file (no inline script, no eval), no framing, no
 * sniffing a JSON or text answer into HTML, nothing cached, no referrer.
 */
const securityHeaders = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: with it a form's POST carries `Origin: null`, which the Origin guard refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
} as const;

export type ConsoleHandler = (request: IncomingMessage, response: ServerResponse, path: string) => Promise<void>;

/**
 * The operator console (SPEC "Operator console"): `GET /ui`, read-only, behind the same tokens as
 * `/mcp`. A browser posts its token once from the sign-in form and gets a cookie holding an opaque
 * session id; the page's script polls `/ui/api/*` with it. Everything the page shows that came from a
 * model or a server is set as text by the script, never as HTML.
 */
export function createConsoleHandler(gateway: Gateway, authenticator: Authenticator): ConsoleHandler {
  const sessions = new ConsoleSessions();
  // Guessing tokens from a browser form is bounded per address (the bearer path has its own limits per client).
  // Made with the first sign-in: a gateway nobody signs in to does not load the library.
  let signInLimiter: Promise<RateLimiterMemory> | undefined;
  const failedSignIns = () =>
    (signInLimiter ??= import('rate-limiter-flexible').then(
      ({ RateLimiterMemory }) => new RateLimiterMemory({ keyPrefix: 'console-signin', points: consoleDefaults.signInFailuresPerMinute, duration: 60 }),
    ));
  const clientOf = (request: IncomingMessage): ClientIdentity | undefined => (authenticator.required ? sessions.clientOf(request.headers.cookie) : anonymousClient);

  return async (request, response, path) => {
    const method = request.method ?? 'GET';
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /ui/assets/console.js':
        return send(response, 200, 'text/javascript; charset=utf-8', consoleAssets.script);
      case 'GET /ui/assets/console.css':
        return send(response, 200, 'text/css; charset=utf-8', consoleAssets.style);
      case 'GET /ui/signin':
        return send(response, 200, htmlType, consoleAssets.signInPage);
      case 'POST /ui/signin':
        return signIn(request, response);
      case 'POST /ui/signout':
        sessions.close(request.headers.cookie);
        return redirect(response, '/ui/signin', { 'set-cookie': sessionCookie('', 0) });
    }
    const client = clientOf(request);
    if (route === 'GET /ui' || route === 'GET /ui/') {
      return client === undefined ? redirect(response, '/ui/signin') : send(response, 200, htmlType, consoleAssets.consolePage);
    }
    if (!path.startsWith('/ui/api/')) return sendJson(response, 404, { error: `Not found: ${path}. The console is at /ui.` });
    if (client === undefined) return sendJson(response, 401, { error: 'Sign in at /ui/signin first.' });
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    if (route === 'GET /ui/api/state') return sendJson(response, 200, consoleState(gateway, client, query.get('since')));
    if (route === 'GET /ui/api/tools') {
      return sendJson(response, 200, consoleTools(gateway, client, (query.get('q') ?? '').slice(0, 500)));
    }
    return sendJson(response, 404, { error: `Not found: ${route}.` });
  };

  async function signIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const address = request.socket.remoteAddress ?? 'unknown';
    // Every attempt takes its point before its token is read, and a right token gives it back: attempts
    // sent together are bounded as one after another are (a check before and a count after let 100 through).
    const limiter = await failedSignIns();
    const taken = await limiter.consume(address).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    if (taken !== undefined) {
      const waitMs = typeof taken === 'object' && taken !== null && 'msBeforeNext' in taken && typeof taken.msBeforeNext === 'number' ? taken.msBeforeNext : 60_000;
      gateway.logger.warn('console sign-in refused: too many failures from this address', { address });
      return send(response, 429, 'text/plain; charset=utf-8', 'Too many failed sign-ins from this address; try again in a minute.', { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }
    const body = await readBody(request, maxSignInBytes);
    const token = body === undefined ? null : new URLSearchParams(body).get('token');
    const outcome = token === null || token === '' ? undefined : await authenticator.authenticate(`Bearer ${token}`);
    if (outcome?.ok !== true) {
      gateway.logger.info('console sign-in refused', { reason: outcome?.reason ?? 'no token in the form' });
      return send(response, 401, htmlType, consoleAssets.signInFailedPage);
    }
    await limiter.reward(address, 1).catch(() => undefined);
    const id = sessions.open(outcome.client);
    gateway.logger.info('console sign-in', { client: outcome.client.name });
    redirect(response, '/ui', { 'set-cookie': sessionCookie(id, Math.floor(consoleDefaults.sessionTtlMs / 1000)) });
  }
}

const htmlType = 'text/html; charset=utf-8';

/** The body as text, or undefined past `limit` bytes (the rest is not read). */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...securityHeaders, 'content-type': type, ...headers });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function redirect(response: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  response.writeHead(303, { ...securityHeaders, location, ...headers });
  response.end();
}
