import { optimalStringAlignment } from './editDistance.ts';

/**
 * "Did you mean …?" for an unknown config key: the known key it is a typo of, if any.
 *
 * Used by `config/` (the bottom layer above `text/`) for its unknown-key hints. It does not reuse
 * `servers/outcomes/closestNames.ts`, which ranks tool names by other rules; keys are few and short, so an
 * edit distance that counts a swap of two neighbours as one slip (`timoeut`) is all it needs.
 */
export function nearestKey(unknown: string, known: Iterable<string>): string | undefined {
  const wanted = unknown.toLowerCase();
  // Short keys need a near-exact hit; `comand` → `command` and `codemode` → `codeMode` both pass.
  const budget = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = optimalStringAlignment(wanted, key.toLowerCase());
    if (distance <= budget && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}
