import { assignNames, buildRuntimeApi, generateTypeDefinitions, type NamedCatalog } from '../api/index.ts';
import type { RuntimeApi } from '../api/RuntimeApi.ts';
import { parseConfig } from '../config/parseConfig.ts';
import type { Config, ConfigInput } from '../config/schema.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/Sandbox.ts';
import { WorkerSandbox } from '../sandbox/WorkerSandbox.ts';
import { ServerPool } from '../servers/index.ts';
import type { ToolCatalog } from '../servers/ToolCatalog.ts';
import { executeCodeToolSchema, type ExecuteCodeToolSchema } from './executeCodeTool.ts';

export interface CodeMode {
  /** TypeScript declarations of `mcpTools`, as the model sees them. Follows catalog changes. */
  readonly typeDefinitions: string;
  /** namespace → method → (server, tool): what the sandbox installs. */
  readonly runtimeApi: RuntimeApi;
  /** The current tool catalog of every connected server. */
  readonly catalog: ToolCatalog;
  readonly servers: ServerPool;
  /** Runs the body of an async function against the servers. Never throws. */
  executeCode(code: string, limits?: Partial<SandboxLimits>): Promise<ExecutionResult>;
  getExecuteCodeToolSchema(): ExecuteCodeToolSchema;
  /** Called after the catalog (and so the declarations) changed. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface CodeModeOptions {
  logger?: Logger;
  /** Another implementation of the Sandbox seam; default: isolated-vm in a worker process. */
  sandbox?: Sandbox;
}

/**
 * The core of code-goat as a library: connect to the configured servers, generate the typed API
 * from their tools, and run model-written code against it in the sandbox.
 */
export async function createCodeMode(config: ConfigInput | Config, options: CodeModeOptions = {}): Promise<CodeMode> {
  const parsed = parseConfig(config);
  const logger = options.logger ?? createLogger({ component: 'code-goat' });
  const limits: Partial<SandboxLimits> = { timeoutMs: parsed.codeMode.timeout, memoryMb: parsed.codeMode.memoryMb };
  const sandbox = options.sandbox ?? new WorkerSandbox({ limits, onWorkerStderr: (text) => logger.warn('sandbox worker', { text }) });
  // The worker starts while the servers connect: the first execution pays for neither.
  if (sandbox instanceof WorkerSandbox) sandbox.warm();
  const servers = await ServerPool.start(parsed.mcpServers, { logger, defaultToolTimeoutMs: parsed.codeMode.toolTimeout });

  let api = deriveApi(servers.catalog());
  const listeners = new Set<() => void>();
  servers.onCatalogChanged(() => {
    api = deriveApi(servers.catalog());
    for (const listener of listeners) listener();
  });

  return {
    get typeDefinitions() {
      return api.typeDefinitions;
    },
    get runtimeApi() {
      return api.runtimeApi;
    },
    get catalog() {
      return servers.catalog();
    },
    servers,
    executeCode: (code, overrides) =>
      sandbox.execute({ code, bindings: api.runtimeApi, ...(overrides ? { limits: overrides } : {}) }, (server, tool, args) =>
        servers.callTool(server, tool, args),
      ),
    getExecuteCodeToolSchema: () => executeCodeToolSchema(api.typeDefinitions),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await Promise.all([sandbox.close(), servers.close()]);
    },
  };
}

interface DerivedApi {
  readonly named: NamedCatalog;
  readonly typeDefinitions: string;
  readonly runtimeApi: RuntimeApi;
}

function deriveApi(catalog: ToolCatalog): DerivedApi {
  const named = assignNames(catalog);
  return { named, typeDefinitions: generateTypeDefinitions(named), runtimeApi: buildRuntimeApi(named) };
}
