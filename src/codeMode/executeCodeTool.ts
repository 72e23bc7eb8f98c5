/**
 * The `execute_code` tool as an MCP tool definition: what the model reads (description with the
 * TypeScript API) and the schemas a client validates against.
 */
export interface ExecuteCodeToolSchema {
  name: 'execute_code';
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
}

export const executeCodeInputSchema = {
  type: 'object',
  properties: {
    code: {
      type: 'string',
      description:
        'Body of an async function, TypeScript or JavaScript. Call tools with `await mcpTools.<Server>.<tool>(args)`, `return` the result you need.',
    },
  },
  required: ['code'],
  additionalProperties: false,
} as const;

/** JSON Schema of ExecutionResult (sandbox/ExecutionResult.ts); a test checks real results against it. */
export const executionResultSchema = {
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    output: { type: 'string', description: 'Console text, in order.' },
    returnValue: { description: 'JSON value of `return`.' },
    error: { type: 'string', description: 'One line: what went wrong.' },
    errorCode: { type: 'string' },
    stack: { type: 'string', description: 'Frames point at lines of the submitted code.' },
    logs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          level: { type: 'string', enum: ['log', 'info', 'warn', 'error', 'debug'] },
          message: { type: 'string' },
        },
        required: ['level', 'message'],
        additionalProperties: false,
      },
    },
    toolCalls: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          server: { type: 'string' },
          tool: { type: 'string' },
          durationMs: { type: 'number' },
          ok: { type: 'boolean' },
        },
        required: ['server', 'tool', 'durationMs', 'ok'],
        additionalProperties: false,
      },
    },
    durationMs: { type: 'number' },
  },
  required: ['success', 'output', 'logs', 'toolCalls', 'durationMs'],
  additionalProperties: false,
} as const;

export function describeExecuteCode(typeDefinitions: string): string {
  return [
    'Run TypeScript in a sandbox that can call MCP tools. Write the body of an async function:',
    'chain calls with `await mcpTools.<Server>.<tool>(args)`, loop, filter, use `Promise.all` for independent calls,',
    'and `return` only what you need (it comes back as JSON). `console.log` output is returned too.',
    'A tool that fails throws `ToolError` (catch it to recover). No network, file system or Node APIs: only the tools below.',
    '',
    'API:',
    '```ts',
    typeDefinitions.trimEnd(),
    '```',
  ].join('\n');
}

export function executeCodeToolSchema(typeDefinitions: string): ExecuteCodeToolSchema {
  return {
    name: 'execute_code',
    description: describeExecuteCode(typeDefinitions),
    inputSchema: structuredClone(executeCodeInputSchema) as unknown as Record<string, unknown>,
    outputSchema: structuredClone(executionResultSchema) as unknown as Record<string, unknown>,
  };
}
