/** Median and p99 of a list of milliseconds, rounded for printing. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (n) => Math.round(n * 1000) / 1000;
  return { n: sorted.length, median: round(at(0.5)), p99: round(at(0.99)), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

export async function timeIt(fn) {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}
