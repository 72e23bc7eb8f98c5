/**
 * "Did you mean …?" for an unknown config key: the known key it is a typo of, if any.
 *
 * `config/` imports nothing from the layers above it (ARCHITECTURE.md), so this does not reuse
 * `servers/closestNames.ts`; keys are few and short, so a plain edit distance with transpositions
 * (`timoeut` is one slip, not two) is all it needs.
 */
export function nearestKey(unknown: string, known: Iterable<string>): string | undefined {
  const wanted = unknown.toLowerCase();
  // Short keys need a near-exact hit; `comand` → `command` and `codemode` → `codeMode` both pass.
  const budget = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(wanted, key.toLowerCase());
    if (distance <= budget && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      row[j] = distance;
    }
  }
  return at(a.length, b.length);
}
