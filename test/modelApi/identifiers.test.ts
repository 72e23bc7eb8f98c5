import { describe, expect, it } from 'vitest';
import { createNameRegistry, isIdentifierName, propertyKey, splitWords } from '../../src/modelApi/names/identifiers.ts';

describe('splitWords', () => {
  it.each([
    ['read_text_file', ['read', 'text', 'file']],
    ['get-sum', ['get', 'sum']],
    ['createEntities', ['create', 'Entities']],
    ['HTTPGet', ['HTTP', 'Get']],
    ['v2Beta', ['v2', 'Beta']],
    ['files.read/all now', ['files', 'read', 'all', 'now']],
    ['__proto__', ['proto']],
  ])('%j → %j', (name, words) => {
    expect(splitWords(name)).toEqual(words);
  });
});

describe('propertyKey', () => {
  it('leaves identifiers bare and quotes the rest', () => {
    expect(['path', '$x', '_y', 'café', 'content-type', '2fa', 'a b', ''].map(propertyKey)).toEqual([
      'path', '$x', '_y', 'café', '"content-type"', '"2fa"', '"a b"', '""',
    ]);
  });

  it('isIdentifierName agrees', () => {
    expect([isIdentifierName('a1'), isIdentifierName('1a'), isIdentifierName('a-b')]).toEqual([true, false, false]);
  });
});

describe('createNameRegistry', () => {
  it('gives the first claim the name and later ones _2, _3, skipping names already taken', () => {
    const registry = createNameRegistry(['Foo_2']);
    expect(['Foo', 'Foo', 'Foo', 'Bar'].map((name) => registry.claim(name))).toEqual(['Foo', 'Foo_3', 'Foo_4', 'Bar']);
  });

  it('does not double a trailing underscore', () => {
    const registry = createNameRegistry(['then_']);
    expect(registry.claim('then_')).toBe('then_2');
  });
});

describe('createNameRegistry, claimed many times over', () => {
  it('hands out _2, _3… in order, skipping names taken meanwhile, as a scan from _2 would', () => {
    const registry = createNameRegistry(['run', 'run_5']);
    const claimed = Array.from({ length: 6 }, () => registry.claim('run'));
    expect(claimed).toEqual(['run_2', 'run_3', 'run_4', 'run_6', 'run_7', 'run_8']);
    expect(registry.claim('run_9')).toBe('run_9');
    expect(registry.claim('run')).toBe('run_10');
    expect(registry.claim('then_')).toBe('then_');
    expect(registry.claim('then')).toBe('then');
    expect(registry.claim('then_')).toBe('then_2');
    expect(registry.claim('then')).toBe('then_3');
  });
});
