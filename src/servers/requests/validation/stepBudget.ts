import type { FuncKeywordDefinition } from 'ajv';
import type { JsonSchema } from '../../../catalog/ToolCatalog.ts';

/**
 * A budget of steps for one validation. A recursive schema can do work exponential in the depth of
 * the arguments (a `oneOf` whose branches both check the same child doubles it per level), which no
 * static bound on the schema sees. So every schema a local `$ref` points to is marked with a keyword
 * that counts a step each time it is applied; past the budget it throws `StepBudgetExceeded` out of
 * the validation, and the call is refused. Work that is linear in the arguments stays within the
 * budget (it grows with their size); work that multiplies per level of nesting does not. A schema
 * without references applies each of its nodes at most once per value, so only references can
 * multiply the work.
 */
export const stepKeyword = 'x-code-goat-step';

export class StepBudgetExceeded extends Error {
  readonly budget: number;
  constructor(budget: number) {
    super(`validation took more than ${budget} steps`);
    this.budget = budget;
    this.name = 'StepBudgetExceeded';
  }
}

let remaining = Number.POSITIVE_INFINITY;
let spent = 0;
let extension: (() => number) | undefined;

/**
 * Runs one validation with `steps` to spend, and once they are spent, `perValue` more for each
 * value in `data` (counted only then, off the common path): big arguments may take many steps
 * through a schema's references, but only as many as a multiple of their size. Validations are
 * synchronous: one budget at a time.
 */
export function withStepBudget<T>(steps: number, perValue: number, data: unknown, validate: () => T): T {
  remaining = steps;
  spent = 0;
  extension = () => perValue * countValues(data, Number.POSITIVE_INFINITY);
  try {
    return validate();
  } finally {
    remaining = Number.POSITIVE_INFINITY;
    extension = undefined;
  }
}

export const stepCounter: FuncKeywordDefinition = {
  keyword: stepKeyword,
  schemaType: 'boolean',
  errors: false,
  // First of the keywords that apply to any value: a validator that stops at the first error
  // would otherwise skip the count when a union before it fails.
  before: '$ref',
  validate: () => {
    spent += 1;
    remaining -= 1;
    if (remaining >= 0) return true;
    if (extension !== undefined) {
      remaining += extension();
      extension = undefined;
      if (remaining >= 0) return true;
    }
    throw new StepBudgetExceeded(spent - 1);
  },
};

/** Values in a JSON value (objects, arrays and leaves), walked without recursion; stops counting past `max`. */
export function countValues(data: unknown, max: number): number {
  let count = 0;
  const pending: unknown[] = [data];
  while (pending.length > 0 && count <= max) {
    const value = pending.pop();
    count += 1;
    if (value !== null && typeof value === 'object') for (const child of Object.values(value)) pending.push(child);
  }
  return count;
}

/** A copy of `schema` whose local `$ref` targets carry the step keyword; the schema itself when it has no such references. */
export function withStepCounters(schema: JsonSchema): JsonSchema {
  if (typeof schema !== 'object' || !JSON.stringify(schema).includes('"$ref"')) return schema;
  const copy = structuredClone(schema) as Record<string, unknown>;
  const marked = new Set<object>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const ref = (node as Record<string, unknown>)['$ref'];
    if (typeof ref === 'string') {
      const target = resolveLocal(copy, ref);
      if (target !== null && typeof target === 'object' && !Array.isArray(target) && !marked.has(target)) {
        marked.add(target);
        (target as Record<string, unknown>)[stepKeyword] = true;
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(copy);
  return copy;
}

/** The node a local JSON pointer names (`#`, `#/definitions/x`), or `undefined`. */
export function resolveLocal(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
