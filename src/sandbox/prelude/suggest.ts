/** Up to `limit` candidates closest to `wanted`, best first: for "did you mean …" hints. */
export function closestNames(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const target = wanted.toLowerCase();
  return candidates
    .map((name) => ({ name, score: similarity(target, name.toLowerCase()) }))
    .filter((entry) => entry.score > 0.3)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}

/** 1 for equal strings, 0 for nothing in common; substring matches count as close. */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length > 0 && (b.includes(a) || a.includes(b))) return 0.9;
  const distance = levenshtein(a, b);
  return 1 - distance / Math.max(a.length, b.length, 1);
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
