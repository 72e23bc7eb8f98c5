/**
 * `search_tools`: the tools that best match a free-text query, each with the TypeScript declaration the
 * model needs to call it. Ranking is BM25F over each tool's names, title, description and parameters
 * (`toolSearchDocument.ts`), with the terms of `searchTerms.ts`.
 */
import { createBm25Index } from './bm25.ts';
import type { NamedCatalog, NamedNamespace, NamedTool } from '../names/names.ts';
import { searchTerms } from './searchTerms.ts';
import { readable, toolSearchDocument, toolSearchFieldWeights, toolSearchPrior } from './toolSearchDocument.ts';
import { generateToolDeclaration } from '../typeDefinitions.ts';
import { searchToolsDefaults } from '../../config/defaults.ts';
import { cutIndex } from '../../text/surrogates.ts';

export interface ToolSearchHit {
  /** `mcpTools.<namespace>.<method>` is how the code calls it. */
  readonly namespace: string;
  readonly method: string;
  /** Config key of the server, and the tool's name as the server lists it. */
  readonly server: string;
  readonly tool: string;
  /**
   * BM25F relevance (halved for a tool marked deprecated, see `toolSearchPrior`), rounded to 3 decimals;
   * 0 for the catalog-order listing of a blank query.
   */
  readonly score: number;
  /** `declare namespace mcpTools.<namespace> { … }` with the tool and the types it uses. */
  readonly declaration: string;
}

export interface ToolSearchIndex {
  /**
   * The best `limit` matches for `query`, best first, ties in catalog order. A query that is a tool's name
   * (`create_issue`, `createIssue`, `create issue`), alone or with its server's (`github create issue`),
   * puts that tool first, whatever the scores: a longer name that contains the words does not win. Tools that share no term with
   * the query are left out, so the result may be shorter than `limit` or empty. A query with no terms
   * (blank, or only stop words) lists the first `limit` tools in catalog order with score 0.
   */
  search(query: string, limit?: number): ToolSearchHit[];
}

export const defaultSearchLimit = searchToolsDefaults.limit;
/** A hit carries a whole declaration (a few hundred tokens); fifty is already a long read. */
export const maxSearchLimit = 50;

/** Builds the index once; keep it for as long as the catalog does not change. */
export function createToolSearchIndex(named: NamedCatalog): ToolSearchIndex {
  const entries = named.namespaces.flatMap((namespace) => namespace.tools.map((tool) => ({ namespace, tool })));
  const index = createBm25Index(toolSearchFieldWeights, entries.map(({ namespace, tool }) => toolSearchDocument(namespace, tool)));
  const priors = entries.map(({ tool }) => toolSearchPrior(tool));
  const names = entries.map(({ namespace, tool }) => toolNameTerms(namespace, tool));
  const declarations = new Map<number, string>(); // generated on first hit: most tools are never asked for

  const hit = (position: number, score: number): ToolSearchHit[] => {
    const entry = entries[position];
    if (entry === undefined) return [];
    const { namespace, tool } = entry;
    let declaration = declarations.get(position);
    if (declaration === undefined) {
      declaration = shownDeclaration(generateToolDeclaration(named, namespace.name, tool.method));
      declarations.set(position, declaration);
    }
    return [{
      namespace: namespace.name,
      method: tool.method,
      server: namespace.server,
      tool: tool.tool.name,
      score: Math.round(score * 1000) / 1000,
      declaration,
    }];
  };

  return {
    search(query, limit) {
      const count = clampLimit(limit);
      const terms = searchTerms(query);
      if (terms.length === 0) return entries.slice(0, count).flatMap((_entry, position) => hit(position, 0));
      const asked = new Set(terms);
      return index.rank(terms)
        .map(({ index: position, score }) => ({ position, score: score * (priors[position] ?? 1), named: nameMatch(asked, names[position]) }))
        .sort((left, right) => right.named - left.named || right.score - left.score || left.position - right.position)
        .slice(0, count)
        .flatMap(({ position, score }) => hit(position, score));
    },
  };
}

/** The terms of a tool's name (its method name has the same words) and of its server's key and namespace. */
function toolNameTerms(namespace: NamedNamespace, named: NamedTool): { name: Set<string>; server: Set<string> } {
  return {
    name: new Set(searchTerms(readable(named.tool.name))),
    server: new Set([...searchTerms(namespace.server), ...searchTerms(namespace.name)]),
  };
}

/**
 * 2 when the query's terms are the tool name's; 1 when they are the name's plus some of its server's;
 * else 0. Sets, so word order and repeats do not matter (`issue create` is still `create_issue`).
 */
function nameMatch(asked: ReadonlySet<string>, terms: { name: Set<string>; server: Set<string> } | undefined): number {
  if (terms === undefined || terms.name.size === 0) return 0;
  for (const term of terms.name) if (!asked.has(term)) return 0;
  if (asked.size === terms.name.size) return 2;
  for (const term of asked) if (!terms.name.has(term) && !terms.server.has(term)) return 0;
  return 1;
}

/** One-off search; a caller that searches repeatedly should keep a `createToolSearchIndex`. */
export function searchTools(named: NamedCatalog, query: string, options: { limit?: number } = {}): ToolSearchHit[] {
  return createToolSearchIndex(named).search(query, options.limit);
}

/**
 * `declaration` as a hit shows it: whole up to `maxDeclarationChars`, else cut at the last line break
 * before that (or at that character, when the text has no line break there, never inside a surrogate
 * pair) with a last line saying how much was left out.
 */
function shownDeclaration(declaration: string): string {
  const { maxDeclarationChars } = searchToolsDefaults;
  if (declaration.length <= maxDeclarationChars) return declaration;
  const lineEnd = declaration.lastIndexOf('\n', maxDeclarationChars);
  const cut = lineEnd > maxDeclarationChars / 2 ? lineEnd : cutIndex(declaration, maxDeclarationChars);
  return `${declaration.slice(0, cut)}\n// … ${declaration.length - cut} more characters of this declaration left out (search_tools shows at most ${maxDeclarationChars})`;
}

/** `limit` as a whole number in 1…`maxSearchLimit`; the default when absent or not a finite number. */
function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return defaultSearchLimit;
  return Math.min(maxSearchLimit, Math.max(1, Math.trunc(limit)));
}
