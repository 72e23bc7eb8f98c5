import { isPlainObject, type ConfigIssue, type ConfigPath } from './ConfigIssue.ts';

/**
 * `${VAR}` and `${VAR:-default}` in every string value of a config (keys are left alone), done on
 * the raw JSON before validation so that substituted values are validated like written ones.
 *
 * - `${VAR}`: the variable's value; an error if it is not set (set to the empty string is fine).
 * - `${VAR:-default}`: the default when the variable is unset or empty, as in the shell.
 * - `$${`: a literal `${`, as in Docker Compose (`$${HOME}` stays `${HOME}`). Chosen over `\${`
 *   because in JSON a backslash must itself be escaped (`"\\${"`), which nobody gets right first time.
 *
 * Substituted values are secrets: issues name the variable and the path, never a value.
 */
export interface EnvSubstitution {
  readonly value: unknown;
  readonly issues: readonly ConfigIssue[];
}

const reference = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const variable = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv): EnvSubstitution {
  const issues: ConfigIssue[] = [];
  const result = substituteValue(value, env, [], issues);
  return { value: result, issues };
}

function substituteValue(value: unknown, env: NodeJS.ProcessEnv, path: ConfigPath, issues: ConfigIssue[]): unknown {
  if (typeof value === 'string') return substituteString(value, env, path, issues);
  if (Array.isArray(value)) return value.map((item, index) => substituteValue(item, env, [...path, index], issues));
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: a key named "__proto__" stays data, as the JSON reader made it.
    Object.defineProperty(result, key, { value: substituteValue(item, env, [...path, key], issues), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, path: ConfigPath, issues: ConfigIssue[]): string {
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
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set !== undefined) return set;
    issues.push({ path, message: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)` });
    return '';
  });
}
