import { assignNames, buildRuntimeApi, generateTypeDefinitions, toNamespaceName, type NamedCatalog } from '../modelApi/index.ts';
import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/Sandbox.ts';
import { failureFields } from '../sandbox/sandboxFailure.ts';
import { toolCallFailure, type ToolCallOutcome } from '../catalog/ToolCallOutcome.ts';
import { someNames } from '../text/someNames.ts';
import type { ServerPool } from '../servers/index.ts';
import type { ToolCatalog } from '../catalog/ToolCatalog.ts';
import { noRedaction, type SecretRedactor } from '../observability/redactSecrets.ts';
import { executeCodeToolSchema, type ExecuteCodeToolSchema } from './executeCodeTool.ts';
import { unavailableBindings, unavailableServers, type UnavailableServer } from './unavailableServers.ts';

export interface CodeModeEngineOptions {
  /** Which servers are reached through code (SPEC: those with `codeMode` not false). */
  includeServer?: (server: string) => boolean;
  /** `codeMode.apiTokenBudget`: tokens the API may take in the execute_code description. */
  apiTokenBudget?: number | undefined;
  /**
   * The gateway's redactor. Results come from the servers redacted already; an execution's result
   * is redacted again on the way out, since code may put a secret back together from its parts.
   */
  redactor?: SecretRedactor;
}

/**
 * Code mode over a running server pool: the generated API of the code-mode servers, kept current as
 * their tool lists change, and executions routed from the sandbox to the pool. The library's
 * `createCodeMode` and the gateway both stand on it.
 */
export class CodeModeEngine {
  readonly #pool: ServerPool;
  readonly #sandbox: Sandbox;
  readonly #includeServer: (server: string) => boolean;
  readonly #describeOptions: { maxTokens?: number };
  readonly #redactor: SecretRedactor;
  readonly #listeners = new Set<() => void>();
  #api: DerivedApi;

  constructor(pool: ServerPool, sandbox: Sandbox, options: CodeModeEngineOptions = {}) {
    this.#pool = pool;
    this.#sandbox = sandbox;
    this.#includeServer = options.includeServer ?? (() => true);
    this.#redactor = options.redactor ?? noRedaction;
    this.#describeOptions = options.apiTokenBudget === undefined ? {} : { maxTokens: options.apiTokenBudget };
    this.#api = this.#derive();
    pool.onCatalogChanged(() => {
      this.#api = this.#derive();
      for (const listener of this.#listeners) listener();
    });
  }

  get named(): NamedCatalog {
    return this.#api.named;
  }

  get catalog(): ToolCatalog {
    return this.#api.catalog;
  }

  get typeDefinitions(): string {
    return this.#api.typeDefinitions;
  }

  get runtimeApi(): RuntimeApi {
    return this.#api.runtimeApi;
  }

  /** The execute_code definition of the current API. Sizing it counts tokens, so it is made once per catalog. */
  get executeCodeToolSchema(): ExecuteCodeToolSchema {
    this.#api.executeCodeToolSchema ??= executeCodeToolSchema(this.#api.named, this.#describeOptions);
    return this.#api.executeCodeToolSchema;
  }

  /** Code-mode servers that are configured and enabled but cannot take calls now, with the reason. */
  get unavailable(): UnavailableServer[] {
    return unavailableServers(this.#pool.status(), this.#includeServer);
  }

  /**
   * Never throws: failures come back in the result. `signal` is the caller's cancel (the upstream
   * request's): aborting it cancels the execution's calls downstream. Each call also carries the
   * execution's own signal (aborted when the execution ends, so calls left running are cancelled and
   * free their slots) and the execution as its slot group (it holds at most its share of a server's slots).
   *
   * A server still making its first connection is in `mcpTools` under its namespace with no known
   * methods: a call of any method waits here for the server (within the execution's deadline, which
   * the wait uses up), then goes to the tool of that name, so that code sent right after the gateway
   * started finds the servers it asks for. Code that never calls it does not wait.
   */
  async executeCode(code: string, limits?: Partial<SandboxLimits>, signal?: AbortSignal): Promise<ExecutionResult> {
    // One look at the servers' states per execution, shared by the bindings and the calls' routing.
    const status = this.#pool.status();
    const joining = new Set(status.filter((server) => server.state === 'connecting' && this.#includeServer(server.name)).map((server) => server.name));
    const bindings = {
      ...this.#api.runtimeApi,
      unavailable: unavailableBindings(unavailableServers(status, (server) => this.#includeServer(server) && !joining.has(server))),
      ...(joining.size > 0 ? { connecting: Object.fromEntries([...joining].map((server) => [toNamespaceName(server), server])) } : {}),
    };
    const execution: ExecutionCalls = { stillConnecting: new Set() };
    const result = await this.#sandbox.execute({ code, bindings, ...(limits ? { limits } : {}), ...(signal ? { signal } : {}) }, (server, tool, args, callSignal) =>
      joining.has(server) ? this.#callJoining(execution, server, tool, args, callSignal) : this.#pool.callTool(server, tool, args, { group: execution, ...(callSignal ? { signal: callSignal } : {}) }),
    );
    return this.#redactor.value(execution.stillConnecting.size > 0 && result.errorCode === 'TIMEOUT' ? connectingPastDeadline(result, execution.stillConnecting) : result);
  }

  /**
   * A call of `method` to a server that was connecting when the execution started: waits for its first
   * connect to settle (or the execution to end), then calls the tool that method names now.
   */
  async #callJoining(execution: ExecutionCalls, server: string, method: string, args: unknown, signal: AbortSignal | undefined): Promise<ToolCallOutcome> {
    const connection = this.#pool.connection(server);
    if (connection === undefined) return toolCallFailure('UNKNOWN_SERVER', `server "${server}" is not configured`);
    if (connection.state === 'connecting') {
      execution.stillConnecting.add(server);
      if (!(await settledUnlessAborted(connection.connect(), signal))) {
        return toolCallFailure('SERVER_UNAVAILABLE', `server "${server}" was still connecting when this execution ended; the call was not sent.`);
      }
      execution.stillConnecting.delete(server);
    }
    const state = this.#pool.status().find((entry) => entry.name === server);
    if (state?.state !== 'ready') {
      return toolCallFailure('SERVER_UNAVAILABLE', `server "${server}" is configured but not available: ${state?.failure ?? state?.state ?? 'failed'}.`);
    }
    const methods = Object.entries(this.#api.runtimeApi.namespaces).find(([, tools]) => Object.values(tools).some((tool) => tool.server === server));
    const target = methods?.[1][method];
    if (methods === undefined || target === undefined) {
      const namespace = methods?.[0] ?? toNamespaceName(server);
      const known = Object.keys(methods?.[1] ?? {});
      return toolCallFailure('UNKNOWN_TOOL', `mcpTools.${namespace}.${method} is not a tool. Tools of ${namespace}: ${someNames(known, method) || '(none)'}.`);
    }
    return this.#pool.callTool(server, target.tool, args, { group: execution, ...(signal ? { signal } : {}) });
  }

  /** Called after the catalog, and so the generated API, changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #derive(): DerivedApi {
    const catalog = this.#pool.catalog().filter((tool) => this.#includeServer(tool.server));
    const named = assignNames(catalog);
    return { catalog, named, typeDefinitions: generateTypeDefinitions(named), runtimeApi: buildRuntimeApi(named) };
  }
}

/** What an execution's calls share: their slot group (by identity), and the servers a call still waits for. */
interface ExecutionCalls {
  readonly stillConnecting: Set<string>;
}

/** True once `settling` settled; false when `signal` aborted first (the execution ended). */
async function settledUnlessAborted(settling: Promise<unknown>, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal === undefined) return settling.then(() => true);
  if (signal.aborted) return false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([settling.then(() => true as const), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/** The execution ran out of time while a call waited for a server still connecting: that is what it is told. */
function connectingPastDeadline(result: ExecutionResult, servers: ReadonlySet<string>): ExecutionResult {
  const names = [...servers].map((server) => `"${server}"`).join(', ');
  return { ...result, ...failureFields('SERVER_UNAVAILABLE', `server ${names} was still connecting when this execution's deadline ran out; its calls were not sent.`) };
}

interface DerivedApi {
  readonly catalog: ToolCatalog;
  readonly named: NamedCatalog;
  readonly typeDefinitions: string;
  readonly runtimeApi: RuntimeApi;
  /** Made on first use. */
  executeCodeToolSchema?: ExecuteCodeToolSchema;
}
