import { UriTemplate, type ListResourcesResult, type ListResourceTemplatesResult } from '@modelcontextprotocol/server';
import { CodeGoatError } from '../errors.ts';
import type { CatalogResource, CatalogResourceTemplate } from '../servers/index.ts';

export type Resource = ListResourcesResult['resources'][number];
export type ResourceTemplate = ListResourceTemplatesResult['resourceTemplates'][number];

/**
 * Resources keep their URIs upstream (clients understand `file://` and friends; a rewritten URI
 * would mean nothing to them) and get namespaced names. A read goes to the server that listed the
 * URI, else to the first server whose template matches it.
 */
export class ResourceRouter {
  readonly #resources: readonly CatalogResource[];
  readonly #templates: readonly CatalogResourceTemplate[];
  readonly #serverByUri = new Map<string, string>();
  readonly #matchers: { server: string; template: UriTemplate }[];

  constructor(resources: readonly CatalogResource[], templates: readonly CatalogResourceTemplate[]) {
    this.#resources = resources;
    this.#templates = templates;
    for (const resource of resources) if (!this.#serverByUri.has(resource.uri)) this.#serverByUri.set(resource.uri, resource.server);
    this.#matchers = templates.flatMap((template) => {
      try {
        return [{ server: template.server, template: new UriTemplate(template.uriTemplate) }];
      } catch {
        return []; // A template the SDK cannot parse can still be listed; it just routes nothing.
      }
    });
  }

  /** `include`: the servers the client may use. */
  listResources(include: (server: string) => boolean = () => true): Resource[] {
    return this.#resources.filter((resource) => include(resource.server)).map(({ server, ...resource }) => ({ ...resource, name: `${server}__${resource.name}` }));
  }

  listTemplates(include: (server: string) => boolean = () => true): ResourceTemplate[] {
    return this.#templates.filter((template) => include(template.server)).map(({ server, ...template }) => ({ ...template, name: `${server}__${template.name}` }));
  }

  serverFor(uri: string): string {
    const listed = this.#serverByUri.get(uri);
    if (listed !== undefined) return listed;
    const matched = this.#matchers.find((matcher) => matcher.template.match(uri) !== null);
    if (matched) return matched.server;
    throw new CodeGoatError('UNKNOWN_RESOURCE', `No server offers the resource "${uri}": it is neither listed nor matched by a resource template.`);
  }
}
