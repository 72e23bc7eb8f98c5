import type { DownstreamMeta, UpstreamRequest } from '../Telemetry.ts';

/**
 * Spans, as the rest of telemetry needs them, with no OpenTelemetry type in sight: the SDK is
 * loaded (`otelTracing.ts`) only when an OTLP endpoint is configured.
 */
export interface Tracing {
  /** The SERVER span of one upstream request, child of the `traceparent` in its `_meta` if any. */
  serverSpan(request: UpstreamRequest): TraceSpan;
  /** The `execute_code` span. */
  executionSpan(parent: TraceSpan | undefined, codeSha256: string): TraceSpan;
  /** The CLIENT span of one downstream tool call. */
  clientSpan(parent: TraceSpan | undefined, server: string, tool: string): TraceSpan;
  /** Sends what is buffered, within `traceShutdownMs`, and stops. */
  shutdown(): Promise<void>;
}

export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

export interface TraceSpan {
  /** The `_meta` entries that carry this span's context to a downstream server. */
  downstreamMeta(): DownstreamMeta;
  /** Ends the span with `attributes` added; `errorType` marks it failed (`error.type`, status ERROR). */
  end(attributes?: SpanAttributes, errorType?: string): void;
}
