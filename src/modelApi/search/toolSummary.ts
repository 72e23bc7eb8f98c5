/**
 * A tool's description cut to one short line, for the API index: enough to tell which tool to search for,
 * never the whole story (`search_tools` gives that).
 */
import type { CatalogTool } from '../../catalog/ToolCatalog.ts';

/** Room for a typical first sentence ("Read the complete contents of a file as text.") on one line. */
export const summaryMaxChars = 80;

/** The first sentence of the description (else the title), whitespace collapsed, cut at a word to `maxChars`. */
export function summarizeTool(tool: CatalogTool, maxChars = summaryMaxChars): string {
  const text = (tool.description ?? tool.title ?? '').replace(/\s+/g, ' ').trim();
  return cutAtWord(firstSentence(text), maxChars);
}

/**
 * Up to the first `.`, `!` or `?` that is followed by a capital letter or the end, so `e.g. a file` and
 * `v1.2` do not end a sentence.
 */
function firstSentence(text: string): string {
  const end = /[.!?](?=\s+\p{Lu}|\s*$)/u.exec(text);
  return end === null ? text : text.slice(0, end.index + 1);
}

function cutAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const room = text.slice(0, maxChars - 1);
  const lastSpace = room.lastIndexOf(' ');
  // A word longer than half the line is cut mid-word rather than leaving a stub.
  const kept = lastSpace > maxChars / 2 ? room.slice(0, lastSpace) : room;
  return `${kept.replace(/[\s,;:.-]+$/, '')}…`;
}
