/** Helpers for the governance tests: SDK clients that send a token, a JWKS served over HTTP, execute_code in one call. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport, type ClientOptions } from '@modelcontextprotocol/client';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { ExecutionResult } from '../../src/sandbox/ExecutionResult.ts';
import type { Closer } from '../e2e/gatewayHelpers.ts';

/** An SDK client over Streamable HTTP that sends `Authorization: Bearer <token>`. */
export async function connectAs(closer: Closer, url: string, token: string, options: ClientOptions = {}): Promise<Client> {
  const client = new Client({ name: 'governance-test', version: '1.0.0' }, options);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return closer.add(client, (c) => c.close());
}

/** Runs code through `execute_code` and gives back its ExecutionResult. */
export async function execute(client: Client, code: string): Promise<ExecutionResult> {
  const result = await client.callTool({ name: 'execute_code', arguments: { code } });
  return result.structuredContent as unknown as ExecutionResult;
}

export async function executeCodeDescription(client: Client): Promise<string> {
  const { tools } = await client.listTools();
  return tools.find((tool) => tool.name === 'execute_code')?.description ?? '';
}

/** A raw initialize with `authorization` (or none): the HTTP status is what the tests look at. */
export async function initializeStatus(url: string, authorization?: string): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization !== undefined && { authorization }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '0' } } }),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

export interface TestIdentityProvider {
  readonly jwksUrl: string;
  readonly issuer: string;
  /** Signs a JWT with the JWKS's key; `expiresAt` in seconds since the epoch. */
  sign(claims: { sub: string; aud: string; expiresAt?: number; issuer?: string }): Promise<string>;
  /** Signs with a key the JWKS does not hold. */
  signWithStrangerKey(claims: { sub: string; aud: string }): Promise<string>;
}

/** An identity provider's JWKS on a loopback port, as the gateway fetches it. */
export async function serveJwks(closer: Closer): Promise<TestIdentityProvider> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(request.url === '/jwks.json' ? JSON.stringify({ keys: [jwk] }) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closer.add(server, (s) => new Promise<void>((resolve) => s.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/`;
  const sign = (key: CryptoKey, kid: string, claims: { sub: string; aud: string; expiresAt?: number; issuer?: string }) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(claims.sub)
      .setIssuer(claims.issuer ?? issuer)
      .setAudience(claims.aud)
      .setIssuedAt()
      .setExpirationTime(claims.expiresAt ?? '10m')
      .sign(key);
  return {
    jwksUrl: `${base}/jwks.json`,
    issuer,
    sign: (claims) => sign(privateKey, 'test-key', claims),
    signWithStrangerKey: (claims) => sign(stranger.privateKey, 'test-key', claims),
  };
}
