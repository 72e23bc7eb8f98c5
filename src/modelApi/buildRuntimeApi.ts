/**
 * The runtime half of the names: what `mcpTools.<Namespace>.<method>` calls. Built from the same
 * `NamedCatalog` as the declarations, so the two cannot disagree.
 */
import type { NamedCatalog } from './names/names.ts';
import type { RuntimeApi, RuntimeTool } from './RuntimeApi.ts';

export function buildRuntimeApi(named: NamedCatalog): RuntimeApi {
  const namespaces: Record<string, Record<string, RuntimeTool>> = {};
  for (const namespace of named.namespaces) {
    const methods: Record<string, RuntimeTool> = {};
    for (const { method, tool } of namespace.tools) methods[method] = { server: tool.server, tool: tool.name };
    namespaces[namespace.name] = methods;
  }
  return { namespaces };
}
