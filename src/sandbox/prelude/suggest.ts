import { levenshtein } from '../../text/editDistance.ts';

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
