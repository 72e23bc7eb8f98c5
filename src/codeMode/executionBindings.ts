import { toNamespaceName } from '../modelApi/index.ts';
import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { ToolBindings } from '../sandbox/Sandbox.ts';
import type { ServerStatus } from '../servers/index.ts';
import { mayUse, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';
import { unavailableBindings, unavailableServers } from './unavailableServers.ts';

/**
 * What an execution for `client` is bound to, from one look at the servers' states (`status`, every
 * configured server): its API (`runtimeApi`, already narrowed to the client's view), the code-mode
 * servers of its own that are not running and why, and those still making their first connection,
 * which are bound by namespace alone and also route its calls (`joining`). A server the client may not
 * use is in none of them: to its code, as to its tool list, that server does not exist (code that
 * names it is told what code naming any unknown namespace is told, so no answer says it is there).
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
    unavailable: unavailableBindings(unavailableServers(usable, (server) => includeServer(server) && !joining.has(server))),
    ...(joining.size > 0 ? { connecting: Object.fromEntries([...joining].map((server) => [toNamespaceName(server), server])) } : {}),
  };
  return { bindings, joining };
}

export type ExecutionBindings = ReturnType<typeof executionBindings>;

/**
 * The bindings last made for each view of the API (by `viewKey`), given again while the view's API
 * (the same `runtimeApi`) and its servers' states are unchanged: one object, so the sandbox sends a
 * worker its bindings once rather than with every execution (see sandbox/SentBindings.ts).
 */
export class ExecutionBindingsCache {
  readonly #last = new Map<string, { runtimeApi: RuntimeApi; states: string; made: ExecutionBindings }>();

  of(view: string, runtimeApi: RuntimeApi, status: readonly ServerStatus[], client: ClientIdentity | undefined, includeServer: (server: string) => boolean): ExecutionBindings {
    const made = executionBindings(runtimeApi, status, client, includeServer);
    const states = JSON.stringify([made.bindings.unavailable, made.bindings.connecting]);
    const last = this.#last.get(view);
    if (last !== undefined && last.runtimeApi === runtimeApi && last.states === states) return last.made;
    this.#last.set(view, { runtimeApi, states, made });
    return made;
  }
}
