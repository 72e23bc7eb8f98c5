import { el } from './dom.ts';

const keywords = new Set(
  'async await break case catch class const continue default delete do else export extends false finally for from function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while yield interface type'.split(' '),
);

/** Comments, strings, numbers, words, anything else: one token at a time, never across lines. */
const token = /(\/\/.*|\/\*.*?(?:\*\/|$))|('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`\\]|\\.)*`?)|(\b\d[\d_.]*\b)|([A-Za-z_$][\w$]*)|([^'"`/A-Za-z_$\d]+|\/)/g;

/**
 * One line of TypeScript as spans of text: the class names say what each token is, the text is set
 * as text. Only our own class names are ever chosen; the code's characters are never markup.
 */
export function highlightLine(line: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const match of line.matchAll(token)) {
    const [text, comment, string, number, word] = match;
    const kind = comment ? 'tok-comment' : string ? 'tok-string' : number ? 'tok-number' : word && keywords.has(word) ? 'tok-keyword' : '';
    fragment.append(kind ? el('span', kind, text) : document.createTextNode(text));
  }
  return fragment;
}

/** The code as numbered lines; `markLine` (1-based) is the error's line, set apart. */
export function codeBlock(code: string, markLine?: number): HTMLElement {
  const pre = el('pre', 'code');
  code.split('\n').forEach((line, index) => {
    const row = el('span', index + 1 === markLine ? 'line error-line' : 'line');
    row.dataset['line'] = String(index + 1);
    row.append(el('span', 'line-number', String(index + 1)), highlightLine(line), document.createTextNode('\n'));
    pre.append(row);
  });
  return pre;
}
