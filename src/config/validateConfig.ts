import { describeKind, isPlainObject, type ConfigIssue, type ConfigPath } from './ConfigIssue.ts';
import { nearestKey } from '../text/nearestKey.ts';
import { schemaIssues } from './schemaIssues.ts';
import { governanceIssues } from './governance/governanceSchema.ts';
import { configSchema, type Config } from './schema.ts';
import { serverEntries } from './serverEntries.ts';
import { validateServer } from './validateServer.ts';

export type ConfigValidation = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * Checks a whole config and collects every issue, each naming its path. The servers are checked one
 * by one (`validateServer`), the rest against `configSchema`; the valid result is `configSchema`'s,
 * defaults filled in, with the older `servers` list turned into `mcpServers`.
 */
export function validateConfig(input: unknown): ConfigValidation {
  if (!isPlainObject(input)) return { ok: false, issues: [{ path: [], message: `expected an object, got ${describeKind(input)}` }] };
  const { mcpServers: _map, servers: _list, ...rest } = input;
  const servers = serverEntries(input);
  const issues: ConfigIssue[] = [
    ...prototypeKeyIssues(input),
    ...servers.issues,
    ...servers.entries.flatMap((entry) => validateServer(entry.server, entry.path)),
    ...schemaIssues(configSchema, rest, [], { unknownKeyHint: (objectPath, key) => (objectPath.length === 0 ? topLevelHint(key) : undefined) }),
  ];
  if (issues.length > 0) return { ok: false, issues };

  const normalised = { ...rest, mcpServers: Object.fromEntries(servers.entries.map((entry) => [entry.name, entry.server])) };
  const parsed = configSchema.safeParse(normalised);
  // Unreachable while the checks above mirror the schema; if they drift, still report paths, not a crash.
  if (!parsed.success) return { ok: false, issues: schemaIssues(configSchema, normalised, []) };
  const crossIssues = governanceIssues(parsed.data);
  if (crossIssues.length > 0) return { ok: false, issues: crossIssues };
  return { ok: true, config: parsed.data };
}

/**
 * JSON makes `"__proto__"` an ordinary key, but an object that gets it assigned (as the schema's
 * records do) takes it as its prototype: the server or variable under it would vanish without a
 * word. Refused wherever it is, naming the path. Iterative: a config may be deep.
 */
function prototypeKeyIssues(input: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pending: { value: unknown; path: ConfigPath }[] = [{ value: input, path: [] }];
  // Each object once: a config built in code may share one (an `env` for two servers) or refer to
  // itself, which the walk followed without end (the schema checks then say what is wrong there).
  const seen = new Set<unknown>();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) continue;
      seen.add(value);
    }
    if (Array.isArray(value)) value.forEach((item: unknown, index) => pending.push({ value: item, path: [...path, index] }));
    else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (key === '__proto__') issues.push({ path: [...path, key], message: '"__proto__" cannot be used as a name or key here (JavaScript would take it for the prototype); rename it' });
        else pending.push({ value: item, path: [...path, key] });
      }
    }
  }
  return issues;
}

/** `servers` is known at the top level too (the older shape), though `configSchema` has no such key. */
function topLevelHint(key: string): string | undefined {
  const suggestion = nearestKey(key, [...Object.keys(configSchema.shape), 'servers']);
  return suggestion === undefined ? undefined : `did you mean "${suggestion}"?`;
}
