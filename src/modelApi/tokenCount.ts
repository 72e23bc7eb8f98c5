/**
 * Prompt size in tokens, measured with the o200k encoding (GPT-4o and later): no tokenizer matches every
 * model, but one real BPE is a far better yardstick for "does this fit in a prompt" than characters / 4.
 * Only the o200k entry point is loaded: the package's root would load every encoding.
 *
 * Loaded on first use, not at import: its tables cost about 0.75 s of CPU, which a process that never
 * counts (`code-goat --help`, a library user with no token budget to size) should not pay.
 */
import { createRequire } from 'node:module';
import { isLowSurrogate } from '../text/surrogates.ts';

type CountTokens = (text: string, options: { disallowedSpecial: Set<string> }) => number;

const require = createRequire(import.meta.url);
let countO200kTokens: CountTokens | undefined;

// Server text may contain `<|endoftext|>` and the like; to a prompt they are plain characters, and the
// tokenizer's default would throw on them.
const plainText = { disallowedSpecial: new Set<string>() };

let o200kPieces: RegExp | undefined;

/**
 * o200k's pre-tokenizer split pattern (gpt-tokenizer's own), which needs no tables to load. BPE
 * never merges across its cuts, so each piece is at least one token.
 */
function o200kPieceSplit(): RegExp {
  o200kPieces ??= new RegExp((require('gpt-tokenizer/encodingParams/constants') as { O200K_TOKEN_SPLIT_REGEX: RegExp }).O200K_TOKEN_SPLIT_REGEX.source, 'gu');
  return o200kPieces;
}

/**
 * How many pieces o200k's pre-tokenizer cuts `text` into: a lower bound of its tokens, and in
 * declaration text (identifiers, keywords, punctuation) almost always the count itself
 * (`{ name: string; entityType: string }` is 10 pieces and 10 tokens). It needs only the split
 * pattern, not the tables: for choices made while declaring a catalog (sharedShapes.ts), which would
 * otherwise load the tables for every code mode whose servers repeat a shape, and stall the event
 * loop for half a second as a server joins.
 */
export function countTokenPieces(text: string): number {
  // Counted as they are found, not gathered: a server's schema may make a shape of megabytes.
  let pieces = 0;
  for (const _piece of text.matchAll(o200kPieceSplit())) pieces += 1;
  return pieces;
}

/** The most UTF-8 bytes one o200k token stands for (a run of 128 spaces). */
const maxTokenBytes = 128;

/**
 * A lower bound of `text`'s tokens that costs one pass of the split pattern, no tables: each piece
 * takes at least one token, and at least one per `maxTokenBytes` of its bytes. It lets a text of
 * megabytes be judged too big without counting it.
 */
export function minimumTokens(text: string): number {
  let tokens = 0;
  for (const [piece] of text.matchAll(o200kPieceSplit())) tokens += piece.length <= maxTokenBytes / 3 ? 1 : Math.max(1, Math.ceil(Buffer.byteLength(piece) / maxTokenBytes));
  return tokens;
}

/**
 * Pieces longer than this are counted in chunks of `longPieceChunkChars`. BPE merges a piece in time
 * that grows with the square of its length: a description of 40,000 letters with no space or
 * punctuation took 1 s to count, 60,000 about 2.5 s, a megabyte would take many minutes, all on the
 * event loop. Real text has no such pieces (words, identifiers, runs of spaces are far shorter), so
 * its count is exact; a longer one counts as the sum of its chunks' counts, close to the whole
 * piece's (a cut may split a token and shift the merges after it: 'abcdefghij' × 600 counts 1,313
 * against 1,200), and counting stays linear in the text.
 */
const longPieceChars = 256;
const longPieceChunkChars = 64;

/** How many o200k tokens `text` takes (exactly, unless it has pieces longer than `longPieceChars`; see there). */
export function countTokens(text: string): number {
  countO200kTokens ??= (require('gpt-tokenizer/encoding/o200k_base') as { countTokens: CountTokens }).countTokens;
  const count = countO200kTokens;
  let tokens = 0;
  let countedUpTo = 0;
  for (const match of text.matchAll(o200kPieceSplit())) {
    const piece = match[0];
    if (piece.length <= longPieceChars) continue;
    tokens += count(text.slice(countedUpTo, match.index), plainText);
    for (let at = 0; at < piece.length; ) {
      let end = Math.min(piece.length, at + longPieceChunkChars);
      // Never between the two halves of a surrogate pair.
      if (end < piece.length && isLowSurrogate(piece.charCodeAt(end))) end += 1;
      tokens += count(piece.slice(at, end), plainText);
      at = end;
    }
    countedUpTo = match.index + piece.length;
  }
  return tokens + count(countedUpTo === 0 ? text : text.slice(countedUpTo), plainText);
}

/**
 * What a `tools/list` costs the model on every turn: o200k tokens of the JSON of each tool's `name`,
 * `description` and `inputSchema`, what common clients pass on (`outputSchema`, `title` and
 * `annotations` stay with the client).
 */
export function modelVisibleToolTokens(tools: readonly { name: string; description?: string | undefined; inputSchema?: unknown }[]): number {
  return countTokens(JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }))));
}
