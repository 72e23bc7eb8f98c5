import { describeKind, formatPath, isPlainObject, type ConfigIssue, type ConfigPath } from './ConfigIssue.ts';

/** One configured server, wherever it was written: its name, its settings, and where to point errors. */
export interface ServerEntry {
  readonly name: string;
  readonly server: unknown;
  readonly path: ConfigPath;
}

export interface ServerEntries {
  readonly entries: readonly ServerEntry[];
  readonly issues: readonly ConfigIssue[];
}

/**
 * The servers of a config in either shape: the `mcpServers` object of Claude Desktop and Cursor
 * (name → server), or the older `servers` list (`[{ "name": "filesystem", "command": … }]`).
 * Entries keep the path the user wrote, so an error in the list says `servers[2].command`.
 */
export function serverEntries(root: Record<string, unknown>): ServerEntries {
  const hasMap = root['mcpServers'] !== undefined;
  const hasList = root['servers'] !== undefined;
  if (hasMap && hasList) {
    // Still check `mcpServers`, so that one run reports everything else as well.
    const map = fromMap(root['mcpServers']);
    return { entries: map.entries, issues: [{ path: ['servers'], message: 'use either "mcpServers" or the older "servers" list, not both' }, ...map.issues] };
  }
  if (hasList) return fromList(root['servers']);
  if (hasMap) return fromMap(root['mcpServers']);
  return { entries: [], issues: [] };
}

function fromMap(map: unknown): ServerEntries {
  if (!isPlainObject(map)) {
    return { entries: [], issues: [{ path: ['mcpServers'], message: `expected an object (server name → server), got ${describeKind(map)}` }] };
  }
  const issues: ConfigIssue[] = [];
  const entries: ServerEntry[] = [];
  for (const [name, server] of Object.entries(map)) {
    if (name.trim() === '') issues.push({ path: ['mcpServers', name], message: 'a server name must not be empty' });
    else entries.push({ name, server, path: ['mcpServers', name] });
  }
  return { entries, issues };
}

function fromList(list: unknown): ServerEntries {
  if (!Array.isArray(list)) {
    return { entries: [], issues: [{ path: ['servers'], message: `expected an array of servers, got ${describeKind(list)}` }] };
  }
  const issues: ConfigIssue[] = [];
  const entries: ServerEntry[] = [];
  const firstIndexOf = new Map<string, number>();
  list.forEach((item: unknown, index) => {
    const path: ConfigPath = ['servers', index];
    if (!isPlainObject(item)) {
      issues.push({ path, message: `expected an object (a server with a "name"), got ${describeKind(item)}` });
      return;
    }
    const { name, ...server } = item;
    if (typeof name !== 'string' || name.trim() === '') {
      const found = typeof name === 'string' ? 'an empty string' : describeKind(name);
      issues.push({ path: [...path, 'name'], message: `expected a non-empty string (the server's name), got ${found}` });
      return;
    }
    if (name === '__proto__') {
      // As a key of `mcpServers` it would take the place of the object's prototype and vanish.
      issues.push({ path: [...path, 'name'], message: '"__proto__" cannot name a server (JavaScript would take it for the prototype); rename it' });
      return;
    }
    const first = firstIndexOf.get(name);
    if (first !== undefined) {
      issues.push({ path: [...path, 'name'], message: `duplicate server name ${JSON.stringify(name)}, already used by ${formatPath(['servers', first])}` });
      return;
    }
    firstIndexOf.set(name, index);
    entries.push({ name, server, path });
  });
  return { entries, issues };
}
