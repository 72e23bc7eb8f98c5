import { UriTemplate } from '@modelcontextprotocol/server';
import { CodeGoatError } from '../errors.ts';

interface ServerResource {
  readonly server: string;
  readonly uri: string;
  readonly name: string;
  readonly [field: string]: unknown;
}

interface ServerResourceTemplate {
  readonly server: string;
  readonly uriTemplate: string;
  readonly name: string;
  readonly [field: string]: unknown;
}

/**
 * Resources keep their URIs upstream (clients understand `file://` and friends; a rewritten URI
 * would mean nothing to them) and get namespaced names. A read goes to the server that listed the
 * URI, else to the first server whose template matches it.
 */
export class ResourceRouter {
  readonly #resources: readonly ServerResource[];
  readonly #templates: readonly ServerResourceTemplate[];
  readonly #serverByUri = new Map<string, string>();
  readonly #matchers: { server: string; template: UriTemplate }[];

  constructor(resources: readonly ServerResource[], templates: readonly ServerResourceTemplate[]) {
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

  listResources(): Record<string, unknown>[] {
    return this.#resources.map(({ server, ...resource }) => ({ ...resource, name: `${server}__${resource.name}` }));
  }

  listTemplates(): Record<string, unknown>[] {
    return this.#templates.map(({ server, ...template }) => ({ ...template, name: `${server}__${template.name}` }));
  }

  serverFor(uri: string): string {
    const listed = this.#serverByUri.get(uri);
    if (listed !== undefined) return listed;
    const matched = this.#matchers.find((matcher) => matcher.template.match(uri) !== null);
    if (matched) return matched.server;
    throw new CodeGoatError('UNKNOWN_RESOURCE', `No server offers the resource "${uri}": it is neither listed nor matched by a resource template.`);
  }
}
