import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/node';
import { CodeGoatError } from '../errors.ts';

export interface HttpSecurityOptions {
  /** Bearer token every request must carry; required when binding beyond loopback. */
  token?: string;
  /** Origin hostnames a browser may call from, besides loopback (`example.com`, or `https://*`). */
  allowedOrigins?: readonly string[];
  /** Host header names the gateway answers to, besides loopback ones (needed behind a proxy or DNS name). */
  allowedHosts?: readonly string[];
}

/** The JSON-RPC "server error" code the MCP SDK's HTTP transports use for rejections outside a request. */
const unauthorizedCode = -32000;
const unauthorizedMessage = 'Unauthorized: send "Authorization: Bearer <token>" with the token the gateway was started with.';

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The checks every HTTP request passes before it reaches MCP: the Host header (DNS rebinding: a
 * hostile page's name resolving to 127.0.0.1 still carries its own Host), the Origin of browser
 * requests, and the bearer token. Each rejection is answered here; `true` means go on.
 */
export function createHttpGuards(host: string, options: HttpSecurityOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  const loopback = isLoopbackHost(host);
  if (!loopback && !options.token) {
    throw new CodeGoatError(
      'CONFIG_INVALID',
      `Listening on ${host} exposes the gateway beyond this machine: set a bearer token with --token or CODE_GOAT_TOKEN (clients send "Authorization: Bearer <token>").`,
    );
  }
  // Bound to a wildcard or a public address, the Host header can be anything a client uses to reach us.
  const checkHost = loopback ? hostHeaderValidation([...loopbackNames, ...(options.allowedHosts ?? [])]) : undefined;
  const checkOrigin = originValidation([...loopbackNames, ...(options.allowedOrigins ?? [])]);
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  return (request, response) => {
    if (checkHost && !checkHost(request, response)) return false;
    if (!checkOrigin(request, response)) return false;
    if (expected && !hasToken(request, expected)) {
      // No `WWW-Authenticate`: a Bearer challenge tells MCP clients (mcp-remote, the SDK's OAuth
      // provider) to go find an OAuth server, and the gateway has none: they would start a sign-in
      // that never ends instead of showing this message. A JSON-RPC error body is what they print.
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', error: { code: unauthorizedCode, message: unauthorizedMessage }, id: null }));
      return false;
    }
    return true;
  };
}

function hasToken(request: IncomingMessage, expected: Buffer): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
