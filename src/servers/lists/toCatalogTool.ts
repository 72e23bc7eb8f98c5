import type { CatalogTool, JsonSchema } from '../../catalog/ToolCatalog.ts';

/** The fields of an MCP `Tool` (as `tools/list` gives it) that the catalog keeps. */
export interface ListedTool {
  readonly name: string;
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema | undefined;
  readonly annotations?: { readonly title?: string | undefined } | undefined;
}

/** A listed tool as catalog data; optional fields are left out rather than set to `undefined`. */
export function toCatalogTool(server: string, tool: ListedTool): CatalogTool {
  // MCP has two places for a display title; the top-level one is the newer and wins.
  const title = tool.title ?? tool.annotations?.title;
  return {
    server,
    name: tool.name,
    ...(title !== undefined && { title }),
    ...(tool.description !== undefined && { description: tool.description }),
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema !== undefined && { outputSchema: tool.outputSchema }),
  };
}
