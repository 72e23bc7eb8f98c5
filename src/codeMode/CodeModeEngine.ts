import { assignNames, buildRuntimeApi, generateTypeDefinitions, type NamedCatalog } from '../modelApi/index.ts';
import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { DeadlineHold, Sandbox, SandboxLimits } from '../sandbox/Sandbox.ts';
import type { ToolCallOutcome } from '../catalog/ToolCallOutcome.ts';
import type { ServerPool } from '../servers/index.ts';
import type { ToolCatalog } from '../catalog/ToolCatalog.ts';
import type { ObservedOutputTypes } from './ObservedOutputTypes.ts';
import { noRedaction, type SecretRedactor } from '../observability/redactSecrets.ts';
import { noTelemetry, type ExecutionTelemetry, type Telemetry } from '../telemetry/index.ts';
import { executeCodeToolSchema, type ExecuteCodeToolSchema } from './executeCodeTool.ts';
import { typeCheckedExecution, typeCheckFor, type TypeCheck } from './typeCheckedExecution.ts';
import { anonymousClient, clientKey, mayUse, viewKey, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';
import type { CallGate } from '../governance/CallGate.ts';
import type { ExecuteOptions } from './executeOptions.ts';
import { unavailableServers, type UnavailableServer } from './unavailableServers.ts';
import { ExecutionBindingsCache, type ExecutionBindings } from './executionBindings.ts';
import { callJoiningServer, connectingPastDeadline, type ExecutionCalls } from './joiningServers.ts';

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
  /** `codeMode.typeCheck` and the checker it uses; kept told of the declarations as the catalog changes. */
  typeCheck?: TypeCheck;
  /** Spans, metrics and the audit line of each execution and of its calls. */
  telemetry?: Telemetry;
  /** Policy, rate limits and approvals, consulted before each call leaves (see governance/). */
  gate?: CallGate;
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
  /** See `prepared()`. */
  #prepared: Promise<void> = Promise.resolve();
  readonly #includeServer: (server: string) => boolean;
  readonly #describeOptions: { maxTokens?: number };
  readonly #redactor: SecretRedactor;
  readonly #typeCheck: TypeCheck | undefined;
  readonly #telemetry: Telemetry;
  readonly #listeners = new Set<() => void>();
  readonly #gate: CallGate | undefined;
  readonly #observedListeners = new Set<() => void>();
  readonly #observedTypes: ObservedOutputTypes | undefined;
  #api: DerivedApi;
  /** The API as clients that see only some servers get it, by `viewKey`; made on first use, dropped when the catalog changes. */
  #views = new Map<string, DerivedApi>();
  readonly #bindings = new ExecutionBindingsCache();
  /** An observed type changed since `#api` was made: made again when next read (a burst of new shapes costs one). */
  #stale = false;
  #announcing = false;

  constructor(pool: ServerPool, sandbox: Sandbox, options: CodeModeEngineOptions = {}) {
    this.#pool = pool;
    this.#sandbox = sandbox;
    this.#includeServer = options.includeServer ?? (() => true);
    this.#redactor = options.redactor ?? noRedaction;
    this.#describeOptions = options.apiTokenBudget === undefined ? {} : { maxTokens: options.apiTokenBudget };
    this.#typeCheck = options.typeCheck;
    this.#telemetry = options.telemetry ?? noTelemetry;
    this.#gate = options.gate;
    this.#observedTypes = options.observedTypes;
    this.#api = this.#derive();
    this.#expectBindings();
    pool.onCatalogChanged(() => {
      this.#api = this.#derive();
      this.#views = new Map();
      this.#stale = false;
      this.#expectBindings();
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
   * The API a client sees: only the servers it may use (its `servers`), named, declared and described
   * from that part of the catalog alone, so that nothing of the others reaches its model.
   */
  viewFor(client: ClientIdentity | undefined): ApiView {
    return this.#viewOf(this.#apiFor(client));
  }

  /** The derived API of `viewFor`, without the `execute_code` description (which counts tokens): what bindings need. */
  #apiFor(client: ClientIdentity | undefined): DerivedApi {
    const whole = this.#current(); // first: a stale API drops the views made from it
    if (client?.servers === undefined) return whole;
    const key = viewKey(client);
    let api = this.#views.get(key);
    if (api === undefined) {
      api = this.#derive((server) => mayUse(client, server));
      this.#views.set(key, api);
      // Its code is checked against what its model was shown, nothing more (see ViewTypeCheckers); told now, so parsed ahead.
      this.#typeCheck?.checkers.of(key, api.typeDefinitions);
    }
    return api;
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
  async executeCode(code: string, limits?: Partial<SandboxLimits>, signal?: AbortSignal, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const observed = this.#telemetry.execution(code);
    const result = await this.#execute(code, observed, limits, signal, options);
    observed.end(result);
    return result;
  }

  async #execute(code: string, observed: ExecutionTelemetry, limits: Partial<SandboxLimits> | undefined, signal: AbortSignal | undefined, { caller, onCallFinished }: ExecuteOptions): Promise<ExecutionResult> {
    const client = caller?.client;
    const { bindings, joining } = this.#bindingsFor(client);
    const execution: ExecutionCalls = { stillConnecting: new Set() };
    const gate = this.#gate;
    /** One call as it leaves: traced, past the gate (policy, limits, approval), recorded for observed types. */
    const send = (server: string, tool: string, args: unknown, callSignal: AbortSignal | undefined, deadline: DeadlineHold | undefined): Promise<ToolCallOutcome> =>
      observed.toolCall(server, tool, async (meta) => {
        if (gate !== undefined) {
          // No caller (the library, `code-goat run`): the config's policy and limits still hold, for `anonymous`, who cannot be asked.
          const refused = await gate.admit({ server, tool, args, from: 'code' }, caller ?? { client: anonymousClient }, { ...(callSignal ? { signal: callSignal } : {}), ...(deadline ? { deadline } : {}) });
          if (refused) return refused;
        }
        return this.#observed(server, tool, await this.#pool.callTool(server, tool, args, { group: execution, ...(callSignal ? { signal: callSignal } : {}), ...(meta && { meta }) }));
      });
    let running = true;
    const run = async () => {
      const owner = caller === undefined ? undefined : clientKey(caller.client);
      const ran = await this.#sandbox.execute({ code, bindings, ...(limits ? { limits } : {}), ...(signal ? { signal } : {}), ...(owner !== undefined && { owner }) }, async (server, tool, args, callSignal, deadline) => {
        const outcome = joining.has(server)
          ? await callJoiningServer(this.#pool, () => this.#current().runtimeApi, execution, { server, method: tool, signal: callSignal }, (name) => send(server, name, args, callSignal, deadline))
          : await send(server, tool, args, callSignal, deadline);
        if (running) onCallFinished?.({ server, tool, ok: outcome.ok });
        return outcome;
      });
      running = false; // calls cancelled as it ended may still come back: they are not progress
      return ran;
    };
    const result = await typeCheckedExecution(typeCheckFor(this.#typeCheck, client, this.#apiFor(client).typeDefinitions), code, run, signal);
    return this.#redactor.value(execution.stillConnecting.size > 0 && result.errorCode === 'TIMEOUT' ? connectingPastDeadline(result, execution.stillConnecting) : result);
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
      this.#views = new Map();
    }
    return this.#api;
  }

  /** What an execution for `client` is bound to (see `executionBindings`), from one look at the servers' states. */
  #bindingsFor(client: ClientIdentity | undefined): ExecutionBindings {
    return this.#bindings.of(client === undefined ? '*' : viewKey(client), this.#apiFor(client).runtimeApi, this.#pool.status(), client, this.#includeServer);
  }

  /**
   * Tells the sandbox the bindings the next execution most likely has (a client with the whole API,
   * the servers as they are now), so that its idle isolates prepare their next context for them: the
   * first execution after a start or a change of servers does not pay for that.
   */
  #expectBindings(): void {
    this.#prepared = this.#sandbox.expect?.(this.#bindingsFor(undefined).bindings) ?? Promise.resolve();
  }

  /**
   * Resolves once the sandbox is prepared for the latest bindings (see `#expectBindings`), so that the
   * next execution starts at its own code; never rejects.
   */
  prepared(): Promise<void> {
    return this.#prepared;
  }

  /** The API over every code-mode server, or over those `include` keeps (a client's view). */
  #derive(include?: (server: string) => boolean): DerivedApi {
    const catalog = this.#pool.catalog().filter((tool) => this.#includeServer(tool.server) && (include === undefined || include(tool.server))).map((tool) => {
      const observed = tool.outputSchema === undefined ? this.#observedTypes?.schemaOf(tool.server, tool.name) : undefined;
      return observed === undefined ? tool : { ...tool, observedOutputSchema: observed };
    });
    const named = assignNames(catalog);
    const typeDefinitions = generateTypeDefinitions(named);
    // Told now, so that the checker parses them while no check waits.
    if (include === undefined) this.#typeCheck?.checkers.whole.setDeclarations(typeDefinitions);
    return { catalog, named, typeDefinitions, runtimeApi: buildRuntimeApi(named) };
  }


  #viewOf(api: DerivedApi): ApiView {
    api.executeCodeToolSchema ??= executeCodeToolSchema(api.named, this.#describeOptions);
    return { named: api.named, catalog: api.catalog, runtimeApi: api.runtimeApi, executeCodeToolSchema: api.executeCodeToolSchema };
  }

}

/** What one client's model sees and its code gets: the generated API over the servers it may use. */
export interface ApiView {
  readonly named: NamedCatalog;
  readonly catalog: ToolCatalog;
  readonly runtimeApi: RuntimeApi;
  readonly executeCodeToolSchema: ExecuteCodeToolSchema;
}

interface DerivedApi {
  readonly catalog: ToolCatalog;
  readonly named: NamedCatalog;
  readonly typeDefinitions: string;
  readonly runtimeApi: RuntimeApi;
  /** Made on first use. */
  executeCodeToolSchema?: ExecuteCodeToolSchema;
}
