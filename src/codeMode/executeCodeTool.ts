import { z } from 'zod';
import { describeApi, type NamedCatalog } from '../modelApi/index.ts';
import { ExecutionResult } from '../sandbox/ExecutionResult.ts';

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

/**
 * JSON Schema of ExecutionResult, generated from its zod schema (sandbox/ExecutionResult.ts) as draft-07,
 * the draft MCP clients validate with by default; without `$schema`, as MCP tool schemas usually come.
 */
export const executionResultSchema: Readonly<Record<string, unknown>> = (() => {
  const { $schema: _draft, ...schema } = z.toJSONSchema(ExecutionResult, { target: 'draft-07', io: 'output' });
  return schema;
})();

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
    'To show an image, audio or resource, return its content block (`{ type: "image", data, mimeType }`, as tools give them) or an array of blocks.',
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
    outputSchema: structuredClone(executionResultSchema) as Record<string, unknown>,
  };
}
