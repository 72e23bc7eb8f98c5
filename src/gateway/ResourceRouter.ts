import { UriTemplate, type ListResourcesResult, type ListResourceTemplatesResult } from '@modelcontextprotocol/server';
import { RE2JS } from 're2js';
import { CodeGoatError } from '../errors.ts';
import { cutText } from '../text/surrogates.ts';
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
  /** The servers that listed each URI, in the order they were listed. */
  readonly #serversByUri = new Map<string, string[]>();
  readonly #matchers: { server: string; matches: (uri: string) => boolean }[];

  constructor(resources: readonly CatalogResource[], templates: readonly CatalogResourceTemplate[]) {
    this.#resources = resources;
    this.#templates = templates;
    for (const resource of resources) {
      const servers = this.#serversByUri.get(resource.uri);
      if (servers === undefined) this.#serversByUri.set(resource.uri, [resource.server]);
      else if (!servers.includes(resource.server)) servers.push(resource.server);
    }
    // A template the SDK cannot parse can still be listed; it just routes nothing.
    this.#matchers = templates.flatMap((template) => {
      const matches = linearTemplateMatch(template.uriTemplate);
      return matches === undefined ? [] : [{ server: template.server, matches }];
    });
  }

  /** `include`: the servers the client may use. */
  listResources(include: (server: string) => boolean = () => true): Resource[] {
    return this.#resources.filter((resource) => include(resource.server)).map(({ server, ...resource }) => ({ ...resource, name: `${server}__${resource.name}` }));
  }

  listTemplates(include: (server: string) => boolean = () => true): ResourceTemplate[] {
    return this.#templates.filter((template) => include(template.server)).map(({ server, ...template }) => ({ ...template, name: `${server}__${template.name}` }));
  }

  /**
   * The server a read of `uri` goes to, among those `include` lets the client use: servers it may not
   * use are, to it, no servers at all (a URI only they offer gets the same answer as one nobody offers).
   */
  serverFor(uri: string, include: (server: string) => boolean = () => true): string {
    const listed = this.#serversByUri.get(uri)?.find(include);
    if (listed !== undefined) return listed;
    const matched = this.#matchers.find((matcher) => include(matcher.server) && matcher.matches(uri));
    if (matched) return matched.server;
    throw new CodeGoatError('UNKNOWN_RESOURCE', `No server offers the resource "${cutText(uri, 200)}": it is neither listed nor matched by a resource template.`);
  }
}

/** The SDK's `UriTemplate`, as far as building its match pattern goes (not part of its typed surface). */
interface UriTemplatePattern {
  readonly parts: readonly unknown[];
  partToRegExp(part: unknown): readonly { readonly pattern: string }[];
  escapeRegExp(text: string): string;
}

/**
 * Whether a URI matches a server's template, in time linear in the URI. The SDK's `UriTemplate.match`
 * builds the same pattern and runs it on JavaScript's backtracking RegExp: a template of twelve
 * adjacent expressions (`x://{a}{b}{c}…`) against a 60-character URI that does not match never
 * ended, and held the gateway's event loop with it. So the pattern is the SDK's own (the same URIs
 * route to the same servers), run on RE2. Undefined when the template does not parse, or should a
 * future SDK build its pattern otherwise (the routing tests would say so).
 */
function linearTemplateMatch(uriTemplate: string): ((uri: string) => boolean) | undefined {
  let template: UriTemplate;
  try {
    template = new UriTemplate(uriTemplate);
  } catch {
    return undefined;
  }
  const internals = template as unknown as Partial<UriTemplatePattern>;
  const { parts, partToRegExp, escapeRegExp } = internals;
  if (!Array.isArray(parts) || typeof partToRegExp !== 'function' || typeof escapeRegExp !== 'function') return undefined;
  try {
    const pattern = parts.map((part) => (typeof part === 'string' ? escapeRegExp.call(template, part) : partToRegExp.call(template, part).map((piece) => piece.pattern).join(''))).join('');
    const compiled = RE2JS.compile(RE2JS.translateRegExp(`^${pattern}$`));
    return (uri) => compiled.test(uri);
  } catch {
    return undefined;
  }
}
