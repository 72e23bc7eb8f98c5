/**
 * "Did you mean …?" for names typed by a model or a user: tool names, server names, anything.
 *
 * Names are compared after normalising case and separators, so `readTextFile`, `read-text-file`
 * and `READ_TEXT_FILE` all match `read_text_file` exactly; what remains is ranked by edit distance.
 */
export function closestNames(target: string, candidates: Iterable<string>, max = 3): string[] {
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

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_\s.]+/g, '');
}

/** Classic two-row dynamic programme: O(a·b) time, O(b) memory. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}
