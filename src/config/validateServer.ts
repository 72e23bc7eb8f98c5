import { describeKind, isPlainObject, type ConfigIssue, type ConfigPath } from './ConfigIssue.ts';
import { nearestKey } from '../text/nearestKey.ts';
import { schemaIssues } from './schemaIssues.ts';
import { remoteServerSchema, stdioServerSchema } from './schema.ts';

/**
 * Checks one server entry. Which kind it is follows from its keys (`command`: stdio, `url`: remote),
 * decided here before zod runs: a plain union would answer a typo with "matches no option" and the
 * issues of both options, where the user needs the one schema they meant.
 */
export function validateServer(server: unknown, path: ConfigPath): ConfigIssue[] {
  if (!isPlainObject(server)) return [{ path, message: `expected an object (a server), got ${describeKind(server)}` }];
  const hasCommand = Object.hasOwn(server, 'command');
  const hasUrl = Object.hasOwn(server, 'url');
  if (hasCommand && hasUrl) {
    return [{ path, message: 'has both "command" and "url": a server is either stdio ("command") or remote ("url"), not both' }, ...unknownKeys(server, path)];
  }
  if (!hasCommand && !hasUrl) {
    return [{ path, message: 'expected "command" (a stdio server) or "url" (a remote server)' }, ...unknownKeys(server, path)];
  }
  const [schema, otherKeys, kind, otherKind] = hasCommand
    ? [stdioServerSchema, remoteOnlyKeys, 'a stdio server ("command")', 'remote servers ("url")']
    : [remoteServerSchema, stdioOnlyKeys, 'a remote server ("url")', 'stdio servers ("command")'];
  return schemaIssues(schema, server, path, {
    unknownKeyHint: (objectPath, key) => (objectPath.length === 0 && otherKeys.has(key) ? `"${key}" is for ${otherKind}; this is ${kind}` : undefined),
  });
}

const stdioKeys = Object.keys(stdioServerSchema.shape);
const remoteKeys = Object.keys(remoteServerSchema.shape);
const allServerKeys = new Set([...stdioKeys, ...remoteKeys]);
const stdioOnlyKeys = new Set(stdioKeys.filter((key) => !remoteKeys.includes(key)));
const remoteOnlyKeys = new Set(remoteKeys.filter((key) => !stdioKeys.includes(key)));

/** When the kind is unknown, a key is unknown only if no kind of server has it. */
function unknownKeys(server: Record<string, unknown>, path: ConfigPath): ConfigIssue[] {
  return Object.keys(server)
    .filter((key) => !allServerKeys.has(key))
    .map((key) => {
      const suggestion = nearestKey(key, allServerKeys);
      return { path: [...path, key], message: suggestion === undefined ? 'unknown key' : `unknown key; did you mean "${suggestion}"?` };
    });
}
