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

// The description says what `code` is; every word here would be paid again on every turn.
export const executeCodeInputSchema = {
  type: 'object',
  properties: { code: { type: 'string' } },
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
  // Sent on every turn: each word has to earn its tokens. The API's comments carry what each tool does.
  const intro = [
    '`code`: the body of an async TypeScript function. Call tools as `await mcpTools.<Namespace>.<method>(args)`,',
    'combine results in code, `return` only what is needed (as JSON); `console.log` output comes back too.',
    'A failed call throws `ToolError` (`code`, `message`). No network, files or Node APIs.',
    'To show an image, audio or a resource, return its content block (`{ type: "image", data, mimeType }`) or an array of blocks.',
  ];
  if (api.mode === 'full') return [...intro, '```ts', api.text.trimEnd(), '```'].join('\n');
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
