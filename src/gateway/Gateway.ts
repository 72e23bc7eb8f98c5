import type { Server } from '@modelcontextprotocol/server';
import { assembleCodeMode, type AssembleOptions, type Assembly } from '../codeMode/assembleCodeMode.ts';
import type { CodeModeEngine } from '../codeMode/CodeModeEngine.ts';
import type { Config, ConfigInput } from '../config/schema.ts';
import { governanceDefaults, sandboxPoolDefaults } from '../config/defaults.ts';
import type { Logger } from '../observability/logger.ts';
import type { Governor } from '../governance/Governor.ts';
import type { SecretRedactor } from '../observability/redactSecrets.ts';
import type { ServerPool, ServerStatus } from '../servers/index.ts';
import type { Telemetry } from '../telemetry/index.ts';
import { createUpstreamServer, type UpstreamServerOptions } from './createUpstreamServer.ts';
import { InputRequiredApprovals } from './clients/inputRequiredApprovals.ts';
import { anonymousClient, mayUse, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';
import { UpstreamSurface } from './UpstreamSurface.ts';

export type ListKind = 'tools' | 'resources' | 'prompts';

export interface HealthReport {
  /** ok: every enabled server is ready; degraded: some are not (still `connecting`, or failed: the others serve). */
  status: 'ok' | 'degraded';
  codeMode: boolean;
  servers: ServerStatus[];
}

/** A logger, and another Sandbox implementation if wanted: the same as `createCodeMode` takes. */
export interface GatewayOptions extends AssembleOptions {
  /**
   * Resolve once every downstream server is ready or failed (default), or at once (`false`: the CLI
   * serves so, so that clients are answered while slow servers connect; those join later, with
   * list-change notifications). `serversSettled` resolves when they are up either way.
   */
  waitForServers?: boolean;
}

/**
 * code-goat as a gateway: the library's assembly (the downstream pool, code mode over the servers
 * the code-mode rule names) and the upstream surface every transport serves. Transports (stdio,
 * HTTP) ask it for server instances and subscribe to list changes so they can tell their clients.
 */
export class Gateway {
  readonly config: Config;
  readonly pool: ServerPool;
  readonly codeMode: CodeModeEngine | undefined;
  readonly surface: UpstreamSurface;
  readonly logger: Logger;
  /** Traces, metrics (`telemetry.metrics`, served at `/metrics`) and the audit log. */
  readonly telemetry: Telemetry;
  /** Policy, rate limits and approvals: `gate.onDecision` tells of every decision (telemetry, audit). */
  readonly gate: Governor;
  /** Resolves when every downstream server's first connect settled (ready or failed). */
  readonly serversSettled: Promise<void>;
  readonly #close: () => Promise<void>;
  readonly #redactor: SecretRedactor;
  readonly #listeners = new Set<(kind: ListKind) => void>();
  readonly #approvalTimeoutMs: number;
  /** Executions waiting on a 2026-07-28 client's approval between its requests. */
  readonly #inputRequired: InputRequiredApprovals;

  private constructor({ config, servers: pool, engine, logger, redactor, serversSettled, telemetry, close, gate }: Assembly<CodeModeEngine | undefined>) {
    this.config = config;
    this.#redactor = redactor;
    this.serversSettled = serversSettled;
    this.pool = pool;
    this.logger = logger;
    this.codeMode = engine;
    this.telemetry = telemetry;
    this.#close = close;
    this.gate = gate;
    this.#approvalTimeoutMs = config.policy?.approvalTimeoutMs ?? governanceDefaults.approvalTimeoutMs;
    this.#inputRequired = new InputRequiredApprovals(this.#approvalTimeoutMs);
    this.surface = new UpstreamSurface(pool, engine, config, telemetry, gate);
    // A new observed return type changes execute_code's description: the clients' tool lists are stale.
    engine?.onObservedTypesChanged(() => {
      this.surface.refresh();
      for (const listener of this.#listeners) listener('tools');
    });
    pool.onListChanged(({ server, kind }) => {
      this.surface.refresh();
      logger.info('downstream list changed', { server, kind });
      for (const listener of this.#listeners) listener(kind);
    });
  }

  static async start(config: ConfigInput | Config, options: GatewayOptions = {}): Promise<Gateway> {
    const { waitForServers = true, ...assemble } = options;
    // A gateway keeps metrics (served at /metrics, or by `--metrics` in stdio mode) and the recent executions (the console) unless told not to.
    const assembly = await assembleCodeMode(config, { ...assemble, telemetry: { metrics: true, recentExecutions: true, ...assemble.telemetry }, reach: 'code-mode servers', warmSandboxAfterMs: sandboxPoolDefaults.gatewayWarmAfterMs });
    if (waitForServers) await assembly.serversSettled;
    return new Gateway(assembly);
  }

  /** A fresh upstream MCP server instance over this gateway's surface, serving `options.client` (anonymous by default). */
  createServer(options: Omit<UpstreamServerOptions, 'approvalTimeoutMs' | 'inputRequired' | 'telemetry'> = {}): Server {
    return createUpstreamServer(this.surface, { ...options, approvalTimeoutMs: this.#approvalTimeoutMs, inputRequired: this.#inputRequired, telemetry: this.telemetry });
  }

  /** Called when a downstream list changed (after the surface was refreshed). */
  onListChanged(listener: (kind: ListKind) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Secrets redacted: failures are already, and nothing a server says reaches a client unredacted. */
  health(client: ClientIdentity = anonymousClient): HealthReport {
    // A client that may use only some servers is told of those alone, as everywhere else.
    const servers = this.pool.status().filter((server) => mayUse(client, server.name));
    return this.#redactor.value({ status: servers.every((server) => server.state === 'ready') ? 'ok' : 'degraded', codeMode: this.codeMode !== undefined, servers });
  }

  async close(): Promise<void> {
    await this.#close();
  }
}

export function createGateway(config: ConfigInput | Config, options?: GatewayOptions): Promise<Gateway> {
  return Gateway.start(config, options);
}
