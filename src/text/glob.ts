/**
 * A glob where `*` matches any run of characters (including none) and everything else is literal,
 * as the config writes tool and server names (`read_*`, `delete_*`).
 */
export function globToRegExp(glob: string): RegExp {
  const literal = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`, 's');
}
