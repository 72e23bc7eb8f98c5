import type { Prompt, Resource, ResourceTemplateType, Tool } from '@modelcontextprotocol/client';
import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate } from '../../catalog/ServerCatalog.ts';
import type { CatalogTool } from '../../catalog/ToolCatalog.ts';

/**
 * Listed tools, resources, templates and prompts as catalog data: the fields MCP defines, named one
 * by one so the catalog never carries more than it documents, and `undefined` fields left out.
 */
export function toCatalogTool(server: string, tool: Tool): CatalogTool {
  // MCP has two places for a display title; the top-level one is the newer and wins.
  const title = tool.title ?? tool.annotations?.title;
  return {
    server,
    name: tool.name,
    ...(title !== undefined && { title }),
    ...(tool.description !== undefined && { description: tool.description }),
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema !== undefined && { outputSchema: tool.outputSchema }),
    ...(tool.annotations !== undefined && { annotations: toolHints(tool.annotations) }),
  };
}

/** Only the boolean hints, and only when they are booleans: a server may send anything. */
function toolHints(annotations: NonNullable<Tool['annotations']>): CatalogTool['annotations'] {
  const hints: Record<string, boolean> = {};
  for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
    const value: unknown = annotations[key];
    if (typeof value === 'boolean') hints[key] = value;
  }
  return hints;
}

export function toCatalogResource(server: string, resource: Resource): CatalogResource {
  return {
    server,
    uri: resource.uri,
    name: resource.name,
    ...definedFields(resource, ['title', 'description', 'mimeType', 'size', 'annotations', 'icons', '_meta']),
  };
}

export function toCatalogResourceTemplate(server: string, template: ResourceTemplateType): CatalogResourceTemplate {
  return {
    server,
    uriTemplate: template.uriTemplate,
    name: template.name,
    ...definedFields(template, ['title', 'description', 'mimeType', 'annotations', 'icons', '_meta']),
  };
}

export function toCatalogPrompt(server: string, prompt: Prompt): CatalogPrompt {
  return {
    server,
    name: prompt.name,
    ...definedFields(prompt, ['title', 'description', 'icons', '_meta']),
    ...(prompt.arguments !== undefined && {
      arguments: prompt.arguments.map((argument) => ({ name: argument.name, ...definedFields(argument, ['description', 'required']) })),
    }),
  };
}

function definedFields<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
