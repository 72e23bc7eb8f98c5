/**
 * What a schema says beyond its type, as JSDoc lines: the description, the default, and the constraints
 * a model should respect when it builds arguments (`@minimum 1`, `@format uri`…).
 */
// Keywords shown as `@keyword value`, in this order. Each is cheap to read and changes what a valid value is.
const constraintKeywords = [
  'format', 'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
] as const;

export function isSchemaObject(schema: unknown): schema is { readonly [keyword: string]: unknown } {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

/** The JSDoc lines for a schema: empty when it has nothing worth saying. */
export function schemaDocLines(schema: unknown): string[] {
  if (!isSchemaObject(schema)) return [];
  const lines: string[] = [];
  // Not `title`: generators such as pydantic put one on every property, and it only repeats the name.
  const description = schema['description'];
  if (typeof description === 'string' && description.trim() !== '') lines.push(description.trim());
  if (schema['deprecated'] === true) lines.push('@deprecated');
  if ('default' in schema) {
    const shown = jsonText(schema['default']);
    if (shown !== undefined) lines.push(`@default ${shown}`);
  }
  for (const keyword of constraintKeywords) {
    const value = schema[keyword];
    if (value === undefined || value === false) continue;
    const shown = keyword === 'format' && typeof value === 'string' ? value : jsonText(value);
    if (shown !== undefined) lines.push(`@${keyword} ${shown}`);
  }
  return lines;
}

/**
 * The JSDoc lines of a schema whose owner shows them (a property, a declaration): its own, or, when it
 * has no description and exactly one branch of its `anyOf`/`oneOf` has one, that branch's (the nullable
 * pattern zod emits: `anyOf: [{ type: "string", description }, { type: "null" }]`).
 */
export function documentedLines(schema: unknown): string[] {
  const lifted = liftedBranch(schema);
  return lifted === undefined ? schemaDocLines(schema) : [...schemaDocLines(lifted), ...schemaDocLines(schema)];
}

/** The union branch whose description `documentedLines` shows in its owner's place, if any. */
export function liftedBranch(schema: unknown): unknown {
  if (!isSchemaObject(schema) || hasDescription(schema)) return undefined;
  const branches = ['anyOf', 'oneOf'].flatMap((keyword) => (Array.isArray(schema[keyword]) ? schema[keyword] as unknown[] : []));
  const described = branches.filter(hasDescription);
  return described.length === 1 ? described[0] : undefined;
}

export function hasDescription(schema: unknown): boolean {
  return isSchemaObject(schema) && typeof schema['description'] === 'string' && schema['description'].trim() !== '';
}

function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // a cyclic or BigInt value cannot come from JSON; show nothing rather than fail
  }
}
