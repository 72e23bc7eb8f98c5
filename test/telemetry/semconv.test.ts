/** The incubating semantic-convention names code-goat copies (src/telemetry/semconv.ts) are the package's own. */
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { expect, it } from 'vitest';
import { semconv } from '../../src/telemetry/semconv.ts';

it('each copied name is the one of @opentelemetry/semantic-conventions/incubating', () => {
  expect(semconv).toEqual({
    mcpMethodName: incubating.ATTR_MCP_METHOD_NAME,
    mcpSessionId: incubating.ATTR_MCP_SESSION_ID,
    genAiToolName: incubating.ATTR_GEN_AI_TOOL_NAME,
    genAiOperationName: incubating.ATTR_GEN_AI_OPERATION_NAME,
    executeToolOperation: incubating.GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
    errorType: incubating.ATTR_ERROR_TYPE,
    serverOperationDuration: incubating.METRIC_MCP_SERVER_OPERATION_DURATION,
    clientOperationDuration: incubating.METRIC_MCP_CLIENT_OPERATION_DURATION,
  });
});
