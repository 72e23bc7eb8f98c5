import type { ToolCallFailure } from '../catalog/ToolCallOutcome.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
import type { RecentExecutionsView } from './recent/RecentExecutions.ts';

/**
 * The seam between the request path and what watches it (SPEC "Telemetry": traces, metrics, the
 * audit log). The gateway and the engine call these hooks; `servers/` and `sandbox/` know nothing of
 * them: a downstream request only carries the `_meta` it is handed (`ToolCallOptions.meta`), and the
 * sandbox only reports its calls back to the host, where their spans are made.
 *
 * With nothing configured, `noTelemetry` is used: every hook is a plain pass-through, no SDK is loaded.
 */
export interface Telemetry {
  /**
   * Runs the handling of one upstream request (its SERVER span, the client it came from); an
   * execution or a passthrough call started inside `work` belongs to it.
   */
  upstreamRequest<T>(request: UpstreamRequest, work: () => Promise<T>): Promise<T>;
  /** One execution starts, inside the current upstream request if any. */
  execution(code: string): ExecutionTelemetry;
  /**
   * One downstream tool call outside any execution (passthrough). `send` gets the `_meta` entries
   * to add to the request (the trace context), or undefined.
   */
  toolCall<T extends CallOutcome>(server: string, tool: string, send: (meta: DownstreamMeta | undefined) => Promise<T>): Promise<T>;
  /** For the policy layer: one decision on a call (`allow`, `deny`, `approve`: a closed set there, it is a label). */
  policyDecision(decision: string): void;
  /** For the rate limiter: one request or call refused. */
  rateLimited(): void;
  /** Prometheus text of the metrics, when metrics are on. */
  readonly metrics: MetricsExposition | undefined;
  /** The recent executions and their per-second series, when kept (a gateway's operator console reads them). */
  readonly recent: RecentExecutionsView | undefined;
  /** Writes what is buffered (audit lines, spans) and stops; bounded in time. */
  close(): Promise<void>;
}

export interface ExecutionTelemetry {
  /** One call the execution's code made. */
  toolCall<T extends CallOutcome>(server: string, tool: string, send: (meta: DownstreamMeta | undefined) => Promise<T>): Promise<T>;
  /** The execution ended with `result` (before it is rendered for the client). */
  end(result: ExecutionResult): void;
}

export interface UpstreamRequest {
  /** `tools/call`, `resources/read`, … */
  readonly method: string;
  /** The tool's name for `tools/call` (the upstream name: `execute_code`, `server__tool`). */
  readonly tool?: string;
  /** Whether the gateway serves `tool` (only then is the name a metric label; else `_unknown`). */
  readonly toolKnown?: boolean;
  /** The request's `params._meta`: `traceparent` and `tracestate` there make the SERVER span a child. */
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly sessionId?: string;
  /** Who sent it, as the HTTP auth knows them. */
  readonly client?: string;
}

/** `_meta` entries a downstream request carries: `traceparent`, and `tracestate` when there is one. */
export type DownstreamMeta = Readonly<Record<string, string>>;

/** What a tool call gives back, as far as telemetry looks at it: success (a passthrough result may still be `isError`) or a failure's code. */
export type CallOutcome = { readonly ok: true; readonly result?: unknown } | ToolCallFailure;

export interface MetricsExposition {
  readonly contentType: string;
  text(): Promise<string>;
}

const passThrough = <T>(send: (meta: DownstreamMeta | undefined) => Promise<T>): Promise<T> => send(undefined);
const noExecution: ExecutionTelemetry = { toolCall: (_server, _tool, send) => passThrough(send), end() {} };

export const noTelemetry: Telemetry = {
  upstreamRequest: (_request, work) => work(),
  execution: () => noExecution,
  toolCall: (_server, _tool, send) => passThrough(send),
  policyDecision() {},
  rateLimited() {},
  metrics: undefined,
  recent: undefined,
  close: async () => {},
};
