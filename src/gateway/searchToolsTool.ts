import type { Tool } from '@modelcontextprotocol/server';
import { maxSearchLimit } from '../modelApi/index.ts';
import { searchToolsDefaults } from '../config/defaults.ts';

/** The `search_tools` MCP tool: definition and how its answer reads. */
export const searchToolsToolName = 'search_tools';

export const searchToolsDefinition: Tool = {
  name: searchToolsToolName,
  title: 'Search tools',
  description: 'Find tools by task or name; returns their TypeScript declarations.',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', maxLength: searchToolsDefaults.maxQueryChars },
      limit: { type: 'integer', minimum: 1, maximum: maxSearchLimit, default: searchToolsDefaults.limit },
    },
    required: ['query'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: {
      results: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            call: { type: 'string', description: 'How to call it in code, e.g. mcpTools.Filesystem.writeFile' },
            server: { type: 'string' },
            tool: { type: 'string' },
            score: { type: 'number' },
            declaration: { type: 'string' },
          },
          required: ['call', 'server', 'tool', 'score', 'declaration'],
        },
      },
    },
    required: ['results'],
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
};

export interface SearchToolsResult {
  results: { call: string; server: string; tool: string; score: number; declaration: string }[];
}

export function renderSearchResults(query: string, result: SearchToolsResult): string {
  if (result.results.length === 0) return `No tool matches "${query}".`;
  const blocks = result.results.map((hit, index) => `${index + 1}. ${hit.call} (server "${hit.server}", tool "${hit.tool}")\n\`\`\`ts\n${hit.declaration.trimEnd()}\n\`\`\``);
  return [`Tools for "${query}", best first:`, ...blocks].join('\n\n');
}
