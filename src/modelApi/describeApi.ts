/**
 * The API text for the `execute_code` description (SPEC: "the TypeScript API, or, when that is too large
 * for a prompt, the namespaces and how to search"): the full declarations when they fit the token budget
 * (`apiDeclarations`: `mcpTools` only; the model knows `console`, and the fixed text names `ToolError`),
 * else the most detailed API index (`apiIndex.ts`) that does.
 */
import { apiIndexDetails, renderApiIndex } from './apiIndex.ts';
import type { NamedCatalog } from './names/names.ts';
import { countTokens, minimumTokens } from './tokenCount.ts';
import { apiDeclarations } from './typeDefinitions.ts';
import { codeModeDefaults } from '../config/defaults.ts';

/**
 * The description is sent with every request, so it is paid for on every turn. 6000 o200k tokens is 3% of
 * a 200k context window and about what 30–40 tools exposed directly cost; it holds the built-in default
 * (everything, filesystem and memory: 36 tools, ~2,600 tokens) more than twice over.
 * Past it, one `search_tools` round trip (a few hundred tokens per hit) is cheaper than carrying schemas
 * the model mostly never uses.
 */
export const defaultApiTokenBudget = codeModeDefaults.apiTokenBudget;

export interface ApiDescription {
  /** `full`: `text` is the declarations; `index`: a listing plus how to get declarations from `search_tools`. */
  readonly mode: 'full' | 'index';
  readonly text: string;
  /** o200k tokens of `text`, counted when first read. */
  readonly tokens: number;
}

export interface DescribeApiOptions {
  /** Most tokens the text may take; default `defaultApiTokenBudget`. */
  readonly maxTokens?: number;
}

/**
 * `full` when the declarations fit in `maxTokens`; else the index with tool summaries, else with method
 * names only, else with tool counts only. The counts-only index is the floor: it is returned even over
 * budget (only a catalog of hundreds of servers gets there), and `tokens` says by how much.
 */
export function describeApi(named: NamedCatalog, options: DescribeApiOptions = {}): ApiDescription {
  const maxTokens = options.maxTokens ?? defaultApiTokenBudget;
  const full = apiDeclarations(named);
  if (fits(full, maxTokens)) return described('full', full);
  let index = full;
  for (const detail of apiIndexDetails) {
    index = renderApiIndex(named, detail);
    if (fits(index, maxTokens)) break;
  }
  return described('index', index);
}

/**
 * Whether `text` takes at most `maxTokens` tokens. Every o200k token stands for at least one byte of
 * UTF-8, so a text of no more bytes than the budget fits without counting: the tokenizer (about half a
 * second of CPU to load) stays unloaded for small APIs, such as the empty one a gateway lists while
 * its servers are still joining. A text whose lower bound (`minimumTokens`, no tables either) is past
 * the budget does not fit, also without counting: a catalog of megabytes is judged in one pass.
 */
function fits(text: string, maxTokens: number): boolean {
  if (Buffer.byteLength(text) <= maxTokens) return true;
  return minimumTokens(text) <= maxTokens && countTokens(text) <= maxTokens;
}

function described(mode: ApiDescription['mode'], text: string): ApiDescription {
  let tokens: number | undefined;
  return {
    mode,
    text,
    get tokens() {
      tokens ??= countTokens(text);
      return tokens;
    },
  };
}
