/**
 * Prompt size in tokens, measured with the o200k encoding (GPT-4o and later): no tokenizer matches every
 * model, but one real BPE is a far better yardstick for "does this fit in a prompt" than characters / 4.
 * Only the o200k entry point is loaded: the package's root would load every encoding.
 *
 * Loaded on first use, not at import: its tables cost about 0.75 s of CPU, which a process that never
 * counts (`code-goat --help`, a library user with no token budget to size) should not pay.
 */
import { createRequire } from 'node:module';

type CountTokens = (text: string, options: { disallowedSpecial: Set<string> }) => number;

const require = createRequire(import.meta.url);
let countO200kTokens: CountTokens | undefined;

// Server text may contain `<|endoftext|>` and the like; to a prompt they are plain characters, and the
// tokenizer's default would throw on them.
const plainText = { disallowedSpecial: new Set<string>() };

let o200kPieces: RegExp | undefined;

/**
 * How many pieces o200k's pre-tokenizer cuts `text` into. BPE never merges across these cuts, so each
 * piece is at least one token: a lower bound, and in declaration text (identifiers, keywords,
 * punctuation) almost always the count itself (`{ name: string; entityType: string }` is 10 pieces and
 * 10 tokens). It needs only the split pattern, not the tables: for choices made while declaring a
 * catalog (sharedShapes.ts), which would otherwise load the tables for every code mode whose servers
 * repeat a shape, and stall the event loop for half a second as a server joins.
 */
export function countTokenPieces(text: string): number {
  o200kPieces ??= new RegExp((require('gpt-tokenizer/encodingParams/constants') as { O200K_TOKEN_SPLIT_REGEX: RegExp }).O200K_TOKEN_SPLIT_REGEX.source, 'gu');
  // Counted as they are found, not gathered: a server's schema may make a shape of megabytes.
  let pieces = 0;
  for (const _piece of text.matchAll(o200kPieces)) pieces += 1;
  return pieces;
}

/** How many o200k tokens `text` takes. */
export function countTokens(text: string): number {
  countO200kTokens ??= (require('gpt-tokenizer/encoding/o200k_base') as { countTokens: CountTokens }).countTokens;
  return countO200kTokens(text, plainText);
}

/**
 * What a `tools/list` costs the model on every turn: o200k tokens of the JSON of each tool's `name`,
 * `description` and `inputSchema`, what common clients pass on (`outputSchema`, `title` and
 * `annotations` stay with the client).
 */
export function modelVisibleToolTokens(tools: readonly { name: string; description?: string | undefined; inputSchema?: unknown }[]): number {
  return countTokens(JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }))));
}
