/**
 * The metrics of SPEC "Telemetry", in Prometheus text.
 *
 * prom-client rather than the OpenTelemetry Prometheus exporter: metrics are on in every gateway
 * (tracing is not), and prom-client is small, synchronous and loads in a tenth of a second, where the
 * OTel route needs the metrics SDK and its reader on every start; prom-client's private Registry
 * renders on our own authenticated listener, where the OTel exporter wants to run its own HTTP
 * server. Names follow the OTel MCP conventions translated as Prometheus does (dots to underscores,
 * unit as suffix).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ErrorCode } from '../../errors.ts';
import type { MetricsExposition, UpstreamRequest } from '../Telemetry.ts';
import { isUnknownName } from '../callErrorCode.ts';
import { LabelBudget, unknownLabel } from './LabelBudget.ts';

/** The semantic conventions' advice for MCP operation durations, in seconds. */
const operationBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** Read at each scrape: what the sandbox and the pool are doing now. */
export interface MetricSources {
  sandboxLoad?(): { readonly workers: number; readonly queued: number };
  servers?(): readonly { readonly name: string; readonly up: boolean }[];
}

export class GatewayMetrics implements MetricsExposition {
  readonly #registry = new Registry();
  readonly #toolNames = new LabelBudget();
  readonly #serverNames = new LabelBudget();
  readonly #upstreamToolNames = new LabelBudget();
  readonly #serverOperation: Histogram<'mcp_method_name' | 'gen_ai_tool_name' | 'error_type'>;
  readonly #clientOperation: Histogram<'mcp_method_name' | 'gen_ai_tool_name' | 'code_goat_server' | 'error_type'>;
  readonly #executions: Counter<'outcome' | 'error_code'>;
  readonly #executionDuration: Histogram<'outcome'>;
  readonly #toolCalls: Counter<'server' | 'tool' | 'outcome'>;
  readonly #policyDecisions: Counter<'decision'>;
  readonly #rateLimited: Counter;

  constructor(sources: MetricSources = {}) {
    const registers = [this.#registry];
    collectDefaultMetrics({ register: this.#registry });
    this.#serverOperation = new Histogram({
      name: 'mcp_server_operation_duration_seconds',
      help: 'Upstream MCP requests the gateway served (mcp.server.operation.duration).',
      labelNames: ['mcp_method_name', 'gen_ai_tool_name', 'error_type'],
      buckets: operationBuckets,
      registers,
    });
    this.#clientOperation = new Histogram({
      name: 'mcp_client_operation_duration_seconds',
      help: 'Tool calls the gateway made to downstream servers, from code and passthrough (mcp.client.operation.duration).',
      labelNames: ['mcp_method_name', 'gen_ai_tool_name', 'code_goat_server', 'error_type'],
      buckets: operationBuckets,
      registers,
    });
    this.#executions = new Counter({ name: 'code_goat_executions_total', help: 'execute_code executions, by outcome and error code.', labelNames: ['outcome', 'error_code'], registers });
    this.#executionDuration = new Histogram({
      name: 'code_goat_execution_duration_seconds',
      help: 'Duration of execute_code executions.',
      labelNames: ['outcome'],
      buckets: operationBuckets,
      registers,
    });
    this.#toolCalls = new Counter({
      name: 'code_goat_tool_calls_total',
      help: 'Downstream tool calls, by server, tool and outcome (ok, or the error code in lower case).',
      labelNames: ['server', 'tool', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'code_goat_sandbox_workers',
      help: 'Sandbox worker processes alive.',
      registers,
      collect() {
        if (sources.sandboxLoad) this.set(sources.sandboxLoad().workers);
      },
    });
    new Gauge({
      name: 'code_goat_sandbox_queue_depth',
      help: 'Executions waiting for a sandbox worker.',
      registers,
      collect() {
        if (sources.sandboxLoad) this.set(sources.sandboxLoad().queued);
      },
    });
    const serverNames = this.#serverNames;
    new Gauge({
      name: 'code_goat_downstream_up',
      help: '1 when the downstream server is ready, else 0.',
      labelNames: ['server'],
      registers,
      collect() {
        this.reset();
        for (const server of sources.servers?.() ?? []) this.set({ server: serverNames.value(server.name) }, server.up ? 1 : 0);
      },
    });
    this.#policyDecisions = new Counter({ name: 'code_goat_policy_decisions_total', help: 'Policy decisions on tool calls.', labelNames: ['decision'], registers });
    this.#rateLimited = new Counter({ name: 'code_goat_rate_limited_total', help: 'Requests and calls refused by a rate limit.', registers });
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  text(): Promise<string> {
    return this.#registry.metrics();
  }

  /** One upstream request served; `tool` undefined for methods without one, and counted as `_unknown` when the gateway does not serve it. */
  serverOperation(request: Pick<UpstreamRequest, 'method' | 'tool' | 'toolKnown'>, seconds: number, errorType: string | undefined): void {
    const { method, tool } = request;
    const toolLabel = tool === undefined ? '' : request.toolKnown === true ? this.#upstreamToolNames.value(tool) : unknownLabel;
    this.#serverOperation.observe({ mcp_method_name: method, gen_ai_tool_name: toolLabel, error_type: errorType ?? '' }, seconds);
  }

  /** One downstream tool call; names the catalog does not know are counted as `_unknown`. */
  toolCall(server: string, tool: string, seconds: number, errorCode: ErrorCode | undefined): void {
    const serverLabel = errorCode === 'UNKNOWN_SERVER' ? unknownLabel : this.#serverNames.value(server);
    const toolLabel = isUnknownName(errorCode) ? unknownLabel : this.#toolNames.value(tool);
    this.#clientOperation.observe({ mcp_method_name: 'tools/call', gen_ai_tool_name: toolLabel, code_goat_server: serverLabel, error_type: errorCode ?? '' }, seconds);
    this.#toolCalls.inc({ server: serverLabel, tool: toolLabel, outcome: errorCode === undefined ? 'ok' : errorCode.toLowerCase() });
  }

  execution(errorCode: ErrorCode | undefined, seconds: number): void {
    const outcome = errorCode === undefined ? 'success' : 'failure';
    this.#executions.inc({ outcome, error_code: errorCode ?? '' });
    this.#executionDuration.observe({ outcome }, seconds);
  }

  /** For the policy layer: `allow`, `deny`, `approve`, … (a closed set there). */
  policyDecision(decision: string): void {
    this.#policyDecisions.inc({ decision });
  }

  rateLimited(): void {
    this.#rateLimited.inc();
  }
}
