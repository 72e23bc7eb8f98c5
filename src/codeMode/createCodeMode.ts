import type { RuntimeApi } from '../modelApi/RuntimeApi.ts';
import type { Config, ConfigInput } from '../config/schema.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { SandboxLimits } from '../sandbox/Sandbox.ts';
import type { ServerPool } from '../servers/index.ts';
import type { ToolCatalog } from '../catalog/ToolCatalog.ts';
import { assembleCodeMode, type AssembleOptions } from './assembleCodeMode.ts';
import { sandboxPoolDefaults } from '../config/defaults.ts';
import type { ExecuteCodeToolSchema } from './executeCodeTool.ts';
import { executeCodeArgumentProblem } from './executeCodeArguments.ts';
import { sandboxFailure } from '../sandbox/sandboxFailure.ts';

export interface CodeMode {
  /** TypeScript declarations of `mcpTools`, as the model sees them. Follows catalog changes. */
  readonly typeDefinitions: string;
  /** namespace → method → (server, tool): what the sandbox installs. */
  readonly runtimeApi: RuntimeApi;
  /** The tools reachable from code. */
  readonly catalog: ToolCatalog;
  readonly servers: ServerPool;
  /**
   * Runs the body of an async function against the servers. Never throws. Aborting `options.signal`
   * stops the execution (`CANCELLED`) and cancels its tool calls downstream.
   */
  executeCode(code: string, limits?: Partial<SandboxLimits>, options?: ExecuteCodeOptions): Promise<ExecutionResult>;
  getExecuteCodeToolSchema(): ExecuteCodeToolSchema;
  /** Called after the catalog (and so the declarations) changed. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

/** How one `executeCode` call is run, apart from its limits. */
export interface ExecuteCodeOptions {
  /** The caller's cancel: aborting it stops the execution and cancels its calls, wherever they are. */
  readonly signal?: AbortSignal;
}

export type CodeModeOptions = AssembleOptions;

/**
 * The core of code-goat as a library: connect to the configured servers, generate the typed API
 * from their tools, and run model-written code against it in the sandbox. Every configured server is
 * reached through code: a library has no other way to reach one.
 */
export async function createCodeMode(config: ConfigInput | Config, options: CodeModeOptions = {}): Promise<CodeMode> {
  const { engine, servers, serversSettled, close } = await assembleCodeMode(config, { ...options, reach: 'every server' });
  // The declarations are complete once every server is up or failed: what library users rely on.
  await serversSettled;
  // And the sandbox prepared for those servers, so that the first execution is not the slow one; bounded,
  // never failing: a sandbox that cannot boot fails executions with its reason, not the start.
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([engine.prepared(), new Promise<void>((resolve) => (bound = setTimeout(resolve, sandboxPoolDefaults.libraryPrepareWaitMs)))]);
  clearTimeout(bound);
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
    executeCode: async (code, limits, options) => {
      // A program's arguments, checked here at the library's edge: the engine trusts what it is given.
      const problem = executeCodeArgumentProblem(code, limits);
      if (problem !== undefined) return sandboxFailure('INVALID_ARGUMENTS', problem, performance.now());
      const signal = options?.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        return sandboxFailure('INVALID_ARGUMENTS', 'executeCode(code, limits, options): options.signal must be an AbortSignal.', performance.now());
      }
      return engine.executeCode(code, limits, signal);
    },
    // A copy: the engine keeps the definition for the gateway, and a caller may change what it gets.
    getExecuteCodeToolSchema: () => structuredClone(engine.executeCodeToolSchema),
    onChange: (listener) => engine.onChange(listener),
    close,
  };
}
