/**
 * Prompt size in tokens, measured with the o200k encoding (GPT-4o and later): no tokenizer matches every
 * model, but one real BPE is a far better yardstick for "does this fit in a prompt" than characters / 4.
 * Only the o200k entry point is imported: the package's root would load every encoding.
 */
import { countTokens as countO200kTokens } from 'gpt-tokenizer/encoding/o200k_base';

// Server text may contain `<|endoftext|>` and the like; to a prompt they are plain characters, and the
// tokenizer's default would throw on them.
const plainText = { disallowedSpecial: new Set<string>() };

/** How many o200k tokens `text` takes. */
export function countTokens(text: string): number {
  return countO200kTokens(text, plainText);
}
