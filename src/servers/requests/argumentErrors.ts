import type { ErrorObject } from 'ajv';

/**
 * Ajv's errors as sentences a model can act on: which argument, what was expected, what came.
 *
 *   /path must be string (got number 42)
 *   missing required argument "entities"
 *   unexpected argument "extra" (additionalProperties is false)
 *   /mode must be one of "a", "b" (got "c")
 *
 * Paths are JSON pointers into the arguments (`/entities/0/name`); values are cut at ~40 characters,
 * the message is read by a model with a context budget.
 */
const maxValueChars = 40;
const maxIssues = 5;

/** One line: the first few issues joined by `; `, the rest counted. Needs Ajv's `verbose` (for `data`). */
export function describeArgumentErrors(errors: readonly ErrorObject[]): string {
  const issues = [...new Set(summarise(errors).map(describeIssue))];
  const shown = issues.slice(0, maxIssues).join('; ');
  return issues.length > maxIssues ? `${shown}; … (${issues.length - maxIssues} more)` : shown;
}

/**
 * `anyOf`/`oneOf` report every branch that failed, then themselves: the branches are folded into
 * the one issue at the union (as `must be string or number` when every branch was a type check at
 * the union's own value). Linear in the number of errors (times the depth of the schema and of the
 * arguments): 100,000 failing items of an array of unions give 300,000 errors.
 */
function summarise(errors: readonly ErrorObject[]): ErrorObject[] {
  const isUnion = (error: ErrorObject) => error.keyword === 'anyOf' || error.keyword === 'oneOf';
  const unionPaths = new Set(errors.filter(isUnion).map((union) => union.schemaPath));
  // The branches of each union, by the union's schema path and value.
  const branchesOf = new Map<string, ErrorObject[]>();
  const keyOf = (schemaPath: string, instancePath: string) => `${schemaPath}\u0000${instancePath}`;
  const enclosing = (error: ErrorObject): string[] => pathPrefixes(error.schemaPath).filter((prefix) => unionPaths.has(prefix));
  for (const error of errors) {
    for (const union of enclosing(error)) {
      for (const at of [error.instancePath, ...pathPrefixes(error.instancePath)]) {
        const key = keyOf(union, at);
        const branches = branchesOf.get(key);
        if (branches === undefined) branchesOf.set(key, [error]);
        else branches.push(error);
      }
    }
  }
  return errors.flatMap((error) => {
    if (enclosing(error).length > 0) return [];
    if (!isUnion(error)) return [error];
    const branches = branchesOf.get(keyOf(error.schemaPath, error.instancePath)) ?? [];
    const types = branches.every((branch) => branch.keyword === 'type' && branch.instancePath === error.instancePath)
      ? branches.flatMap((branch) => typeNames(branch.params['type']))
      : [];
    if (types.length === 0 || error.params['passingSchemas'] !== undefined) return [error];
    return [{ ...error, keyword: 'type', params: { type: [...new Set(types)] } }];
  });
}

/** `#/a/b/c` → `#/a/b`, `#/a`, `#`: the proper prefixes of a slash path, longest first. */
function pathPrefixes(path: string): string[] {
  const prefixes: string[] = [];
  for (let end = path.lastIndexOf('/'); end >= 0; end = path.lastIndexOf('/', end - 1)) {
    prefixes.push(path.slice(0, end));
    if (end === 0) break;
  }
  return prefixes;
}

function describeIssue(error: ErrorObject): string {
  const path = error.instancePath;
  const at = path === '' ? 'the arguments' : path;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const name = String(params['missingProperty']);
      return path === '' ? `missing required argument "${name}"` : `${path} is missing required property "${name}"`;
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
      const noun = path === '' ? 'unexpected argument' : `${path} has unexpected property`;
      return `${noun} "${name}" (${error.keyword} is false)`;
    }
    case 'type':
      return `${at} must be ${typeNames(params['type']).join(' or ')} (got ${describeValue(error.data, true)})`;
    case 'enum': {
      const allowed = Array.isArray(params['allowedValues']) ? params['allowedValues'] : [];
      const shown = allowed.slice(0, 10).map((value) => shortJson(value));
      const more = allowed.length > shown.length ? `, … (${allowed.length - shown.length} more)` : '';
      return `${at} must be one of ${shown.join(', ')}${more} (got ${describeValue(error.data, false)})`;
    }
    case 'const':
      return `${at} must be ${shortJson(params['allowedValue'])} (got ${describeValue(error.data, false)})`;
    case 'anyOf':
    case 'oneOf':
      return `${at} ${error.message ?? 'does not match'} (got ${describeValue(error.data, true)})`;
    default:
      // minimum, maxLength, pattern, minItems, …: Ajv's own words say it well ("must be >= 0").
      return `${at} ${error.message ?? `fails ${error.keyword}`} (got ${describeValue(error.data, false)})`;
  }
}

function typeNames(type: unknown): string[] {
  if (Array.isArray(type)) return type.map(String);
  return typeof type === 'string' ? type.split(',') : [String(type)];
}

/** `number 42`, `string "abc"`, `array [1,2]`, `null` (with its type); `42`, `"abc"` (without). */
function describeValue(value: unknown, withType: boolean): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  const type = Array.isArray(value) ? 'array' : typeof value;
  const json = shortJson(value);
  return withType ? `${type} ${json}` : json;
}

function shortJson(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    // Not JSON (a cycle, a BigInt, nesting past the stack): String() may recurse as deep, so say what it is instead.
    json = Array.isArray(value) ? '[…]' : typeof value === 'object' ? '{…}' : typeof value;
  }
  if (json.length <= maxValueChars) return json;
  // A cut string keeps its opening quote and says it was cut.
  return `${json.slice(0, maxValueChars)}…${typeof value === 'string' ? '"' : ''}`;
}
