import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Logger } from '../../observability/logger.ts';
import type { Authenticator } from '../../governance/identity/Authenticator.ts';
import { anonymousClient, type ClientIdentity } from '../../governance/identity/ClientIdentity.ts';

/** The JSON-RPC "server error" code the MCP SDK's HTTP transports use for rejections outside a request. */
const unauthorizedCode = -32000;
const unauthorizedMessage = 'Unauthorized: send "Authorization: Bearer <token>" with a token this gateway accepts.';

export const protectedResourcePath = '/.well-known/oauth-protected-resource';

/**
 * Names the client of an HTTP request, or answers 401 itself and resolves undefined. Every endpoint
 * behind the gateway's auth (`/mcp`, `/healthz`, `/metrics`) asks it; the name then travels with the
 * request as MCP's `authInfo` (see `clientOf`).
 */
export type HttpAuth = (request: IncomingMessage, response: ServerResponse) => Promise<ClientIdentity | undefined>;

export function createHttpAuth(authenticator: Authenticator, logger: Logger): HttpAuth {
  return async (request, response) => {
    const outcome = await authenticator.authenticate(request.headers.authorization);
    if (outcome.ok) {
      (request as IncomingMessage & { auth?: AuthInfo }).auth = toAuthInfo(outcome.client);
      return outcome.client;
    }
    logger.info('http request refused', { reason: outcome.reason });
    // Without JWTs, no `WWW-Authenticate`: a Bearer challenge tells MCP clients (mcp-remote, the SDK's
    // OAuth provider) to go find an OAuth server, and there is none: they would start a sign-in that
    // never ends instead of showing this message. With JWTs there is one, and the challenge points at
    // the protected-resource metadata that names it (MCP authorization spec).
    const challenge = authenticator.jwt === undefined ? {} : { 'www-authenticate': `Bearer resource_metadata="${baseUrl(request)}${protectedResourcePath}"` };
    response.writeHead(401, { 'content-type': 'application/json', ...challenge });
    response.end(JSON.stringify({ jsonrpc: '2.0', error: { code: unauthorizedCode, message: `${unauthorizedMessage} (${outcome.reason})` }, id: null }));
    return undefined;
  };
}

/** RFC 9728 metadata: this resource, and the authorization server whose JWTs it takes. */
export function protectedResourceMetadata(request: IncomingMessage, issuer: string): Record<string, unknown> {
  return { resource: `${baseUrl(request)}/mcp`, authorization_servers: [issuer], bearer_methods_supported: ['header'] };
}

/**
 * The client as MCP's `authInfo` carries it (the SDK hands it to the server factory and to every
 * request handler's `ctx.http.authInfo`): `clientId` is its name. The token itself is not kept.
 */
export function toAuthInfo(client: ClientIdentity): AuthInfo {
  return { token: '', clientId: client.name, scopes: [], extra: { client } };
}

/** The client a request was admitted as (see `createHttpAuth`); anonymous when it carries none. */
export function clientOf(authInfo: AuthInfo | undefined): ClientIdentity {
  const client = authInfo?.extra?.['client'] as ClientIdentity | undefined;
  return client ?? anonymousClient;
}

function baseUrl(request: IncomingMessage): string {
  const host = request.headers.host ?? 'localhost';
  return `http://${host}`;
}
