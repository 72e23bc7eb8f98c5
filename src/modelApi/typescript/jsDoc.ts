/**
 * JSDoc comments for generated declarations: one line when the text is one line, else a block.
 * Text comes from servers, so a comment end inside it is escaped (`*\/`) rather than allowed to end the comment,
 * and a comment longer than `maxDocCommentChars` is cut (see there).
 */
import { declarationDefaults } from '../../config/defaults.ts';
import { cutIndex } from '../../text/surrogates.ts';

/** The comment for `lines` (each may hold newlines), or `''` when there is nothing to say. */
export function jsDoc(lines: readonly string[]): string {
  const text = tidyLines(lines);
  if (text.length === 0) return '';
  if (text.length === 1) return `/** ${text[0]} */`;
  return ['/**', ...text.map((line) => (line === '' ? ' *' : ` * ${line}`)), ' */'].join('\n');
}

/**
 * The comment on one line when every line is one line (`/** Name of the file @default "a.txt" *\/`), else
 * `jsDoc(lines)`: the compact form a member or a union branch carries in front of it.
 */
export function inlineJsDoc(lines: readonly string[]): string {
  const text = tidyLines(lines);
  if (text.length === 0) return '';
  if (text.includes('')) return jsDoc(lines); // a blank line separates paragraphs: keep the block
  return `/** ${text.join(' ')} */`;
}

/** `jsDoc(lines)` followed by a newline, or `''`: ready to put in front of a declaration. */
export function jsDocBefore(lines: readonly string[]): string {
  const comment = jsDoc(lines);
  return comment === '' ? '' : `${comment}\n`;
}

/**
 * Split on newlines, escape comment ends, trim the ends, keep at most one blank line in a row; past
 * `maxDocCommentChars`, the rest is left out and a last line says how many characters.
 */
function tidyLines(lines: readonly string[]): string[] {
  const tidy: string[] = [];
  let room: number = declarationDefaults.maxDocCommentChars;
  let leftOut = 0;
  for (const line of lines.flatMap((text) => text.split(/\r\n|\r|\n|\u2028|\u2029/))) {
    if (room === 0) {
      leftOut += line.length;
      continue;
    }
    let clean = line.replaceAll('*/', '*\\/').trimEnd();
    if (clean.length > room) {
      const cut = cutIndex(clean, room);
      leftOut += clean.length - cut;
      clean = clean.slice(0, cut);
      room = 0;
    } else {
      room -= clean.length;
    }
    if (clean === '' && (tidy.length === 0 || tidy.at(-1) === '')) continue;
    tidy.push(clean);
  }
  while (tidy.at(-1) === '') tidy.pop();
  if (leftOut > 0) tidy.push(`… (${leftOut} more characters)`);
  return tidy;
}
