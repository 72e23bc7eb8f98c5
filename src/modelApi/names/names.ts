/**
 * The names the model writes: `mcpTools.<Namespace>.<method>(args)`.
 * A namespace is the PascalCase of the server's config key, a method the camelCase of the tool's name
 * (SPEC "Names"); reserved names get a trailing `_`, and collisions a `_2`, `_3`… Never fatal.
 */
import type { CatalogTool, ToolCatalog } from '../../catalog/ToolCatalog.ts';
import { camelCase, createNameRegistry, ensureIdentifierStart, pascalCase } from './identifiers.ts';
import { reservedMethodReason } from './reservedMethodNames.ts';

export interface NamedTool {
  readonly method: string;
  readonly tool: CatalogTool;
  /** Why `method` is not the plain camelCase of the tool's name; shown in the declaration's JSDoc. */
  readonly renamedBecause?: string;
}

export interface NamedNamespace {
  readonly name: string;
  /** Config key of the server. */
  readonly server: string;
  readonly tools: readonly NamedTool[];
  /** Why `name` is not the plain PascalCase of the server's key; shown in the declaration's JSDoc. */
  readonly renamedBecause?: string;
}

export interface NamedCatalog {
  readonly namespaces: readonly NamedNamespace[];
}

interface NameChoice {
  readonly name: string;
  readonly renamedBecause?: string;
}

/** `filesystem` → `Filesystem`, `my-server` → `MyServer`, `github_v2` → `GithubV2`, `2fa` → `_2fa`. */
export function toNamespaceName(serverKey: string): string {
  return namespaceChoice(serverKey).name;
}

/** `read_text_file` → `readTextFile`, `get-sum` → `getSum`, `HTTPGet` → `httpGet`, `then` → `then_`. */
export function toMethodName(toolName: string): string {
  return methodChoice(toolName).name;
}

function namespaceChoice(serverKey: string): NameChoice {
  return { name: ensureIdentifierStart(pascalCase(serverKey) || 'Server') };
}

function methodChoice(toolName: string): NameChoice {
  const name = ensureIdentifierStart(camelCase(toolName) || 'tool');
  const reserved = reservedMethodReason(name);
  return reserved === undefined ? { name } : { name: `${name}_`, renamedBecause: reserved };
}

/**
 * Names every server and tool of the catalog.
 *
 * Order: namespaces in order of the servers' first appearance in the catalog (the config order), tools in
 * the order their server lists them. Collisions: among originals that map to the same name, an original
 * that is that name already keeps it (a tool listed as `readFile` is `readFile`, whatever else becomes
 * `readFile`: it is what a model that read the tool's name writes), else the first in code-unit order of
 * the original; the others get `_2`, `_3`… in code-unit order (skipping names already in use).
 * A tool name a server lists twice is kept once: a call by name could only ever reach one of them.
 */
export function assignNames(catalog: ToolCatalog): NamedCatalog {
  // Each server's tools by name, in listing order: the first of a name listed twice is the one kept.
  const toolsByServer = new Map<string, Map<string, CatalogTool>>();
  for (const tool of catalog) {
    let tools = toolsByServer.get(tool.server);
    if (tools === undefined) toolsByServer.set(tool.server, (tools = new Map()));
    if (!tools.has(tool.name)) tools.set(tool.name, tool);
  }
  const listed = [...toolsByServer].map(([server, tools]) => [server, [...tools.values()]] as const);
  const servers = resolveCollisions(listed, ([server]) => server, namespaceChoice);
  return {
    namespaces: servers.map(({ item: [server, tools], choice }) => ({
      name: choice.name,
      ...(choice.renamedBecause === undefined ? {} : { renamedBecause: choice.renamedBecause }),
      server,
      tools: resolveCollisions(tools, (tool) => tool.name, methodChoice).map(({ item: tool, choice: { name, renamedBecause } }) =>
        (renamedBecause === undefined ? { method: name, tool } : { method: name, tool, renamedBecause })),
    })),
  };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A unique name for each item (whose originals are distinct), in the order of `items`; see `assignNames`. */
function resolveCollisions<T>(
  items: readonly T[],
  originalOf: (item: T) => string,
  choose: (original: string) => NameChoice,
): { item: T; choice: NameChoice }[] {
  const chosen = items.map((item) => ({ item, original: originalOf(item), choice: choose(originalOf(item)) }));
  const groups = new Map<string, string[]>();
  for (const { original, choice } of chosen) {
    const group = groups.get(choice.name);
    if (group === undefined) groups.set(choice.name, [original]);
    else group.push(original);
  }
  const registry = createNameRegistry(groups.keys()); // every first choice is taken before any suffix is handed out
  const renamed = new Map<string, NameChoice>();
  for (const [base, originals] of [...groups].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const sorted = [...originals].sort(compareCodeUnits);
    const collision = `${listOriginals(sorted)} ${sorted.length === 2 ? 'both' : 'all'} become ${base}`;
    const keeper = sorted.includes(base) ? base : sorted[0];
    for (const original of sorted.filter((name) => name !== keeper)) {
      const reserved = choose(original).renamedBecause;
      const renamedBecause = reserved === undefined ? collision : `${reserved}; ${collision}`;
      renamed.set(original, { name: registry.claim(base), renamedBecause });
    }
  }
  return chosen.map(({ item, original, choice }) => ({ item, choice: renamed.get(original) ?? choice }));
}

/** Originals named in full in a collision's explanation; past it, the first few and a count. */
const maxListedOriginals = 5;

/**
 * `"a" and "b"`, `"a", "b" and "c"`; a larger group as `"a", "b", "c" and 4997 others`: every tool of
 * the group carries this text in its JSDoc, so it must not grow with the group (a server listing
 * thousands of names that collide would otherwise make declarations of quadratic size).
 */
function listOriginals(originals: readonly string[]): string {
  const quoted = originals.slice(0, originals.length > maxListedOriginals ? 3 : maxListedOriginals).map((original) => JSON.stringify(original));
  if (originals.length > maxListedOriginals) return `${quoted.join(', ')} and ${originals.length - quoted.length} others`;
  const last = quoted.pop() ?? '';
  return quoted.length === 0 ? last : `${quoted.join(', ')} and ${last}`;
}
