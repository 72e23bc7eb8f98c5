/**
 * The HTTP listener and the console under a client that pushes: sign-ins sent together are bounded as
 * ones sent one after another are; one client's sign-ins never sign another client out; a method
 * /mcp does not serve and a full URL as the request target get clear 4xx answers, not a 500; a
 * request its client abandons mid-body is no error in the log. A real gateway over HTTP; raw
 * requests where a client would not send them so.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDefaults } from '../../src/config/defaults.ts';
import { Closer, startHttpGateway, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { ConsoleSessions } from '../../src/gateway/console/ConsoleSessions.ts';
import { officialServer } from '../fixtures/servers.ts';

const operatorToken = 'abuse-operator-token-0123456789';
const pushyToken = 'abuse-pushy-token-0123456789';
const closer = new Closer();
let served: InProcessHttpGateway;

beforeAll(async () => {
  served = await startHttpGateway(closer, {
    mcpServers: { memory: officialServer('memory') },
    auth: {
      tokens: [
        { name: 'operator', token: operatorToken },
        { name: 'pushy', token: pushyToken, servers: ['memory'] },
      ],
    },
  });
}, 60_000);
afterAll(() => closer.closeAll());

const port = () => Number(new URL(served.baseUrl).port);
const form = (token: string) => new URLSearchParams({ token }).toString();

/** A raw request: headers now, the body when `release` resolves; its status, or undefined if none came. */
function rawRequest(options: { method: string; path: string; headers?: Record<string, string>; body?: string; release?: Promise<void> }): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = httpRequest({ host: '127.0.0.1', port: port(), method: options.method, path: options.path, headers: options.headers }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined));
    request.flushHeaders();
    void (options.release ?? Promise.resolve()).then(() => request.end(options.body));
  });
}

async function signIn(token: string): Promise<string | undefined> {
  const response = await fetch(`${served.baseUrl}/ui/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(token) });
  return /code_goat_console=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
}

const stateWith = (session: string) => fetch(`${served.baseUrl}/ui/api/state`, { headers: { cookie: `code_goat_console=${session}` } });

describe('console sign-in', () => {
  it("one client's sign-ins, however many, never sign another client out", async () => {
    const operator = await signIn(operatorToken);
    expect(operator).toBeDefined();
    const pushy: string[] = [];
    for (let i = 0; i < consoleDefaults.sessionsPerClient + 5; i++) pushy.push((await signIn(pushyToken))!);
    expect((await stateWith(operator!)).status).toBe(200);
    // Past its bound the pushy client loses its own oldest sessions, not anyone else's.
    expect((await stateWith(pushy[0]!)).status).toBe(401);
    expect((await stateWith(pushy.at(-1)!)).status).toBe(200);
  });

  it('wrong tokens sent together are bounded as ones sent one after another are', async () => {
    let release!: () => void;
    const bodies = new Promise<void>((resolve) => (release = resolve));
    const attempts = Array.from({ length: 30 }, (_, i) =>
      rawRequest({ method: 'POST', path: '/ui/signin', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(`wrong-${i}`), release: bodies }),
    );
    // Every request's headers are in before any body: each is past whatever the gateway checks first.
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();
    const statuses = await Promise.all(attempts);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(consoleDefaults.signInFailuresPerMinute);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(30 - consoleDefaults.signInFailuresPerMinute);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
  });
});

describe('odd requests to the listener', () => {
  it('a method /mcp does not serve gets 405 naming the ones it does; a full URL as the target gets 400; neither is an error in the log', async () => {
    const authorization = `Bearer ${operatorToken}`;
    for (const method of ['PUT', 'PATCH', 'TRACE']) expect(await rawRequest({ method, path: '/mcp', headers: { authorization } })).toBe(405);
    const absolute = await rawRequest({ method: 'POST', path: `http://127.0.0.1:${port()}/mcp`, headers: { authorization, 'content-type': 'application/json' }, body: '{}' });
    expect(absolute).toBe(400);
    expect(served.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });

  it('a sign-in its client abandons mid-body is no error in the log', async () => {
    await new Promise<void>((resolve) => {
      const request = httpRequest({ host: '127.0.0.1', port: port(), method: 'POST', path: '/ui/signin', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' } });
      request.on('error', () => resolve());
      request.write('token=abc');
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 200);
    });
    // The gateway notices the abandoned body on its own time: give it a moment, then look.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(served.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});

describe('ConsoleSessions bounds', () => {
  it('past the bound of all sessions, the oldest of the client holding most goes', () => {
    const sessions = new ConsoleSessions(60_000, 4, Date.now, 3);
    const alice = { name: 'alice' };
    const bob = { name: 'bob' };
    // Bob's is the oldest session of all; alice holds most when the fifth comes.
    const bobOnly = sessions.open(bob);
    const aliceFirst = sessions.open(alice);
    const aliceSecond = sessions.open(alice);
    sessions.open(alice);
    sessions.open({ name: 'carol' });
    expect(sessions.clientOf(`code_goat_console=${bobOnly}`)).toBe(bob);
    expect(sessions.clientOf(`code_goat_console=${aliceFirst}`)).toBeUndefined();
    expect(sessions.clientOf(`code_goat_console=${aliceSecond}`)).toBe(alice);
  });
});
