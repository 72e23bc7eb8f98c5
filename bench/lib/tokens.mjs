/** Token counts as the project measures them: o200k (gpt-tokenizer), see src/modelApi/tokenCount.ts. */
import { countTokens, modelVisibleToolTokens } from '../../dist/modelApi/tokenCount.js';

export { countTokens, modelVisibleToolTokens };

/** Tokens of `value` serialised as compact JSON (what goes over the wire and into a prompt). */
export function jsonTokens(value) {
  return countTokens(JSON.stringify(value));
}
