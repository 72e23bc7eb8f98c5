import { codeModeDefaults } from '../config/defaults.ts';
import { assignNames, buildRuntimeApi, generateTypeDefinitions, toNamespaceName, type NamedCatalog } from '../modelApi/index.ts';
import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/Sandbox.ts';
import { sandboxFailure } from '../sandbox/sandboxFailure.ts';
import type { ServerPool, ServerStatus } from '../servers/index.ts';
import type { ToolCatalog } from '../catalog/ToolCatalog.ts';
import type { ToolCallOutcome } from '../catalog/ToolCallOutcome.ts';
import type { ObservedOutputTypes } from './ObservedOutputTypes.ts';
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
  /** `codeMode.timeout`: an execution's deadline when its limits set none; waiting for a server that connects counts against it. */
  executionTimeoutMs?: number;
  /** `codeMode.inferOutputTypes`: results of tools without outputSchema go here, and their observed types into the API. */
  observedTypes?: ObservedOutputTypes;
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
  readonly #executionTimeoutMs: number;
  readonly #listeners = new Set<() => void>();
  readonly #observedListeners = new Set<() => void>();
  readonly #observedTypes: ObservedOutputTypes | undefined;
  #api: DerivedApi;
  /** An observed type changed since `#api` was made: made again when next read (a burst of new shapes costs one). */
  #stale = false;
  #announcing = false;

  constructor(pool: ServerPool, sandbox: Sandbox, options: CodeModeEngineOptions = {}) {
    this.#pool = pool;
    this.#sandbox = sandbox;
    this.#includeServer = options.includeServer ?? (() => true);
    this.#redactor = options.redactor ?? noRedaction;
    this.#describeOptions = options.apiTokenBudget === undefined ? {} : { maxTokens: options.apiTokenBudget };
    this.#executionTimeoutMs = options.executionTimeoutMs ?? codeModeDefaults.timeout;
    this.#observedTypes = options.observedTypes;
    this.#api = this.#derive();
    pool.onCatalogChanged(() => {
      this.#api = this.#derive();
      this.#stale = false;
      for (const listener of this.#listeners) listener();
    });
  }

  get named(): NamedCatalog {
    return this.#current().named;
  }

  get catalog(): ToolCatalog {
    return this.#current().catalog;
  }

  get typeDefinitions(): string {
    return this.#current().typeDefinitions;
  }

  get runtimeApi(): RuntimeApi {
    return this.#current().runtimeApi;
  }

  /** The execute_code definition of the current API. Sizing it counts tokens, so it is made once per catalog. */
  get executeCodeToolSchema(): ExecuteCodeToolSchema {
    const api = this.#current();
    api.executeCodeToolSchema ??= executeCodeToolSchema(api.named, this.#describeOptions);
    return api.executeCodeToolSchema;
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
   * Code that names a server still making its first connection waits for it (within the execution's
   * deadline, which the wait uses up), so that code sent right after the gateway started finds the
   * servers it asks for; code that reaches one still connecting without naming it is told so by
   * `mcpTools` (see `unavailableBindings`).
   */
  async executeCode(code: string, limits?: Partial<SandboxLimits>, signal?: AbortSignal): Promise<ExecutionResult> {
    // One look at the servers' states per execution, shared by the wait below and the bindings.
    let status = this.#pool.status();
    const connecting = this.#connectingNamedIn(code, status);
    const deadlineMs = limits?.timeoutMs ?? this.#executionTimeoutMs;
    let effective = limits;
    if (connecting.length > 0) {
      const started = performance.now();
      await this.#settledWithin(connecting, deadlineMs);
      const waited = performance.now() - started;
      const still = connecting.filter((server) => this.#pool.connection(server)?.state === 'connecting');
      if (still.length > 0) {
        const names = still.map((server) => `"${server}"`).join(', ');
        return sandboxFailure('SERVER_UNAVAILABLE', `server ${names} is still connecting after ${Math.round(waited)} ms, this execution's whole deadline; the code did not run.`, started);
      }
      effective = { ...limits, timeoutMs: Math.max(1, Math.round(deadlineMs - waited)) };
      status = this.#pool.status();
    }
    const bindings = { ...this.runtimeApi, unavailable: unavailableBindings(unavailableServers(status, this.#includeServer)) };
    const execution = {};
    const result = await this.#sandbox.execute({ code, bindings, ...(effective ? { limits: effective } : {}), ...(signal ? { signal } : {}) }, async (server, tool, args, callSignal) =>
      this.#observed(server, tool, await this.#pool.callTool(server, tool, args, { group: execution, ...(callSignal ? { signal: callSignal } : {}) })),
    );
    return this.#redactor.value(result);
  }

  /** Called after the catalog, and so the generated API, changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Called after a tool's observed return type changed (so the API did): once per new shape, never for
   * a result of a shape already seen. Returns an unsubscribe function.
   */
  onObservedTypesChanged(listener: () => void): () => void {
    this.#observedListeners.add(listener);
    return () => this.#observedListeners.delete(listener);
  }

  /** Records the shape of a successful result of a tool that declares none; the outcome passes through. */
  #observed(server: string, tool: string, outcome: ToolCallOutcome): ToolCallOutcome {
    const observedTypes = this.#observedTypes;
    if (observedTypes === undefined || !outcome.ok) return outcome;
    const listed = this.#api.catalog.find((candidate) => candidate.server === server && candidate.name === tool);
    if (listed === undefined || listed.outputSchema !== undefined || !observedTypes.observe(server, tool, outcome.value)) return outcome;
    this.#stale = true;
    if (!this.#announcing) {
      this.#announcing = true;
      setImmediate(() => {
        this.#announcing = false;
        for (const listener of [...this.#listeners, ...this.#observedListeners]) listener();
      });
    }
    return outcome;
  }

  #current(): DerivedApi {
    if (this.#stale) {
      this.#stale = false;
      this.#api = this.#derive();
    }
    return this.#api;
  }

  /** Code-mode servers making their first connection whose `mcpTools` namespace the code mentions. */
  #connectingNamedIn(code: string, status: readonly ServerStatus[]): string[] {
    return status
      .filter((server) => server.state === 'connecting' && this.#includeServer(server.name) && code.includes(toNamespaceName(server.name)))
      .map((server) => server.name);
  }

  /** Resolves when each server's first connect settled, or after `withinMs`, whichever is first. */
  async #settledWithin(servers: readonly string[], withinMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(withinMs, 2 ** 31 - 1))));
    try {
      await Promise.race([Promise.all(servers.map((server) => this.#pool.connection(server)?.connect())), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  #derive(): DerivedApi {
    const catalog = this.#pool.catalog().filter((tool) => this.#includeServer(tool.server)).map((tool) => {
      const observed = tool.outputSchema === undefined ? this.#observedTypes?.schemaOf(tool.server, tool.name) : undefined;
      return observed === undefined ? tool : { ...tool, observedOutputSchema: observed };
    });
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
