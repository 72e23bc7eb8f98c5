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

/** One line for the text answer: which blocks follow it (the data itself is in the blocks). */
export function describeContentBlocks(blocks: readonly ContentBlock[]): string {
  const kinds = blocks.map((block) => ('mimeType' in block && typeof block.mimeType === 'string' ? `${block.type} (${block.mimeType})` : block.type));
  return `${blocks.length} content block${blocks.length === 1 ? '' : 's'}, sent after this text: ${kinds.join(', ')}.`;
}

function isMediaLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && mediaTypes.has((value as { type?: unknown }).type);
}
