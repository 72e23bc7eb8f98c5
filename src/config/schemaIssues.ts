import { z } from 'zod';
import { describeKind, type ConfigIssue, type ConfigPath } from './ConfigIssue.ts';
import { nearestKey } from '../text/nearestKey.ts';

export interface SchemaIssueOptions {
  /**
   * A better word about an unknown key than the nearest known key, e.g. that `headers` belongs to
   * remote servers. `objectPath` is relative to the schema.
   */
  unknownKeyHint?: (objectPath: ConfigPath, key: string) => string | undefined;
}

/**
 * Validates `input` against a zod schema and words each issue ourselves, from the issue's code and
 * the kind of value found: zod's own messages are good, but ours must provably never quote a value
 * (a secret), and must say "unknown key; did you mean …?" where zod says "Unrecognized key".
 */
export function schemaIssues(schema: z.ZodType, input: unknown, basePath: ConfigPath, options: SchemaIssueOptions = {}): ConfigIssue[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const relative = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
    const path = [...basePath, ...relative];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(schema, relative, key, options) }));
    }
    return [{ path, message: describeIssue(issue, valueAt(input, relative)) }];
  });
}

function describeIssue(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) return `missing; expected ${expectedKind(issue.expected)}`;
      if (issue.expected === 'int' && typeof found === 'number') return 'expected a whole number, got a number with a fraction';
      return `expected ${expectedKind(issue.expected)}, got ${describeKind(found)}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'expected a non-empty string, got an empty string' : `expected at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `expected at least ${issue.minimum} items`;
      return issue.inclusive ? `expected a number >= ${issue.minimum}, got less` : `expected a number > ${issue.minimum}, got ${issue.minimum} or less`;
    case 'too_big':
      return `expected at most ${issue.maximum}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_format':
      if (issue.format === 'url') return typeof found === 'string' && URL.canParse(found) ? 'expected a URL starting with http:// or https://' : 'expected a URL';
      return `expected a string in ${issue.format} format`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}, got ${typeof found === 'string' ? 'another string' : describeKind(found)}`;
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_union':
      return `does not match any accepted shape (got ${describeKind(found)})`;
    default:
      return `invalid value (${describeKind(found)})`;
  }
}

function oneOf(values: readonly unknown[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  return quoted.length <= 2 ? quoted.join(' or ') : `one of ${quoted.join(', ')}`;
}

const kindNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

function expectedKind(expected: string): string {
  return kindNames[expected] ?? expected;
}

function unknownKeyMessage(schema: z.ZodType, objectPath: ConfigPath, key: string, options: SchemaIssueOptions): string {
  const hint = options.unknownKeyHint?.(objectPath, key);
  if (hint !== undefined) return `unknown key; ${hint}`;
  const known = objectKeysAt(schema, objectPath);
  const suggestion = nearestKey(key, known);
  if (suggestion !== undefined) return `unknown key; did you mean "${suggestion}"?`;
  return `unknown key (known keys: ${known.map((name) => `"${name}"`).join(', ')})`;
}

/** The keys the schema knows for the object at `path`, found by walking the schema itself. */
function objectKeysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return [];
    current = current && unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

function valueAt(input: unknown, path: ConfigPath): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
