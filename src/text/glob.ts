/**
 * A glob where `*` matches any run of characters (including none) and everything else is literal,
 * as the config writes tool and server names (`read_*`, `delete_*`).
 */
export interface GlobMatcher {
  test(text: string): boolean;
}

/**
 * Matches without a regular expression, in time linear in the text for each `*`: the names come
 * from servers, and `^a.*b.*c$` on JavaScript's backtracking RegExp takes time growing with the
 * name's length to the power of the stars (`*_*_write` against a 40,000-character name: 0.4 s; a
 * server's name can be megabytes). Between stars, the literal parts are found leftmost in order,
 * which decides a `*`-only glob exactly.
 */
export function globMatcher(glob: string): GlobMatcher {
  const parts = glob.split('*');
  const first = parts[0] ?? '';
  if (parts.length === 1) return { test: (text) => text === first };
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  const fixedLength = first.length + last.length;
  return {
    test(text) {
      if (text.length < fixedLength || !text.startsWith(first) || !text.endsWith(last)) return false;
      let at = first.length;
      const end = text.length - last.length;
      for (const part of middle) {
        const found = text.indexOf(part, at);
        if (found === -1 || found + part.length > end) return false;
        at = found + part.length;
      }
      return true;
    },
  };
}
