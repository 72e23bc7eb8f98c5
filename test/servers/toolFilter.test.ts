import { describe, expect, it } from 'vitest';
import { compileToolFilter } from '../../src/servers/lists/toolFilter.ts';

describe('compileToolFilter', () => {
  it('allows everything when there is no filter', () => {
    expect(compileToolFilter(undefined)('anything')).toBe(true);
  });

  it('matches globs where * is any run of characters, and nothing else is special', () => {
    const isExposed = compileToolFilter({ allow: ['read_*', 'list.dir'] });
    expect(['read_file', 'read_', 'list.dir', 'listXdir', 'write_file'].filter(isExposed)).toEqual(['read_file', 'read_', 'list.dir']);
  });

  it('lets deny win over allow', () => {
    const isExposed = compileToolFilter({ allow: ['*'], deny: ['*_file', 'move*'] });
    expect(['read_file', 'move_dir', 'list_directory'].filter(isExposed)).toEqual(['list_directory']);
  });

  it('allows nothing with an empty allow list', () => {
    expect(compileToolFilter({ allow: [] })('read_file')).toBe(false);
  });
});
