/**
 * The shape of tool results, observed: what a tool without `outputSchema` has returned, as types only —
 * keys and kinds, never a value. Shapes merge across results (a key some results lack is optional,
 * kinds that differ become a union) and stay bounded: nesting past `maxDepth` is unknown, an object
 * with more keys than `maxKeys`, or with keys that read as data (`"alice@example.com"`, `"2024-05-01"`),
 * is a map (`Record<string, T>`) whose keys are not kept, arrays are sampled, and a shape past
 * `maxNodes` is unknown. `observedSchema` renders one as the JSON Schema the declarations are made from.
 */
import type { JsonSchema } from '../../catalog/ToolCatalog.ts';

export interface ObservedShape {
  /** Past a cap, or not JSON: anything. Absorbs every other kind. */
  readonly unknown?: true;
  readonly null?: true;
  readonly boolean?: true;
  readonly number?: true;
  readonly string?: true;
  /** The merged shape of the elements seen (`{}`: only empty arrays so far). */
  readonly array?: ObservedShape;
  /** `seen`: how many objects; each key with how many of them had it (fewer: optional). */
  readonly object?: { readonly seen: number; readonly keys: Readonly<Record<string, { readonly seen: number; readonly shape: ObservedShape }>> };
  /** An object read as a map: its values' merged shape. */
  readonly map?: ObservedShape;
}

export const observedShapeLimits = {
  maxDepth: 8,
  /** Past this many keys an object is a map. */
  maxKeys: 40,
  /** Elements (and map values) looked at per array (map). */
  maxItems: 50,
  /** Nodes of one shape; a bigger one is unknown. */
  maxNodes: 1_000,
} as const;

// A key that reads as a name a program chose, not as data: short, starting with a letter or `_`.
const nameLikeKey = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/** The shape of one JSON value. */
export function shapeOf(value: unknown, depth = 0): ObservedShape {
  if (depth > observedShapeLimits.maxDepth) return { unknown: true };
  if (value === null) return { null: true };
  switch (typeof value) {
    case 'boolean': return { boolean: true };
    case 'number': return { number: true };
    case 'string': return { string: true };
    case 'object': break;
    default: return { unknown: true };
  }
  if (Array.isArray(value)) return { array: mergeAll(value.slice(0, observedShapeLimits.maxItems).map((item) => shapeOf(item, depth + 1))) };
  // Keys first, values only for those looked at: an object of 200,000 keys is a map read by its first few.
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  if (names.length > observedShapeLimits.maxKeys || !names.every((key) => nameLikeKey.test(key))) {
    return { map: mergeAll(names.slice(0, observedShapeLimits.maxItems).map((key) => shapeOf(record[key], depth + 1))) };
  }
  const keys = keyTable();
  for (const key of names) keys[key] = { seen: 1, shape: shapeOf(record[key], depth + 1) };
  return bounded({ object: { seen: 1, keys } });
}

/** Both shapes in one: kinds joined, object keys counted, an object merged with a map becomes a map. */
export function mergeShapes(left: ObservedShape, right: ObservedShape): ObservedShape {
  if (left.unknown || right.unknown) return { unknown: true };
  const merged: { -readonly [K in keyof ObservedShape]: ObservedShape[K] } = {};
  for (const kind of ['null', 'boolean', 'number', 'string'] as const) if (left[kind] || right[kind]) merged[kind] = true;
  if (left.array || right.array) merged.array = mergeShapes(left.array ?? {}, right.array ?? {});
  const maps = [left.map, right.map].filter((map) => map !== undefined);
  const objects = [left.object, right.object].filter((object) => object !== undefined);
  if (maps.length > 0) {
    merged.map = mergeAll([...maps, ...objects.flatMap((object) => Object.values(object.keys).map((key) => key.shape))]);
  } else if (objects.length > 0) {
    const keys = keyTable();
    for (const object of objects) {
      for (const [key, { seen, shape }] of Object.entries(object.keys)) {
        const known = keys[key];
        keys[key] = known === undefined ? { seen, shape } : { seen: known.seen + seen, shape: mergeShapes(known.shape, shape) };
      }
    }
    const seen = objects.reduce((sum, object) => sum + object.seen, 0);
    if (Object.keys(keys).length > observedShapeLimits.maxKeys) merged.map = mergeAll(Object.values(keys).map((key) => key.shape));
    else merged.object = { seen, keys };
  }
  return bounded(merged);
}

function mergeAll(shapes: readonly ObservedShape[]): ObservedShape {
  return shapes.reduce(mergeShapes, {});
}

function bounded(shape: ObservedShape): ObservedShape {
  return nodeCount(shape) > observedShapeLimits.maxNodes ? { unknown: true } : shape;
}

function nodeCount(shape: ObservedShape): number {
  let count = 1;
  if (shape.array) count += nodeCount(shape.array);
  if (shape.map) count += nodeCount(shape.map);
  if (shape.object) for (const key of Object.values(shape.object.keys)) count += nodeCount(key.shape);
  return count;
}

/** The JSON Schema of a shape: what `schemaToTypeScript` declares. `{}` (unknown) for nothing observed. */
export function observedSchema(shape: ObservedShape): JsonSchema {
  if (shape.unknown) return {};
  const kinds: JsonSchema[] = [];
  for (const kind of ['null', 'boolean', 'number', 'string'] as const) if (shape[kind]) kinds.push({ type: kind });
  if (shape.object) {
    const keys = Object.entries(shape.object.keys);
    const seen = shape.object.seen;
    kinds.push({
      type: 'object',
      properties: Object.fromEntries(keys.map(([key, { shape: value }]) => [key, observedSchema(value)])),
      required: keys.filter(([, key]) => key.seen >= seen).map(([key]) => key),
      additionalProperties: false,
    });
  }
  if (shape.map) kinds.push({ type: 'object', additionalProperties: observedSchema(shape.map) });
  if (shape.array) {
    const empty = Object.keys(shape.array).length === 0;
    kinds.push(empty ? { type: 'array' } : { type: 'array', items: observedSchema(shape.array) });
  }
  if (kinds.length === 0) return {};
  return kinds.length === 1 ? (kinds[0] ?? {}) : { anyOf: kinds };
}

/**
 * A shape read back from disk, kept only as far as it is well-formed (the file may have been edited or
 * cut short): anything else in it is dropped, a malformed part is unknown.
 */
export function parseObservedShape(raw: unknown, depth = 0): ObservedShape {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || depth > observedShapeLimits.maxDepth + 1) return { unknown: true };
  const record = raw as Record<string, unknown>;
  if (record['unknown'] === true) return { unknown: true };
  const shape: { -readonly [K in keyof ObservedShape]: ObservedShape[K] } = {};
  for (const kind of ['null', 'boolean', 'number', 'string'] as const) if (record[kind] === true) shape[kind] = true;
  if (record['array'] !== undefined) shape.array = parseObservedShape(record['array'], depth + 1);
  if (record['map'] !== undefined) shape.map = parseObservedShape(record['map'], depth + 1);
  const object = record['object'];
  if (typeof object === 'object' && object !== null && !Array.isArray(object)) {
    const { seen, keys } = object as Record<string, unknown>;
    if (typeof seen === 'number' && Number.isSafeInteger(seen) && seen > 0 && typeof keys === 'object' && keys !== null && !Array.isArray(keys)) {
      const parsed = keyTable();
      for (const [key, entry] of Object.entries(keys).slice(0, observedShapeLimits.maxKeys)) {
        const keySeen = (entry as { seen?: unknown } | null)?.seen;
        if (!nameLikeKey.test(key) || typeof keySeen !== 'number' || !Number.isSafeInteger(keySeen) || keySeen < 1) continue;
        parsed[key] = { seen: Math.min(keySeen, seen), shape: parseObservedShape((entry as { shape?: unknown }).shape, depth + 1) };
      }
      shape.object = { seen, keys: parsed };
    }
  }
  return bounded(shape);
}

/** Keys come from results: `__proto__` must be a key like any other, not the table's prototype. */
function keyTable(): Record<string, { seen: number; shape: ObservedShape }> {
  return Object.create(null) as Record<string, { seen: number; shape: ObservedShape }>;
}
