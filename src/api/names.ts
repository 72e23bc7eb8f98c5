/**
 * The names the model writes: `mcpTools.<Namespace>.<method>(args)`.
 * A namespace is the PascalCase of the server's config key, a method the camelCase of the tool's name
 * (SPEC "Names"); reserved names get a trailing `_`, and collisions a `_2`, `_3`… Never fatal.
 */
import type { CatalogTool, ToolCatalog } from '../servers/ToolCatalog.ts';
import { camelCase, ensureIdentifierStart, pascalCase, withSuffix } from './identifiers.ts';
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
  return avoidReserved(ensureIdentifierStart(camelCase(toolName) || 'tool'), reservedMethodReason);
}

function avoidReserved(name: string, reason: (name: string) => string | undefined): NameChoice {
  const why = reason(name);
  return why === undefined ? { name } : { name: `${name}_`, renamedBecause: why };
}

/**
 * Names every server and tool of the catalog.
 *
 * Order: namespaces in order of the servers' first appearance in the catalog (the config order), tools in
 * the order their server lists them. Collisions: among originals that map to the same name, the first in
 * code-unit order of the original keeps it, the others get `_2`, `_3`… (skipping names already in use).
 * A tool name a server lists twice is kept once: a call by name could only ever reach one of them.
 */
export function assignNames(catalog: ToolCatalog): NamedCatalog {
  const toolsByServer = new Map<string, CatalogTool[]>();
  for (const tool of catalog) {
    const tools = toolsByServer.get(tool.server) ?? [];
    if (!tools.some((known) => known.name === tool.name)) tools.push(tool);
    toolsByServer.set(tool.server, tools);
  }
  const servers = [...toolsByServer];
  const namespaceNames = resolveCollisions(servers.map(([server]) => server), namespaceChoice);
  return {
    namespaces: servers.map(([server, tools], serverIndex) => {
      const methodNames = resolveCollisions(tools.map((tool) => tool.name), methodChoice);
      const { name, renamedBecause } = namespaceNames[serverIndex] ?? namespaceChoice(server);
      return {
        name,
        ...(renamedBecause === undefined ? {} : { renamedBecause }),
        server,
        tools: tools.map((tool, toolIndex) => {
          const { name: method, renamedBecause } = methodNames[toolIndex] ?? methodChoice(tool.name);
          return renamedBecause === undefined ? { method, tool } : { method, tool, renamedBecause };
        }),
      };
    }),
  };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Unique names for distinct originals, in the order of `originals`; see `assignNames` for the rule. */
function resolveCollisions(
  originals: readonly string[],
  choose: (original: string) => NameChoice,
): NameChoice[] {
  const firstChoices = originals.map(choose);
  const groups = new Map<string, string[]>();
  originals.forEach((original, index) => {
    const base = firstChoices[index]?.name ?? original;
    groups.set(base, [...(groups.get(base) ?? []), original]);
  });
  const taken = new Set(groups.keys());
  const renamed = new Map<string, NameChoice>();
  for (const [base, members] of [...groups].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const sorted = [...members].sort(compareCodeUnits);
    for (const original of sorted.slice(1)) {
      let n = 2;
      while (taken.has(withSuffix(base, n))) n++;
      const name = withSuffix(base, n);
      taken.add(name);
      const collision = `${listOriginals(sorted)} ${sorted.length === 2 ? 'both' : 'all'} become ${base}`;
      const reserved = choose(original).renamedBecause;
      renamed.set(original, { name, renamedBecause: reserved === undefined ? collision : `${reserved}; ${collision}` });
    }
  }
  return originals.map((original, index) => renamed.get(original) ?? firstChoices[index] ?? choose(original));
}

/** `"a" and "b"`, `"a", "b" and "c"`. */
function listOriginals(originals: readonly string[]): string {
  const quoted = originals.map((original) => JSON.stringify(original));
  const last = quoted.pop() ?? '';
  return quoted.length === 0 ? last : `${quoted.join(', ')} and ${last}`;
}
