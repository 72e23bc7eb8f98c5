import { levenshtein } from './editDistance.ts';

/**
 * "Did you mean …?" for names typed by a model or a user: tool names, server names, anything.
 *
 * Names are compared after normalising case and separators, so `readTextFile`, `read-text-file`
 * and `READ_TEXT_FILE` all match `read_text_file` exactly; what remains is ranked by edit distance.
 */
export function closestNames(target: string, candidates: Iterable<string>, max = 3): string[] {
  // Names are compared by their first `comparedChars` (normalised): the edit distance costs the
  // product of the lengths, and a name typed a megabyte long must not cost seconds.
  const wanted = normalise(target);
  const scored: { name: string; distance: number; order: number }[] = [];
  let order = 0;
  for (const name of candidates) {
    order++;
    const candidate = normalise(name);
    const distance = levenshtein(wanted, candidate);
    // A typo budget that grows with the length: short names need a near-exact hit.
    const budget = Math.max(2, Math.floor(Math.max(wanted.length, candidate.length) / 3));
    const contains = wanted.length >= 3 && (candidate.includes(wanted) || wanted.includes(candidate));
    if (distance <= budget || contains) scored.push({ name, distance, order });
  }
  scored.sort((a, b) => a.distance - b.distance || a.order - b.order);
  return scored.slice(0, max).map((entry) => entry.name);
}

const comparedChars = 128;

function normalise(name: string): string {
  return name.slice(0, comparedChars * 4).toLowerCase().replace(/[-_\s.]+/g, '').slice(0, comparedChars);
}
