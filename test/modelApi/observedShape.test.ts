/**
 * Observed shapes: types of results, never values; merged across results; bounded in depth, width and
 * size; read back from disk only as far as they are well-formed.
 */
import { describe, expect, it } from 'vitest';
import { mergeShapes, observedSchema, observedShapeLimits, parseObservedShape, shapeOf } from '../../src/modelApi/observed/observedShape.ts';
import { schemaToTypeScript } from '../../src/modelApi/typescript/schemaToTypeScript.ts';

/** The TypeScript type of the merged shape of `values`. */
function observedType(...values: unknown[]): string {
  const shape = values.map((value) => shapeOf(value)).reduce(mergeShapes);
  return schemaToTypeScript(observedSchema(shape)).root.text;
}

describe('observed types', () => {
  it('kinds, arrays and objects', () => {
    expect(observedType('text')).toBe('string');
    expect(observedType(1, 'one', null)).toBe('null | number | string');
    expect(observedType({ a: 1, b: [true], c: { d: null } })).toBe('{ a: number; b: boolean[]; c: { d: null } }');
    expect(observedType([])).toBe('unknown[]');
  });

  it('a key some results lack is optional; differing kinds are a union', () => {
    expect(observedType({ id: 1, name: 'a' }, { id: 'x', extra: true })).toBe('{ id: number | string; name?: string; extra?: boolean }');
    expect(observedType([{ a: 1 }, { b: 2 }])).toBe('{ a?: number; b?: number }[]');
  });

  it('no value is kept: not strings, numbers nor keys that read as data', () => {
    const shape = shapeOf({ token: 'sk-live-123', count: 42, byUser: { 'alice@example.com': { seen: 1 }, 'bob@example.com': { seen: 2 } } });
    const text = JSON.stringify(shape) + JSON.stringify(observedSchema(shape));
    for (const value of ['sk-live-123', '42', 'alice', 'bob']) expect(text).not.toContain(value);
    expect(observedType({ byUser: { 'alice@example.com': { seen: 1 } } })).toBe('{ byUser: { [key: string]: { seen: number } } }');
  });

  it('a wide object is a map, Record<string, T>', () => {
    const wide = Object.fromEntries(Array.from({ length: observedShapeLimits.maxKeys + 1 }, (_, index) => [`key${index}`, index]));
    expect(observedType(wide)).toBe('{ [key: string]: number }');
    // Two narrow objects whose keys together are too many become a map too.
    const half = (from: number) => Object.fromEntries(Array.from({ length: observedShapeLimits.maxKeys }, (_, index) => [`k${from + index}`, 'v']));
    expect(observedType(half(0), half(observedShapeLimits.maxKeys))).toBe('{ [key: string]: string }');
  });

  it('deep nesting ends in unknown; a __proto__ key is a key', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 50; level++) deep = { next: deep };
    expect(observedType(deep)).toMatch(/next: unknown/);
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown;
    expect(observedType(hostile)).toBe('{ __proto__: { polluted: boolean }; ok: number }');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('the same values in any order give the same type', () => {
    const values = [{ a: 1 }, { a: 'x', b: [1] }, null, { b: [] }];
    expect(observedType(...values)).toBe(observedType(...[...values].reverse()).replace('b?: number[]; a?: number | string', 'a?: number | string; b?: number[]'));
  });
});

describe('shapes read back from disk', () => {
  it('a well-formed shape comes back as it was', () => {
    const shape = mergeShapes(shapeOf({ id: 1, tags: ['a'] }), shapeOf({ id: 'x' }));
    expect(parseObservedShape(JSON.parse(JSON.stringify(shape)))).toEqual(shape);
  });

  it('anything malformed is unknown or dropped, never a crash', () => {
    for (const raw of [null, 42, 'x', [], { object: { seen: -1, keys: {} } }, { array: 'no' }, { object: { seen: 1, keys: { 'not a name': { seen: 1, shape: {} } } } }]) {
      expect(() => observedSchema(parseObservedShape(raw))).not.toThrow();
    }
    expect(parseObservedShape({ string: true, evil: 'x' })).toEqual({ string: true });
    expect(parseObservedShape({ object: { seen: 1, keys: { 'a b': { seen: 1, shape: { string: true } }, ok: { seen: 5, shape: { number: true } } } } }))
      .toEqual({ object: { seen: 1, keys: { ok: { seen: 1, shape: { number: true } } } } });
  });
});
