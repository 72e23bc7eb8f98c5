import { isPlainObject, type ConfigIssue, type ConfigPath } from './ConfigIssue.ts';
import type { Config, ServerConfig } from './schema.ts';

/**
 * `${VAR}` and `${VAR:-default}` in every string value of a config (keys are left alone), done on
 * the raw JSON before validation so that substituted values are validated like written ones.
 *
 * - `${VAR}`: the variable's value; an error if it is not set (set to the empty string is fine).
 * - `${VAR:-default}`: the default when the variable is unset or empty, as in the shell.
 * - `$${`: a literal `${`, as in Docker Compose (`$${HOME}` stays `${HOME}`). Chosen over `\${`
 *   because in JSON a backslash must itself be escaped (`"\\${"`), which nobody gets right first time.
 *
 * Substituted values are secrets: issues name the variable and the path, never a value; the values
 * are returned in `secrets` (a default used in place of an unset variable too), so that whoever
 * parses the file can record them on the config (`recordSubstitutions`) for the redactor.
 */
export interface EnvSubstitution {
  readonly value: unknown;
  readonly issues: readonly ConfigIssue[];
  /** Every value put in place of a `${…}`, in order, repeated as often as used. */
  readonly secrets: readonly string[];
}

const reference = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const variable = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv): EnvSubstitution {
  const issues: ConfigIssue[] = [];
  const secrets: string[] = [];
  const result = substituteValue(value, env, [], issues, secrets);
  return { value: result, issues, secrets };
}

function substituteValue(value: unknown, env: NodeJS.ProcessEnv, path: ConfigPath, issues: ConfigIssue[], secrets: string[]): unknown {
  if (typeof value === 'string') return substituteString(value, env, path, issues, secrets);
  if (Array.isArray(value)) return value.map((item, index) => substituteValue(item, env, [...path, index], issues, secrets));
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: a key named "__proto__" stays data, as the JSON reader made it.
    Object.defineProperty(result, key, { value: substituteValue(item, env, [...path, key], issues, secrets), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, path: ConfigPath, issues: ConfigIssue[], secrets: string[]): string {
  return text.replace(reference, (match: string, inner: string | undefined) => {
    if (match === '$${') return '${';
    if (inner === undefined) {
      issues.push({ path, message: 'unterminated "${": expected ${NAME} or ${NAME:-default} (write $${ for a literal "${")' });
      return '';
    }
    const parsed = variable.exec(inner);
    const name = parsed?.[1];
    if (parsed === null || name === undefined) {
      // The text between the braces is not echoed: it may be a secret pasted in the wrong place.
      issues.push({ path, message: 'invalid variable reference: expected ${NAME} or ${NAME:-default}, NAME being letters, digits and _' });
      return '';
    }
    const fallback = parsed[2];
    const set = env[name];
    const substituted = fallback !== undefined && (set === undefined || set === '') ? fallback : set;
    if (substituted !== undefined) {
      secrets.push(substituted);
      return substituted;
    }
    issues.push({ path, message: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)` });
    return '';
  });
}

/**
 * Substituted values, recorded beside the parsed config rather than in it (its shape is SPEC's):
 * on the config object and on each of its server objects, so that a program that rebuilds the top
 * level around the same servers keeps them known.
 */
const substitutions = new WeakMap<object, readonly string[]>();

export function recordSubstitutions(config: Config, secrets: readonly string[]): void {
  if (secrets.length === 0) return;
  const values = [...new Set([...substitutedValues(config), ...secrets])];
  substitutions.set(config, values);
  for (const server of Object.values(config.mcpServers)) substitutions.set(server, values);
}

/** What was recorded on a config or config input (either shape) and on its servers. */
export function substitutedValues(input: unknown): string[] {
  if (!isPlainObject(input)) return [];
  const servers = isPlainObject(input['mcpServers']) ? Object.values(input['mcpServers']) : Array.isArray(input['servers']) ? (input['servers'] as unknown[]) : [];
  const values = new Set<string>(substitutions.get(input) ?? []);
  for (const server of servers) if (typeof server === 'object' && server !== null) for (const value of substitutions.get(server) ?? []) values.add(value);
  return [...values];
}

/**
 * Every secret of a config: each value substituted from `${VAR}` (wherever it went: `args`, `url`,
 * `command`, …) and each `env` and `headers` value of every server, enabled or not. A value that
 * looks like `<scheme> <credential>` (`Bearer abc…`) adds its credential: it shows up alone too.
 */
export function configSecrets(config: Config): string[] {
  return [...new Set([...substitutedValues(config), ...Object.values(config.mcpServers).flatMap(serverSecrets), ...governanceSecrets(config)])];
}

/** Client tokens and a Redis password are secrets however they were written. */
function governanceSecrets(config: Config): string[] {
  const tokens = (config.auth?.tokens ?? []).map((entry) => entry.token);
  const redisPassword = config.redis === undefined ? '' : decodeURIComponent(new URL(config.redis.url).password);
  return redisPassword === '' ? tokens : [...tokens, redisPassword];
}

/** The secrets of one server config: its `env` or `headers` values, and what was substituted into it. */
export function serverSecrets(server: ServerConfig): string[] {
  const values = [...Object.values(('env' in server ? server.env : undefined) ?? {}), ...Object.values(('headers' in server ? server.headers : undefined) ?? {})];
  const credentials = values.flatMap((value) => /^\S+\s+(\S.*)$/.exec(value)?.[1] ?? []);
  return [...values, ...credentials, ...(substitutions.get(server) ?? [])];
}
