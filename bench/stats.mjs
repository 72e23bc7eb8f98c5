/** Small statistics helpers shared by the benchmarks. All times are milliseconds. */

const round3 = (n) => Math.round(n * 1000) / 1000;

/** Median, p99 (nearest rank), min and max of a list of samples, rounded for printing. */
export function summarize(samples) {
  if (samples.length === 0) return { n: 0, median: NaN, p99: NaN, min: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { n: sorted.length, median: round3(median), p99: round3(rank(0.99)), min: round3(sorted[0]), max: round3(sorted.at(-1)) };
}

/** Runs `fn` once and returns its duration with its value. */
export async function timeIt(fn) {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** `a / b` with two decimals (NaN-safe for printing). */
export function ratio(a, b) {
  return b > 0 ? Math.round((a / b) * 100) / 100 : NaN;
}

/** `1 - part / whole` as a percentage with one decimal: how much `part` saves against `whole`. */
export function reduction(part, whole) {
  return whole > 0 ? Math.round((1 - part / whole) * 1000) / 10 : NaN;
}

export function round(n, digits = 3) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
