import { assignNames, buildRuntimeApi, generateTypeDefinitions, type NamedCatalog } from '../modelApi/index.ts';
import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/Sandbox.ts';
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
   */
  async executeCode(code: string, limits?: Partial<SandboxLimits>, signal?: AbortSignal): Promise<ExecutionResult> {
    const bindings = { ...this.#api.runtimeApi, unavailable: unavailableBindings(this.unavailable) };
    const execution = {};
    const result = await this.#sandbox.execute({ code, bindings, ...(limits ? { limits } : {}), ...(signal ? { signal } : {}) }, (server, tool, args, callSignal) =>
      this.#pool.callTool(server, tool, args, { group: execution, ...(callSignal ? { signal: callSignal } : {}) }),
    );
    return this.#redactor.value(result);
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

interface DerivedApi {
  readonly catalog: ToolCatalog;
  readonly named: NamedCatalog;
  readonly typeDefinitions: string;
  readonly runtimeApi: RuntimeApi;
  /** Made on first use. */
  executeCodeToolSchema?: ExecuteCodeToolSchema;
}
