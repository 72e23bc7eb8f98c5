import { typeCheckDefaults } from '../config/defaults.ts';
import { parseConfig } from '../config/parseConfig.ts';
import { isCodeModeServer, type Config, type ConfigInput } from '../config/schema.ts';
import { configSecrets } from '../config/substituteEnv.ts';
import { createLogger, redactingLogger, type Logger } from '../observability/logger.ts';
import { createSecretRedactor, type SecretRedactor } from '../observability/redactSecrets.ts';
import type { Sandbox } from '../sandbox/Sandbox.ts';
import { WorkerSandbox } from '../sandbox/WorkerSandbox.ts';
import { ServerPool, type ServerPoolOptions } from '../servers/index.ts';
import { createTelemetry, type Telemetry } from '../telemetry/index.ts';
import { implementationInfo } from '../version.ts';
import { WorkerTypeChecker } from '../modelApi/index.ts';
import { CodeModeEngine } from './CodeModeEngine.ts';
import type { TypeCheck } from './typeCheckedExecution.ts';
import { ViewTypeCheckers } from './viewTypeCheckers.ts';
import { Governor } from '../governance/Governor.ts';
import { ObservedOutputTypes } from './ObservedOutputTypes.ts';
import { observedOutputTypesDefaults } from '../config/defaults.ts';
import { resolveStateDir } from './stateDir.ts';
import path from 'node:path';

/** What a caller may bring: `createCodeMode` and `createGateway` take these (`CodeModeOptions`, `GatewayOptions`). */
export interface AssembleOptions {
  logger?: Logger;
  /** Another implementation of the Sandbox seam; default: isolated-vm in a worker process. */
  sandbox?: Sandbox;
  /**
   * Telemetry beyond what `OTEL_*` and the config's `audit` ask for: `metrics` keeps the Prometheus
   * metrics (the gateway does); `env` is where `OTEL_*` is read (default `process.env`).
   */
  telemetry?: { metrics?: boolean; recentExecutions?: boolean; env?: Readonly<Record<string, string | undefined>> };
}

/**
 * Which servers code reaches. The library has no other surface, so it reaches every server; the
 * gateway follows the config's code-mode rule and serves the others directly.
 */
export type Reach = 'every server' | 'code-mode servers';

/** What `createCodeMode` and the gateway both stand on. */
export interface Assembly<Engine extends CodeModeEngine | undefined> {
  readonly config: Config;
  /** The caller's logger (or the default one), behind the redactor. */
  readonly logger: Logger;
  /** Built once from every secret of the config; everything that leaves goes through it. */
  readonly redactor: SecretRedactor;
  readonly servers: ServerPool;
  /** Undefined when code mode is off and reach follows the rule (the gateway as a plain proxy). */
  readonly engine: Engine;
  /**
   * Resolves when every server's first connect settled (ready or failed). The pool is returned while
   * they connect: servers join the catalog as they come up, and list-change listeners hear of each.
   */
  readonly serversSettled: Promise<void>;
  /** Traces, metrics and the audit log, as configured; `noTelemetry` when none is. */
  readonly telemetry: Telemetry;
  /** Who may call what, how often, with whose approval: every call passes it (code and passthrough). */
  readonly gate: Governor;
  /** Closes the sandbox and the servers, then writes out what telemetry holds. */
  close(): Promise<void>;
}

/**
 * The composition root of code-goat: parses the config, starts the sandbox and the server pool, and
 * builds the code-mode engine over them. The sandbox is started first so that its worker boots while
 * the servers connect. Resolves without waiting for the servers: `serversSettled` says when they are
 * up or failed (`createCodeMode` waits for it; the gateway serves before).
 */
/**
 * What the two callers say beyond `AssembleOptions`: which servers code reaches, and when the default
 * sandbox boots its first worker (default at once; the gateway, which serves before its servers are
 * up, later: `sandboxPoolDefaults.gatewayWarmAfterMs`).
 */
type AssembleAs<R extends Reach> = AssembleOptions & { reach: R; warmSandboxAfterMs?: number };

export async function assembleCodeMode(input: ConfigInput | Config, options: AssembleAs<'every server'>): Promise<Assembly<CodeModeEngine>>;
export async function assembleCodeMode(input: ConfigInput | Config, options: AssembleAs<Reach>): Promise<Assembly<CodeModeEngine | undefined>>;
export async function assembleCodeMode(input: ConfigInput | Config, options: AssembleAs<Reach>): Promise<Assembly<CodeModeEngine | undefined>> {
  const config = parseConfig(input);
  const redactor = createSecretRedactor(configSecrets(config));
  const logger = redactingLogger(options.logger ?? createLogger({ component: 'code-goat' }), redactor);
  const byRule = options.reach === 'code-mode servers';
  const sandbox = byRule && !config.codeMode.enabled ? undefined : (options.sandbox ?? createSandbox(config, logger, options.warmSandboxAfterMs ?? 0));
  let servers: ServerPool;
  try {
    servers = ServerPool.create(config.mcpServers, { ...serverPoolOptions(config, logger), redactor });
  } catch (error) {
    await sandbox?.close();
    throw error;
  }
  // Started, not awaited: whoever serves may answer before every server is up (see `serversSettled`).
  const serversSettled = servers.connectAll();
  const typeCheck = sandbox && createTypeCheck(config, logger);
  // Loaded while the servers connect (the OpenTelemetry SDK takes a second or so to load).
  let telemetry: Telemetry;
  try {
    telemetry = await createTelemetry({
      ...options.telemetry,
      audit: config.audit,
      logger,
      redactor,
      metricSources: {
        ...(sandbox?.load && { sandboxLoad: () => sandbox.load!() }),
        servers: () => servers.status().map((server) => ({ name: server.name, up: server.state === 'ready' })),
      },
    });
  } catch (error) {
    await Promise.all([sandbox?.close(), servers.close(), typeCheck?.checkers.close()]);
    await serversSettled;
    throw error;
  }
  const pool = servers;
  const gate = new Governor(config, { logger, redactor, toolsOf: (server) => pool.connection(server)?.tools() ?? [] });
  gate.onDecision(({ decision }) => {
    telemetry.policyDecision(decision);
    if (decision === 'rate_limited') telemetry.rateLimited();
  });
  const observedTypes = sandbox && (config.codeMode.inferOutputTypes ?? observedOutputTypesDefaults.enabled)
    ? new ObservedOutputTypes(path.join(resolveStateDir(config.stateDir), observedOutputTypesDefaults.fileName), logger)
    : undefined;
  const engine =
    sandbox &&
    new CodeModeEngine(servers, sandbox, {
      includeServer: byRule ? (server) => isCodeModeServer(config, server) : () => true,
      apiTokenBudget: config.codeMode.apiTokenBudget,
      redactor,
      ...(typeCheck && { typeCheck }),
      telemetry,
      gate,
      ...(observedTypes && { observedTypes }),
    });
  await gate.ready();
  return {
    config,
    logger,
    redactor,
    servers,
    engine,
    serversSettled,
    telemetry,
    gate,
    async close() {
      observedTypes?.flush();
      await Promise.all([sandbox?.close(), servers.close(), typeCheck?.checkers.close(), gate.close()]);
      await serversSettled; // settles at once now that every connection is closed; its log line comes first
      // Last: executions that ended as the sandbox closed have their audit lines and spans by now.
      await telemetry.close();
    },
  };
}

/** How the config shapes the downstream pool. */
function serverPoolOptions(config: Config, logger: Logger): ServerPoolOptions {
  return {
    logger,
    defaultToolTimeoutMs: config.codeMode.toolTimeout,
    clientInfo: implementationInfo,
    ...(config.codeMode.maxConcurrentCallsPerServer !== undefined && { maxConcurrentCallsPerServer: config.codeMode.maxConcurrentCallsPerServer }),
  };
}

/**
 * The default sandbox, its first worker booted after `warmAfterMs` (or by the first execution, if that
 * comes first). Settings left out of the config take the sandbox's defaults.
 */
function createSandbox(config: Config, logger: Logger, warmAfterMs: number): Sandbox {
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
  if (warmAfterMs === 0) sandbox.warm();
  else setTimeout(() => sandbox.warm(), warmAfterMs).unref();
  return sandbox;
}

/**
 * `codeMode.typeCheck` and its checker thread. Where every execution is checked (`warn`, `strict`) the
 * thread starts now, loading TypeScript while the servers connect; with `on-error` it starts with the
 * first failed execution (about two seconds of CPU that a gateway whose code never fails never pays),
 * and stays warm from then on.
 */
function createTypeCheck(config: Config, logger: Logger): TypeCheck | undefined {
  const mode = config.codeMode.typeCheck ?? typeCheckDefaults.mode;
  if (mode === 'off') return undefined;
  const checkers = new ViewTypeCheckers(() => new WorkerTypeChecker({ onProblem: (message) => logger.warn('type checker', { message }) }));
  if (mode !== 'on-error') checkers.whole.warm();
  return { mode, checkers };
}

/** Drops the keys whose value is undefined, so that defaults further down apply. */
function definedOnly<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
