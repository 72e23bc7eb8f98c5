/** Globs of the config (`read_*`) over names servers send (src/text/glob.ts). */
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/text/glob.ts';

/** What the glob means, as a regular expression: the reference for short inputs. */
function reference(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

describe('globMatcher', () => {
  it('means what the regular expression does, on every pair of a set of globs and names', () => {
    const globs = ['*', '', 'read_*', '*_file', 'read_*_file', '*_*_write', 'a*a', '**', 'a**b', '*a*', 'exact', 'x.y(z)*', '*?*', 'ab*ab', 'a*b*c*d'];
    const names = ['', 'read_file', 'read_text_file', 'readfile', 'write', 'x_y_write', '_write', 'aa', 'a', 'aba', 'abab', 'ab', 'exact', 'exactly', 'x.y(z)', 'x.y(z)!', 'what?', 'abcd', 'acbd', 'a\nb', 'read_\n_file', 'ab_ab'];
    for (const glob of globs) {
      const matcher = globMatcher(glob);
      for (const name of names) expect(matcher.test(name), `${JSON.stringify(glob)} on ${JSON.stringify(name)}`).toBe(reference(glob).test(name));
    }
  });

  it('decides a name of a million characters at once, where the regular expression took time to the power of the stars', () => {
    const name = 'x_'.repeat(500_000);
    expect(globMatcher('*_*_write').test(name)).toBe(false);
    expect(globMatcher('*_*_x_').test(name)).toBe(true);
    expect(globMatcher('x_*x_*x_*x_*write').test(name)).toBe(false);
  });
});
