/**
 * The API index: what `execute_code` describes instead of the declarations when they are too large for a
 * prompt. It names the namespaces (and, when room allows, the tools) and sends the model to `search_tools`
 * for the exact declarations, so it knows what exists without paying for every schema.
 */
import type { NamedCatalog, NamedNamespace } from './names/names.ts';
import { summarizeTool } from './search/toolSummary.ts';

/** From most to least detailed: a summary line per tool, the method names, only the tool counts. */
export type ApiIndexDetail = 'summaries' | 'names' | 'counts';

export const apiIndexDetails: readonly ApiIndexDetail[] = ['summaries', 'names', 'counts'];

export function renderApiIndex(named: NamedCatalog, detail: ApiIndexDetail): string {
  const toolCount = named.namespaces.reduce((sum, namespace) => sum + namespace.tools.length, 0);
  const listed = detail === 'counts' ? 'the namespaces are listed below' : 'they are listed below by namespace';
  const header = [
    `The API has ${plural(toolCount, 'tool')} in ${plural(named.namespaces.length, 'namespace')}, too many to declare here; ${listed}.`,
    'Before calling a tool, get its exact TypeScript declaration: call the `search_tools` tool with `{ query }`',
    'saying what you want to do; it returns the best-matching tools with their declarations.',
    'Call a tool as `await mcpTools.<Namespace>.<method>(args)`.',
  ].join('\n');
  const separator = detail === 'summaries' ? '\n\n' : '\n';
  return `${header}\n\n${named.namespaces.map((namespace) => renderNamespace(namespace, detail)).join(separator)}\n`;
}

/** `mcpTools.Filesystem (server "filesystem", 14 tools)`, then the tools as `detail` asks. */
function renderNamespace(namespace: NamedNamespace, detail: ApiIndexDetail): string {
  const heading = `mcpTools.${namespace.name} (server ${JSON.stringify(namespace.server)}, ${plural(namespace.tools.length, 'tool')})`;
  if (namespace.tools.length === 0) return heading;
  switch (detail) {
    case 'counts':
      return heading;
    case 'names':
      return `${heading}: ${namespace.tools.map((tool) => tool.method).join(', ')}`;
    case 'summaries':
      return [`${heading}:`, ...namespace.tools.map((named) => {
        const summary = summarizeTool(named.tool);
        return summary === '' ? `- ${named.method}` : `- ${named.method}: ${summary}`;
      })].join('\n');
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
