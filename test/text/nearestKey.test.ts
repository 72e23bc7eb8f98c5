import { describe, expect, it } from 'vitest';
import { nearestKey } from '../../src/text/nearestKey.ts';
import { optimalStringAlignment as editDistance } from '../../src/text/editDistance.ts';

const serverKeys = ['command', 'args', 'env', 'cwd', 'url', 'headers', 'transport', 'type', 'codeMode', 'disabled', 'tools', 'timeout'];

describe('nearestKey', () => {
  it.each([
    ['comand', 'command'],
    ['commmand', 'command'],
    ['arg', 'args'],
    ['header', 'headers'],
    ['codemode', 'codeMode'],
    ['code_mode', 'codeMode'],
    ['timoeut', 'timeout'],
    ['Disabled', 'disabled'],
    ['transprot', 'transport'],
  ])('%s → %s', (typo, key) => {
    expect(nearestKey(typo, serverKeys)).toBe(key);
  });

  it.each(['$schema', 'description', 'x', 'launch'])('suggests nothing for %s, which is no near miss', (key) => {
    expect(nearestKey(key, serverKeys)).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('timeout', 'timoeut')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
