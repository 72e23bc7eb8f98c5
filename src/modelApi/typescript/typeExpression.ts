/**
 * TypeScript type expressions as text, with just enough structure to combine them correctly:
 * unions flatten and absorb (`unknown | T` is `unknown`), members get parentheses where precedence needs them.
 */

export interface TypeExpression {
  readonly text: string;
  /** `object`: an object literal type (`{ … }`), which can be declared as an `interface`. */
  readonly kind: 'atom' | 'object' | 'union' | 'intersection';
  /** The flattened members of a union or an intersection. */
  readonly members?: readonly TypeExpression[];
}

export const unknownType: TypeExpression = { text: 'unknown', kind: 'atom' };
export const neverType: TypeExpression = { text: 'never', kind: 'atom' };
export const nullType: TypeExpression = { text: 'null', kind: 'atom' };

export function atom(text: string): TypeExpression {
  return { text, kind: 'atom' };
}

export function objectLiteral(text: string): TypeExpression {
  return { text, kind: 'object' };
}

/** A JSON value as a literal type; values that have no literal type (objects, arrays) are `unknown`. */
export function literalType(value: unknown): TypeExpression {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return atom(JSON.stringify(value));
  if (typeof value === 'number' && Number.isFinite(value)) return atom(String(value));
  return unknownType;
}

/** `A | B`; `unknown` absorbs everything, `never` disappears, nested unions flatten, duplicates go. */
export function union(types: readonly TypeExpression[]): TypeExpression {
  const members = flatten(types, 'union');
  if (members.some((type) => type.text === 'unknown')) return unknownType;
  return combine(members.filter((type) => type.text !== 'never'), 'union', neverType);
}

/** `A & B`; `never` absorbs everything, `unknown` disappears, nested intersections flatten, duplicates go. */
export function intersection(types: readonly TypeExpression[]): TypeExpression {
  const members = flatten(types, 'intersection');
  if (members.some((type) => type.text === 'never')) return neverType;
  return combine(members.filter((type) => type.text !== 'unknown'), 'intersection', unknownType);
}

function flatten(types: readonly TypeExpression[], kind: 'union' | 'intersection'): TypeExpression[] {
  const byText = new Map<string, TypeExpression>();
  for (const type of types.flatMap((type) => (type.kind === kind ? (type.members ?? []) : [type]))) {
    if (!byText.has(type.text)) byText.set(type.text, type);
  }
  return [...byText.values()];
}

function combine(
  members: readonly TypeExpression[],
  kind: 'union' | 'intersection',
  empty: TypeExpression,
): TypeExpression {
  const [first] = members;
  if (first === undefined) return empty;
  if (members.length === 1) return first;
  // `&` binds tighter than `|`: only a union inside an intersection needs parentheses.
  const text = kind === 'union'
    ? members.map((type) => type.text).join(' | ')
    : members.map((type) => (type.kind === 'union' ? `(${type.text})` : type.text)).join(' & ');
  return { text, kind, members };
}

/** Parenthesised when it is a union or an intersection, for use before `[]` or `?`. */
export function asOperand(type: TypeExpression): string {
  return type.kind === 'union' || type.kind === 'intersection' ? `(${type.text})` : type.text;
}

/** `T[]`. */
export function arrayOf(element: TypeExpression): TypeExpression {
  return atom(`${asOperand(element)}[]`);
}
