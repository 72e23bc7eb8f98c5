/**
 * The names of the OpenTelemetry MCP and GenAI semantic conventions that code-goat emits. They are
 * still "incubating", and the semantic-conventions package asks users to copy incubating names
 * rather than load its incubating entry (770 kB, a quarter second at start);
 * test/telemetry/semconv.test.ts checks each against that entry, so they cannot drift.
 */
export const semconv = {
  mcpMethodName: 'mcp.method.name',
  mcpSessionId: 'mcp.session.id',
  genAiToolName: 'gen_ai.tool.name',
  genAiOperationName: 'gen_ai.operation.name',
  executeToolOperation: 'execute_tool',
  errorType: 'error.type',
  /** Histograms, in seconds. */
  serverOperationDuration: 'mcp.server.operation.duration',
  clientOperationDuration: 'mcp.client.operation.duration',
} as const;

/** code-goat's own attributes (SPEC "Telemetry"). */
export const codeGoatAttributes = {
  server: 'code_goat.server',
  executionOutcome: 'code_goat.execution.outcome',
  executionErrorCode: 'code_goat.execution.error_code',
  executionToolCalls: 'code_goat.execution.tool_calls',
  codeSha256: 'code_goat.code.sha256',
} as const;

/** A span's name per the MCP conventions: `{mcp.method.name} {target}`, the target when there is one. */
export function mcpSpanName(method: string, target: string | undefined): string {
  return target === undefined ? method : `${method} ${target}`;
}
