import type { RuntimeApi } from '../api/RuntimeApi.ts';
import { parseConfig } from '../config/parseConfig.ts';
import type { Config, ConfigInput } from '../config/schema.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/Sandbox.ts';
import { WorkerSandbox } from '../sandbox/WorkerSandbox.ts';
import { ServerPool, type ServerPoolOptions } from '../servers/index.ts';
import type { ToolCatalog } from '../catalog/ToolCatalog.ts';
import { CodeModeEngine } from './CodeModeEngine.ts';
import { executeCodeToolSchema, type ExecuteCodeToolSchema } from './executeCodeTool.ts';

export interface CodeMode {
  /** TypeScript declarations of `mcpTools`, as the model sees them. Follows catalog changes. */
  readonly typeDefinitions: string;
  /** namespace → method → (server, tool): what the sandbox installs. */
  readonly runtimeApi: RuntimeApi;
  /** The tools reachable from code. */
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
  const sandbox = options.sandbox ?? createSandbox(parsed, logger);
  const servers = await ServerPool.start(parsed.mcpServers, serverPoolOptions(parsed, logger));
  const engine = new CodeModeEngine(servers, sandbox);
  return {
    get typeDefinitions() {
      return engine.typeDefinitions;
    },
    get runtimeApi() {
      return engine.runtimeApi;
    },
    get catalog() {
      return engine.catalog;
    },
    servers,
    executeCode: (code, limits) => engine.executeCode(code, limits),
    getExecuteCodeToolSchema: () =>
      executeCodeToolSchema(engine.named, parsed.codeMode.apiTokenBudget === undefined ? {} : { maxTokens: parsed.codeMode.apiTokenBudget }),
    onChange: (listener) => engine.onChange(listener),
    async close() {
      await Promise.all([sandbox.close(), servers.close()]);
    },
  };
}

/** How the config shapes the downstream pool; shared by the library and the gateway. */
export function serverPoolOptions(config: Config, logger: Logger): ServerPoolOptions {
  return {
    logger,
    defaultToolTimeoutMs: config.codeMode.toolTimeout,
    clientInfo: { name: 'code-goat', version: '0.1.0' },
    ...(config.codeMode.maxConcurrentCallsPerServer !== undefined && { maxConcurrentCallsPerServer: config.codeMode.maxConcurrentCallsPerServer }),
  };
}

/** The default sandbox, started at once so that its worker boots while the servers connect. */
export function createSandbox(config: Config, logger: Logger): Sandbox {
  const { codeMode } = config;
  const sandbox = new WorkerSandbox({
    limits: definedOnly({
      timeoutMs: codeMode.timeout,
      memoryMb: codeMode.memoryMb,
      cpuTimeMs: codeMode.cpuTimeMs,
      maxCodeBytes: codeMode.maxCodeBytes,
      maxOutputBytes: codeMode.maxOutputBytes,
      maxReturnBytes: codeMode.maxReturnBytes,
      maxToolCalls: codeMode.maxToolCalls,
    }),
    pool: definedOnly({ workers: codeMode.workers, maxQueue: codeMode.maxQueue, maxWorkerRssMb: codeMode.maxWorkerRssMb }),
    onWorkerStderr: (text) => logger.warn('sandbox worker', { text: text.trimEnd() }),
  });
  sandbox.warm();
  return sandbox;
}

/** Drops the keys whose value is undefined, so that defaults further down apply. */
function definedOnly<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
