import { governanceDefaults } from '../../config/defaults.ts';

/**
 * Who sent a request: a named token's name, a JWT's `sub`, `default` for the `--token` key, or
 * `anonymous` when the gateway asks for no token. Limits, policy, logs and the audit key on `name`.
 */
export interface ClientIdentity {
  readonly name: string;
  /** The servers (config keys) it may see and call; undefined: every server. */
  readonly servers?: readonly string[];
  /** Named by a JWT's `sub` (not by a configured token): a `sub` that equals a token's name is still another client. */
  readonly fromJwt?: true;
}

export const anonymousClient: ClientIdentity = Object.freeze({ name: governanceDefaults.anonymousClient });

/** Whether `client` may see and call `server`. */
export function mayUse(client: ClientIdentity, server: string): boolean {
  return client.servers === undefined || client.servers.includes(server);
}

/** A key naming the set of servers a client sees: clients that see the same servers share one generated API. */
export function viewKey(client: ClientIdentity): string {
  return client.servers === undefined ? '*' : JSON.stringify([...client.servers].sort());
}

/** The same client: the same name, named the same way, with the same servers (a JWT whose `sub` is a token's name is not that token's client). */
export function sameClient(a: ClientIdentity, b: ClientIdentity): boolean {
  return identityKey(a) === identityKey(b);
}

/** A key for one client as `sameClient` tells them apart: what holds room on its behalf (sessions, streams) is counted by it. */
export function identityKey(client: ClientIdentity): string {
  return `${clientKey(client)}|${viewKey(client)}`;
}

/** A key for what is counted per client (rate limits): a token's name and a JWT's `sub` never share one, whatever they hold. */
export function clientKey(client: ClientIdentity): string {
  return JSON.stringify([client.fromJwt === true ? 'jwt' : 'token', client.name]);
}
