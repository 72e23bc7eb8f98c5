import { CodeGoatError } from '../errors.ts';

/** Where a value sits in the config: `['mcpServers', 'github', 'url']`, `['servers', 0, 'name']`. */
export type ConfigPath = readonly (string | number)[];

/**
 * One thing wrong with a config. The message says what was expected and what kind of value came,
 * never the value itself: config files hold secrets (`env`, `headers`, substituted variables).
 */
export interface ConfigIssue {
  readonly path: ConfigPath;
  readonly message: string;
}

const plainKey = /^[A-Za-z_$][\w$-]*$/;

/** `mcpServers.github.url`, `servers[0].name`, `mcpServers["my server"].command`; `(root)` for the whole file. */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return '(root)';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!plainKey.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

function formatIssue(issue: ConfigIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** True when `path` is `ancestor` or lies inside it. */
export function isWithin(path: ConfigPath, ancestor: ConfigPath): boolean {
  return ancestor.length <= path.length && ancestor.every((segment, index) => path[index] === segment);
}

/** All issues at once, one per line, so a user fixes the file in one pass. */
export function invalidConfigError(issues: readonly ConfigIssue[], source: string): CodeGoatError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `- ${formatIssue(issue)}`);
  return new CodeGoatError('CONFIG_INVALID', [`Invalid config (${source}), ${count}:`, ...lines].join('\n'));
}

/** The kind of a value, for "expected …, got …": a type name, never the value. */
export function describeKind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
