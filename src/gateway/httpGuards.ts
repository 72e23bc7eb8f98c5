import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/node';
import { isLoopbackHostname } from '../config/governance/governanceSchema.ts';
import { CodeGoatError } from '../errors.ts';

export interface HttpSecurityOptions {
  /** Bearer token every request must carry; required when binding beyond loopback. */
  token?: string;
  /** Origin hostnames a browser may call from, besides loopback (`example.com`, or `https://*`). */
  allowedOrigins?: readonly string[];
  /** Host header names the gateway answers to, besides loopback ones (needed behind a proxy or DNS name). */
  allowedHosts?: readonly string[];
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** A listen address or Host name on this machine only (one definition, shared with the config's checks). */
export const isLoopbackHost = isLoopbackHostname;

/**
 * The checks every HTTP request passes before anything else: the Host header (DNS rebinding: a
 * hostile page's name resolving to 127.0.0.1 still carries its own Host) and the Origin of browser
 * requests. Each rejection is answered here; `true` means go on. Who the client is, is the next
 * check (`createHttpAuth`). `clientAuth`: the config names clients (`auth`), so a token is required anyway.
 */
export function createHttpGuards(host: string, options: HttpSecurityOptions, clientAuth = false): (request: IncomingMessage, response: ServerResponse) => boolean {
  const loopback = isLoopbackHostname(host);
  if (!loopback && !options.token && !clientAuth) {
    throw new CodeGoatError(
      'CONFIG_INVALID',
      `Listening on ${host} exposes the gateway beyond this machine: set a bearer token with --token or CODE_GOAT_TOKEN, or name clients in the config's "auth" (clients send "Authorization: Bearer <token>").`,
    );
  }
  // Bound to a wildcard or a public address, the Host header can be anything a client uses to reach us.
  const checkHost = loopback ? hostHeaderValidation([...loopbackNames, ...(options.allowedHosts ?? [])]) : undefined;
  const checkOrigin = originValidation([...loopbackNames, ...(options.allowedOrigins ?? [])]);
  return (request, response) => (!checkHost || checkHost(request, response)) && checkOrigin(request, response);
}
