import type { Prompt, Resource, ResourceTemplateType } from '@modelcontextprotocol/client';
import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate } from '../../catalog/ServerCatalog.ts';

/**
 * Listed resources, templates and prompts as catalog data: the fields MCP defines, named one by one
 * so the catalog never carries more than it documents, and `undefined` fields left out.
 */
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
