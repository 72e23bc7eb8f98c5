import { describe, expect, it } from 'vitest';
import { closestNames } from '../../src/text/closestNames.ts';
import { levenshtein } from '../../src/text/editDistance.ts';

const filesystemTools = ['read_file', 'read_text_file', 'read_media_file', 'write_file', 'edit_file', 'list_directory', 'move_file'];

describe('closestNames', () => {
  it('matches across case and separator styles first', () => {
    expect(closestNames('readTextFile', filesystemTools)[0]).toBe('read_text_file');
    expect(closestNames('READ-TEXT-FILE', filesystemTools)[0]).toBe('read_text_file');
  });

  it('ranks typos by edit distance and returns at most three', () => {
    const names = closestNames('read_txt_file', filesystemTools);
    expect(names[0]).toBe('read_text_file');
    expect(names.length).toBeLessThanOrEqual(3);
  });

  it('suggests names that contain what was typed', () => {
    expect(closestNames('directory', filesystemTools)).toEqual(['list_directory']);
  });

  it('suggests nothing when nothing is close', () => {
    expect(closestNames('launch_rocket', filesystemTools)).toEqual([]);
  });

  it('keeps the candidates order between equally close names', () => {
    expect(closestNames('bat', ['cat', 'hat', 'rat'], 2)).toEqual(['cat', 'hat']);
  });
});

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});
