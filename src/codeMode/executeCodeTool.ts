import { describeApi, type NamedCatalog } from '../api/index.ts';

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

/**
 * What the model reads about `execute_code`: how to write the code, then the API itself when it fits
 * the token budget, else an index of namespaces and tools that points at `search_tools`.
 */
export function describeExecuteCode(named: NamedCatalog, options: { maxTokens?: number } = {}): string {
  const api = describeApi(named, options);
  const intro = [
    'Run TypeScript in a sandbox that can call MCP tools. Write the body of an async function:',
    'chain calls with `await mcpTools.<Namespace>.<method>(args)`, loop, filter, use `Promise.all` for independent calls,',
    'and `return` only what you need (it comes back as JSON). `console.log` output is returned too.',
    'A tool that fails throws `ToolError` (catch it to recover). No network, file system or Node APIs: only `mcpTools`.',
    '',
  ];
  if (api.mode === 'full') return [...intro, 'API:', '```ts', api.text.trimEnd(), '```'].join('\n');
  return [...intro, api.text.trimEnd()].join('\n');
}

export function executeCodeToolSchema(named: NamedCatalog, options: { maxTokens?: number } = {}): ExecuteCodeToolSchema {
  return {
    name: 'execute_code',
    description: describeExecuteCode(named, options),
    inputSchema: structuredClone(executeCodeInputSchema) as unknown as Record<string, unknown>,
    outputSchema: structuredClone(executionResultSchema) as unknown as Record<string, unknown>,
  };
}
