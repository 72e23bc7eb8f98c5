import { globMatcher } from '../../text/glob.ts';

/**
 * A server's `tools: { allow, deny }` config as a predicate on tool names.
 * Patterns are globs where `*` matches any run of characters (including none); everything else
 * is literal. An absent `allow` allows every tool, an empty one allows none; `deny` wins over `allow`.
 */
export interface ToolFilterConfig {
  readonly allow?: readonly string[] | undefined;
  readonly deny?: readonly string[] | undefined;
}

export function compileToolFilter(filter: ToolFilterConfig | undefined): (toolName: string) => boolean {
  const allow = filter?.allow?.map(globMatcher);
  const deny = (filter?.deny ?? []).map(globMatcher);
  return (toolName) =>
    (allow === undefined || allow.some((pattern) => pattern.test(toolName))) &&
    !deny.some((pattern) => pattern.test(toolName));
}
