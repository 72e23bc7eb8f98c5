import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { CodeGoatError, type ErrorCode } from '../errors.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { AuditLog } from './audit/AuditLog.ts';
import { decisionOf, type AuditRecord, type AuditToolCall } from './audit/AuditRecord.ts';
import { callErrorCode } from './callErrorCode.ts';
import type { RecentExecutions } from './recent/RecentExecutions.ts';
import type { LateMetrics } from './metrics/LateMetrics.ts';
import { codeGoatAttributes } from './semconv.ts';
import type { CallOutcome, DownstreamMeta, ExecutionTelemetry, Telemetry, UpstreamRequest } from './Telemetry.ts';
import type { TraceSpan, Tracing } from './tracing/Tracing.ts';

export interface TelemetryParts {
  readonly tracing?: Tracing | undefined;
  readonly metrics?: LateMetrics | undefined;
  readonly audit?: { readonly log: AuditLog; readonly code: 'full' | 'hash' } | undefined;
  /** The operator console's ring: fed the same record as the audit log, with the code and the error. */
  readonly recent?: RecentExecutions | undefined;
}

/** What an upstream request's handling carries down to the executions and calls it starts. */
interface RequestScope {
  readonly span: TraceSpan | undefined;
  readonly client: string | undefined;
}

/**
 * The telemetry of a gateway: each hook fans out to the parts that are on (tracing, metrics, the
 * audit log). The current upstream request is found through AsyncLocalStorage, so that nothing
 * between the MCP handler and the engine has to pass it on; the sandbox's calls come back through
 * IPC, outside that context, so an execution keeps its own span and hands it to its calls.
 */
export class GatewayTelemetry implements Telemetry {
  readonly #tracing: Tracing | undefined;
  readonly #metrics: LateMetrics | undefined;
  readonly #audit: TelemetryParts['audit'];
  readonly #recent: RecentExecutions | undefined;
  readonly #scope = new AsyncLocalStorage<RequestScope>();

  constructor(parts: TelemetryParts) {
    this.#tracing = parts.tracing;
    this.#metrics = parts.metrics;
    this.#audit = parts.audit;
    this.#recent = parts.recent;
  }

  get metrics(): LateMetrics | undefined {
    return this.#metrics;
  }

  get recent(): RecentExecutions | undefined {
    return this.#recent;
  }

  upstreamRequest<T>(request: UpstreamRequest, work: () => Promise<T>): Promise<T> {
    const span = this.#tracing?.serverSpan(request);
    const started = performance.now();
    // The scope is for what an execution or a call reads from it: a span to hang under, the client for the audit line.
    const observe = async () => {
      let errorType: string | undefined;
      try {
        const result = await work();
        errorType = isErrorResult(result) ? 'TOOL_ERROR' : undefined;
        return result;
      } catch (error) {
        errorType = error instanceof CodeGoatError ? error.code : 'internal';
        throw error;
      } finally {
        span?.end(undefined, errorType);
        const seconds = (performance.now() - started) / 1000;
        this.#metrics?.record((metrics) => metrics.serverOperation(request, seconds, errorType));
      }
    };
    return span === undefined && !this.#records ? observe() : this.#scope.run({ span, client: request.client }, observe);
  }

  execution(code: string): ExecutionTelemetry {
    const scope = this.#scope.getStore();
    const codeSha256 = this.#tracing || this.#records ? createHash('sha256').update(code).digest('hex') : '';
    const span = this.#tracing?.executionSpan(scope?.span, codeSha256);
    const started = performance.now();
    const calls: AuditToolCall[] | undefined = this.#records ? [] : undefined;
    return {
      toolCall: (server, tool, send) => this.#call(span, server, tool, send, calls),
      end: (result) => {
        const errorCode = result.success ? undefined : (result.errorCode ?? 'RUNTIME_ERROR');
        span?.end(
          {
            [codeGoatAttributes.executionOutcome]: result.success ? 'success' : 'failure',
            [codeGoatAttributes.executionToolCalls]: result.toolCalls.length,
            ...(errorCode !== undefined && { [codeGoatAttributes.executionErrorCode]: errorCode }),
          },
          errorCode,
        );
        const seconds = (performance.now() - started) / 1000;
        this.#metrics?.record((metrics) => metrics.execution(errorCode, seconds));
        if (calls) this.#record({ code, codeSha256, client: scope?.client, result, errorCode, calls });
      },
    };
  }

  toolCall<T extends CallOutcome>(server: string, tool: string, send: (meta: DownstreamMeta | undefined) => Promise<T>): Promise<T> {
    return this.#call(this.#scope.getStore()?.span, server, tool, send, undefined);
  }

  policyDecision(decision: string): void {
    this.#metrics?.record((metrics) => metrics.policyDecision(decision));
  }

  rateLimited(): void {
    this.#metrics?.record((metrics) => metrics.rateLimited());
  }

  async close(): Promise<void> {
    await Promise.all([this.#audit?.log.close(), this.#tracing?.shutdown()]);
  }

  async #call<T extends CallOutcome>(
    parent: TraceSpan | undefined,
    server: string,
    tool: string,
    send: (meta: DownstreamMeta | undefined) => Promise<T>,
    calls: AuditToolCall[] | undefined,
  ): Promise<T> {
    const span = this.#tracing?.clientSpan(parent, server, tool);
    const started = performance.now();
    let outcome: T;
    try {
      outcome = await send(span?.downstreamMeta());
    } catch (error) {
      // Requests return outcomes; a throw is a bug below, and still ends its span.
      span?.end(undefined, 'internal');
      throw error;
    }
    const durationMs = performance.now() - started;
    const errorCode = callErrorCode(outcome);
    span?.end(undefined, errorCode);
    this.#metrics?.record((metrics) => metrics.toolCall(server, tool, durationMs / 1000, errorCode));
    calls?.push({ server, tool, ok: errorCode === undefined, durationMs: Math.round(durationMs), decision: decisionOf(errorCode), ...(errorCode && { errorCode }) });
    return outcome;
  }

  /** Whether anything keeps a record of each execution (the audit log, the console's ring). */
  get #records(): boolean {
    return this.#audit !== undefined || this.#recent !== undefined;
  }

  /** One record per execution, for the audit log and the console's ring alike. */
  #record(execution: { code: string; codeSha256: string; client: string | undefined; result: ExecutionResult; errorCode: ErrorCode | undefined; calls: AuditToolCall[] }): void {
    const { result, code } = execution;
    const record: AuditRecord = {
      time: new Date().toISOString(),
      executionId: randomUUID(),
      client: execution.client ?? null,
      codeSha256: execution.codeSha256,
      outcome: result.success ? 'success' : 'failure',
      errorCode: execution.errorCode ?? null,
      durationMs: Math.round(result.durationMs),
      resultBytes: Buffer.byteLength(JSON.stringify(result)),
      toolCalls: execution.calls,
    };
    if (this.#audit) {
      const { time, executionId, client, codeSha256, ...rest } = record;
      this.#audit.log.write({ time, executionId, client, codeSha256, ...(this.#audit.code === 'full' && { code }), ...rest });
    }
    this.#recent?.add({ ...record, code }, { error: result.error, stack: result.stack, diagnosticLine: result.success ? undefined : result.diagnostics?.[0]?.line });
  }
}

/** A `CallToolResult` the tool marked as failed. */
function isErrorResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError === true;
}
