/**
 * Where the submitted code first nests brackets (`{`, `(`, `[`) more than `maxDepth` deep, if it
 * does. Code nested thousands deep costs the compilers dearly before any deadline runs: esbuild's
 * time grows with the square of the nesting of blocks (5,000 nested blocks take it 18 s), and V8's
 * parser runs out of stack. Such code is refused up front as a syntax error; no real program nests
 * that deep. One pass, no recursion: strings, template literals and comments are skipped (a bracket
 * inside a regular expression literal counts, which can only over-count code nobody writes).
 */
export function deepNesting(code: string, maxDepth: number): { line: number; column: number } | undefined {
  let depth = 0;
  /** For each open `${` of a template literal: the depth at which its `}` returns to the template's text. */
  const templates: number[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  /** Where the nesting first passed `maxDepth`. */
  let found: { line: number; column: number } | undefined;
  const open = (): void => {
    if (++depth > maxDepth) found ??= { line, column: i - lineStart + 1 };
  };
  const skipTemplateText = (): void => {
    // From inside a template literal's text to its closing backtick or the next `${`.
    for (; i < code.length; i++) {
      const char = code[i];
      if (char === '\\') i++;
      else if (char === '\n') newline(i);
      else if (char === '`') return;
      else if (char === '$' && code[i + 1] === '{') {
        i++;
        templates.push(depth);
        open();
        return;
      }
    }
  };
  const newline = (at: number): void => {
    line++;
    lineStart = at + 1;
  };
  for (; i < code.length && found === undefined; i++) {
    const char = code[i];
    if (char === '\n') newline(i);
    else if (char === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      i = (end === -1 ? code.length : end) - 1;
    } else if (char === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end === -1 ? code.length : end + 1;
      for (let j = i; j < stop; j++) if (code[j] === '\n') newline(j);
      i = stop;
    } else if (char === '"' || char === "'") {
      for (i++; i < code.length && code[i] !== char && code[i] !== '\n'; i++) if (code[i] === '\\') i++;
    } else if (char === '`') {
      i++;
      skipTemplateText();
    } else if (char === '{' || char === '(' || char === '[') {
      open();
    } else if (char === '}' || char === ')' || char === ']') {
      depth--;
      if (char === '}' && templates.length > 0 && templates.at(-1) === depth) {
        templates.pop();
        i++;
        skipTemplateText();
      }
    }
  }
  return found;
}
