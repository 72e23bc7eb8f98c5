import { isSpecType, type ContentBlock } from '@modelcontextprotocol/server';

/** Block kinds that JSON text cannot carry to the model; returning one of them asks for blocks. */
const mediaTypes: ReadonlySet<unknown> = new Set(['image', 'audio', 'resource', 'resource_link']);

/**
 * The MCP content blocks a returned value stands for (SPEC: "Content blocks"): an image, audio or
 * resource block, or an array of content blocks holding at least one of those (as image tools give
 * them back). Anything else, a malformed block included (no `mimeType`, `data` not base64), is
 * `undefined`: the value stays plain JSON. Blocks are checked with the SDK's own schema, the one
 * the client will parse the answer with, so a block that passes here cannot make the answer fail there.
 * The value is a return value: its size was held to `maxReturnBytes` by the sandbox.
 */
export function returnedContentBlocks(value: unknown): ContentBlock[] | undefined {
  const candidates: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (!candidates.some(isMediaLike)) return undefined;
  const blocks: ContentBlock[] = [];
  for (const candidate of candidates) {
    if (!isSpecType.ContentBlock(candidate)) return undefined;
    blocks.push(candidate as ContentBlock);
  }
  return blocks;
}

/** Kinds of block named in the text answer; past it, how many more kinds there are. */
const maxKindsNamed = 10;

/**
 * One line for the text answer: which blocks follow it, counted by kind (the data itself is in the
 * blocks), so that a return of thousands of tiny blocks does not make a long text.
 */
export function describeContentBlocks(blocks: readonly ContentBlock[]): string {
  const counts = new Map<string, number>();
  for (const block of blocks) {
    const kind = 'mimeType' in block && typeof block.mimeType === 'string' ? `${block.type} (${block.mimeType.slice(0, 100)})` : block.type;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const named = [...counts].slice(0, maxKindsNamed).map(([kind, count]) => (count === 1 ? kind : `${count} × ${kind}`));
  if (counts.size > maxKindsNamed) named.push(`${counts.size - maxKindsNamed} more kinds`);
  return `${blocks.length} content block${blocks.length === 1 ? '' : 's'}, sent after this text: ${named.join(', ')}.`;
}

function isMediaLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && mediaTypes.has((value as { type?: unknown }).type);
}
