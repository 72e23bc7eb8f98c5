import { toNamespaceName } from '../modelApi/index.ts';
import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { ToolBindings } from '../sandbox/Sandbox.ts';
import type { ServerStatus } from '../servers/index.ts';
import { mayUse, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';
import { unavailableBindings, unavailableServers } from './unavailableServers.ts';

/**
 * What an execution for `client` is bound to, from one look at the servers' states (`status`, every
 * configured server): its API (`runtimeApi`, already narrowed to the client's view), the code-mode
 * servers it cannot reach and why (not running, or not its to use), and those still making their first
 * connection, which are bound by namespace alone and also route its calls (`joining`).
 */
export function executionBindings(
  runtimeApi: RuntimeApi,
  status: readonly ServerStatus[],
  client: ClientIdentity | undefined,
  includeServer: (server: string) => boolean,
): { bindings: ToolBindings; joining: ReadonlySet<string> } {
  const usable = status.filter((server) => client === undefined || mayUse(client, server.name));
  const joining = new Set(usable.filter((server) => server.state === 'connecting' && includeServer(server.name)).map((server) => server.name));
  const bindings = {
    ...runtimeApi,
    unavailable: { ...hiddenBindings(status, client, includeServer), ...unavailableBindings(unavailableServers(usable, (server) => includeServer(server) && !joining.has(server))) },
    ...(joining.size > 0 ? { connecting: Object.fromEntries([...joining].map((server) => [toNamespaceName(server), server])) } : {}),
  };
  return { bindings, joining };
}

/**
 * Namespaces of code-mode servers a client may not use, told as unavailable to code that reaches for
 * them (its API never named them). Only the namespace the code itself wrote is ever echoed back.
 */
function hiddenBindings(status: readonly ServerStatus[], client: ClientIdentity | undefined, includeServer: (server: string) => boolean): Record<string, string> {
  if (client?.servers === undefined) return {};
  const hidden = status.filter((server) => includeServer(server.name) && !mayUse(client, server.name));
  return Object.fromEntries(hidden.map((server) => [toNamespaceName(server.name), `this client ("${client.name}") may not use that server.`]));
}
