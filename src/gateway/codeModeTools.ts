import type { Tool } from '@modelcontextprotocol/server';
import type { ExecuteCodeToolSchema } from '../codeMode/executeCodeTool.ts';
import { searchToolsDefinition } from './searchToolsTool.ts';

/**
 * The tools code mode lists upstream: `execute_code` (its description with `notes` appended, such as the
 * servers that are down) and `search_tools`. A pure function of the schema, so what a client is shown
 * can be measured (test/bench/tokens.test.ts) and built for any catalog.
 */
export function codeModeTools(executeCode: ExecuteCodeToolSchema, notes = ''): Tool[] {
  return [
    {
      ...executeCode,
      description: executeCode.description + notes,
      inputSchema: { ...executeCode.inputSchema, type: 'object' },
      annotations: { openWorldHint: true },
    },
    structuredClone(searchToolsDefinition),
  ];
}
