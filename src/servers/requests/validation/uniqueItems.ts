import type { FuncKeywordDefinition } from 'ajv';

/**
 * `uniqueItems` in linear time. Ajv's own compares every pair of items when they may be objects or
 * arrays (8,000 items held the event loop for 1.8 s); here each item is written once as canonical
 * JSON and looked up in a map, so the cost is the size of the array's text.
 * Equal JSON values give equal texts, as Ajv's deep equality would judge them.
 */
export const uniqueItems: FuncKeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  errors: true,
  validate: function validate(this: unknown, unique: boolean, data: unknown[]): boolean {
    const self = validate as typeof validate & { errors?: unknown[] };
    self.errors = [];
    if (!unique) return true;
    const seen = new Map<string, number>();
    for (let index = 0; index < data.length; index += 1) {
      const key = canonical(data[index]);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        // Ajv's words and params: the later index first.
        self.errors = [
          { keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${index} and ${earlier} are identical)`, params: { i: earlier, j: index } },
        ];
        return false;
      }
      seen.set(key, index);
    }
    return true;
  },
};

/**
 * JSON in which equal values meet: an object whose keys are out of order is written as a copy with
 * sorted keys (`{b,a}` as `{a,b}`), everything else as it is, so the common case costs one native
 * `JSON.stringify`. Values JSON cannot tell apart (a property set to `undefined` and none) are
 * also what the server would receive alike.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, inKeyOrder) ?? 'undefined';
}

function inKeyOrder(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || keysInOrder(value)) return value;
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key];
  return sorted;
}

function keysInOrder(value: object): boolean {
  let previous: string | undefined;
  for (const key of Object.keys(value)) {
    if (previous !== undefined && key < previous) return false;
    previous = key;
  }
  return true;
}
