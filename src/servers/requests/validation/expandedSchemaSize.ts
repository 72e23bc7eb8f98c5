import type { JsonSchema } from '../../../catalog/ToolCatalog.ts';
import { resolveLocal } from './stepBudget.ts';

/**
 * How many schema nodes validating one value may visit, with local `$ref`s counted as what they
 * point to (`#`, `#/definitions/x`, `#/$defs/x`): a schema of a few lines whose definitions each
 * check the next one twice visits 2^40 nodes for one argument. Counted once per node (memoised),
 * so counting costs the size of the schema; a reference back into itself counts once, since its
 * depth is bounded by the arguments'. Stops counting past `limit` (returns `limit + 1`), and a
 * schema too deep to walk counts as past it.
 */
export function expandedSchemaSize(schema: JsonSchema, limit: number): number {
  const counted = new Map<object, number>();
  const open = new Set<object>();
  const size = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 1;
    const known = counted.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return 1;
    open.add(node);
    let total = 1;
    const ref = (node as Record<string, unknown>)['$ref'];
    if (typeof ref === 'string') total += size(resolveLocal(schema, ref));
    for (const value of Object.values(node)) {
      if (total > limit) break;
      total += size(value);
    }
    open.delete(node);
    total = Math.min(total, limit + 1);
    counted.set(node, total);
    return total;
  };
  try {
    return size(schema);
  } catch {
    // Too deep to walk on this stack: too deep to validate with it.
    return limit + 1;
  }
}
